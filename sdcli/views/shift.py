"""`sdcli shift` on a terminal: a title line, then each section as a table of at most a screenful
(the count of the rest and how to see them all below it, as `list` says it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sdcli.i18n import Message, render
from sdcli.ui import console, text


def show(
    data: dict[str, Any],
    now: datetime,
    within: str,
    sections: Iterable[tuple[str, str]],
    *,
    counts: dict[str, int] | None = None,
    all_rows: bool = False,
) -> Any:
    """The shift view's sections ((key, the time each row is shown by)) as tables, each at most a
    screenful unless `all_rows` (`counts`: how many rows each section has in all, when the data
    holds only the first ones); returns the console it printed on."""
    from sdcli.dates import When, agent_zone
    from sdcli.i18n import t
    from sdcli.views.lists import screenful

    out = console()
    mine = agent_zone()
    out.print(
        text(t("shift.at", when=render(When(now.astimezone(mine), getattr(mine, "key", None)))), "bold")
    )
    cap = None if all_rows else screenful()
    for key, when_field in sections:
        total = len(data[key]) if counts is None else counts.get(key, len(data[key]))
        _section(out, key, when_field, data[key], total, now, title=t(f"shift.{key}", within=within), cap=cap)
    return out


def _section(
    out: Any,
    key: str,
    when_field: str,
    rows: list[dict[str, Any]],
    total: int,
    now: datetime,
    *,
    title: str,
    cap: int | None,
) -> None:
    """One section: its title with how many rows it has (`total`), the first `cap` of `rows`, and
    (when some are left out) how many are shown and how to see them all."""
    from rich.table import Table

    from sdcli.i18n import t, word
    from sdcli.views.lists import HEADERS, cut, widths

    if not total:
        out.print(text(t("shift.none", title=title)))
        return
    shown = rows if cap is None else rows[:cap]
    grid = Table(title=t("shift.count", title=title, n=total), title_justify="left", expand=False, box=None,
                 pad_edge=False, header_style="bold underline")  # fmt: skip
    names = ("id", "sev", "customer", "site", "status", when_field, "in")
    heads = {c: word("field", HEADERS.get(c, c)) for c in names}
    cells = dict(zip(names, ([*col] for col in zip(*(_cells(d, when_field, now) for d in shown), strict=True)),
                     strict=True))  # fmt: skip
    sized = widths(heads, cells, out.width, _NAMES)
    for c in names:
        grid.add_column(heads[c], no_wrap=True, overflow="ellipsis", width=sized[c])
    for c in _NAMES:  # a row a line, as in `list` (a wrapped customer took four): cut, telling rows apart
        cells[c] = cut(cells[c], sized[c])
    for i in range(len(shown)):
        grid.add_row(*(text(cells[c][i]) for c in names))
    out.print(grid, style="red" if key == "breached" else "")
    if len(shown) < total:
        out.print(text(render(Message("list.more", shown=len(shown), n=total))))


#: the columns cut to fit the screen; the others are shown whole
_NAMES = ("customer", "site")


def _cells(d: dict[str, Any], when_field: str, now: datetime) -> tuple[str, ...]:
    """A section's row: id, severity, customer, site, status, its time (in the site's zone) and
    how far that is from now."""
    from sdcli import clock
    from sdcli.dates import When
    from sdcli.i18n import t, word

    when = d.get(when_field)
    rel = ""
    if when:
        delta = clock.from_iso(when) - now
        span = clock.humanize(delta)
        rel = t("date.in", span=span) if delta.total_seconds() >= 0 else t("date.ago", span=span)
    shown = render(When(when, d.get("timezone"), compact=True)) if when else ""
    return (str(d["id"]), str(d.get("severity") or ""), str(d.get("customer") or ""), str(d.get("site") or ""),
            word("status", d.get("status", "")), shown, rel)  # fmt: skip
