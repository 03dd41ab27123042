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

    if not total:
        out.print(text(t("shift.none", title=title)))
        return
    shown = rows if cap is None else rows[:cap]
    grid = Table(title=t("shift.count", title=title, n=total), title_justify="left", expand=False)
    for col in ("id", "sev", "customer", "site", "status", when_field, "in"):
        grid.add_column(word("field", col), no_wrap=col not in ("customer", "site"), overflow="ellipsis")
    for d in shown:
        grid.add_row(*(text(v) for v in _cells(d, when_field, now)))
    out.print(grid, style="red" if key == "breached" else "")
    if len(shown) < total:
        out.print(text(render(Message("list.more", shown=len(shown), n=total))))


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
    return (d["id"], d.get("severity") or "", d.get("customer", ""), d.get("site", ""),
            word("status", d.get("status", "")), shown, rel)  # fmt: skip
