"""Listings on a terminal: one line a row, the columns chosen by the screen's width (the
essential ones first, the rest while they fit); text that does not fit is cut with … on its
line, never wrapped onto the next."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sdcli.i18n import Message, render, word
from sdcli.ui import console, text

#: `list` on a terminal: what always shows, then what is added while the screen is wide enough
ESSENTIAL = ("id", "severity", "status", "customer", "site", "recovery_due")
WIDER = ("problem", "opened_at")
#: short headers where the field's name would take a column's width
HEADERS = {"severity": "sev", "recovery_due": "due"}
#: columns cut with … when the screen is narrow (the others are shown whole)
_SHRINK = {"customer", "site", "problem", "name", "category", "owner", "description", "type", "project_manager",
           "account_manager", "commercial_team", "to", "error"}  # fmt: skip


def ticket_table(
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    *,
    wider: tuple[str, ...] = (),
    sparse: tuple[str, ...] = (),
    none: str = "list.none",
    count: str = "list.count",
    total: int | None = None,
    home: Path | None = None,
) -> None:
    """Rows as a table, one line each; `wider` columns only where the screen has room, `sparse`
    ones only where a row has something to show in them (an error column of updates that all went
    well). With `total` above the rows shown, the footer says how many there are and how to see
    them all."""
    from rich.table import Table

    out = console()
    if not rows:
        out.print(text(render(Message(none))))
        return
    cells = {c: [cell_text(r, c, home) for r in rows] for c in (*columns, *wider)}
    chosen = [c for c in columns if c not in sparse or any(cells[c])]
    width = out.width
    for extra in wider:
        if _needed([*chosen, extra], cells) <= width:
            chosen.append(extra)
    heads = {c: word("field", HEADERS.get(c, c)) for c in chosen}
    sized = widths(heads, cells, width)
    table = Table(box=None, pad_edge=False, expand=False, header_style="bold underline")
    for c in chosen:
        table.add_column(heads[c], no_wrap=True, overflow="ellipsis", width=sized[c])
    for c in chosen:
        if c in _SHRINK:
            cells[c] = cut(cells[c], sized[c])
    for i in range(len(rows)):
        table.add_row(*(text(cells[c][i], no_wrap=True) for c in chosen))
    out.print(table)
    n = len(rows)
    if total is not None and total > n:
        out.print(text(render(Message("list.more", shown=n, n=total))))
        return
    out.print(text(render(Message(f"{count}_one" if n == 1 else count, n=n))))


def cut(values: list[str], width: int) -> list[str]:
    """A column's texts cut to width with …: at their end, but where texts that differ would read
    the same cut so ("Agencia Mirafl…" for Agencia Miraflores 1, 2 and 3), in their middle, the
    end that tells them apart kept ("Agencia Mira… 1"). Texts of wide characters are left to the
    table's own cut (it measures cells)."""
    from rich.cells import cell_len

    def end_cut(v: str) -> str:
        return v if len(v) <= width else v[: width - 1].rstrip() + "…"

    shown = [end_cut(v) for v in values]
    if width < 8:
        return shown
    texts: dict[str, set[str]] = {}
    for v, s in zip(values, shown, strict=True):
        texts.setdefault(s, set()).add(v)
    out = []
    for v, s in zip(values, shown, strict=True):
        alike = texts[s]
        if len(alike) < 2 or v == s or cell_len(v) != len(v):
            out.append(s)
            continue
        keep = _telling_end(v, alike, width // 2)
        out.append(v[: width - 1 - keep].rstrip() + "…" + v[len(v) - keep :])
    return out


def _telling_end(v: str, alike: set[str], most: int) -> int:
    """How many of v's last characters tell it apart from the other texts (at most `most`),
    taken back to the space before their word where that fits (" 1", " Norte")."""
    keep = 1
    while keep < most and any(o != v and o.endswith(v[-keep:]) for o in alike):
        keep += 1
    space = v.rfind(" ", 0, len(v) - keep + 1)
    if space > 0 and len(v) - space <= most:
        keep = len(v) - space
    return keep


def screenful() -> int:
    """How many rows a terminal's listing shows by default: the screen's height less its header,
    footer and prompt (at least 5)."""
    return max(5, console().size.height - 4)


def _needed(columns: list[str], cells: dict[str, list[str]]) -> int:
    """The width the columns take shown whole (the shrinking ones at up to 24 characters)."""
    total = 0
    for c in columns:
        w = max([len(word("field", HEADERS.get(c, c))), *map(len, cells[c])])
        total += (min(w, 24) if c in _SHRINK else w) + 2
    return total


def widths(
    heads: dict[str, str], cells: dict[str, list[str]], width: int, shrink: Iterable[str] = _SHRINK
) -> dict[str, int]:
    """Each column's width in a table `width` wide, two spaces between columns (`heads`: each
    column's header, in order): the others whole, those of `shrink` sharing what is left (in
    proportion to their text, at least 6 characters each). The one policy of `list` and `shift`."""
    natural = {c: max([len(h), *map(len, cells[c])]) for c, h in heads.items()}
    cut = [c for c in heads if c in shrink]
    room = width - 2 * (len(heads) - 1) - sum(w for c, w in natural.items() if c not in cut)
    wanted = sum(natural[c] for c in cut)
    out = dict(natural)
    if cut and wanted > room:
        for c in cut:
            out[c] = max(6, room * natural[c] // max(wanted, 1))
    return out


def cell_text(row: dict[str, Any], column: str, home: Path | None = None) -> str:
    """A table cell: a stored value in words (a choice as the desk's questionnaire words it),
    times compact in the row's zone, on one line."""
    from sdcli.render import is_time, value_text, when

    value = row.get(column)
    if value is None or value == "":
        return ""
    if column in ("problem", "service_type"):
        from sdcli.intake import load_questionnaire

        q = next((x for x in load_questionnaire(home) if x.key == column), None)
        return q.choice_label(value) if q else str(value)
    if is_time(value):
        return when(value, row.get("timezone"), compact=True)
    return value_text(value, zone=row.get("timezone"), key=column, home=home).replace("\n", "; ")
