"""Long lines folded for the terminal's width: between words or at an entry's ' · ' separators,
the lines after the first indented. CLI side (Rich measures a text's cells)."""

from __future__ import annotations


def hanging(line: str, width: int, indent: int = 4) -> list[str]:
    """A line too long for the terminal folded at its ' · ' separators (within a part, between
    words), each line after the first indented `indent` more than the first: an entry's going on
    is seen at a glance, where the terminal's own wrap starts it again at column 0."""
    from rich.cells import cell_len

    if cell_len(line) <= width and "\n" not in line:
        return [line]
    lead = " " * (len(line) - len(line.lstrip(" ")))
    return folded_parts(lead, line.strip().split(" · "), width, indent)


def folded_parts(lead: str, parts: list[str], width: int, indent: int = 4) -> list[str]:
    """Parts of one entry on lines of the terminal's width: joined by ' · ' while they fit, each
    line after the first indented; a part's own lines (a note typed on several) kept as typed,
    under it, and never read as separators (a ' · ' typed in a note is the note's)."""
    import textwrap

    from rich.cells import cell_len

    pad = lead + " " * indent
    rows: list[str] = []
    for n, part in enumerate(parts):
        first, *more = part.split("\n")
        if n == 0:
            rows.append(lead + first)
        elif cell_len(rows[-1]) + 3 + cell_len(first) <= width:
            rows[-1] += " · " + first
        else:
            rows.append(f"{pad}· {first}")
        rows += [f"{pad}  {m}" for m in more]
    out: list[str] = []
    for one in rows:
        if cell_len(one) <= width:
            out.append(one)
            continue
        first = " " * (len(one) - len(one.lstrip(" ")))
        under = pad + "  " if one.lstrip().startswith("· ") else pad  # a part's words under its first
        out += textwrap.wrap(one.strip(), max(width, 20), initial_indent=first, subsequent_indent=under,
                             break_long_words=False, break_on_hyphens=False)  # fmt: skip
    return out
