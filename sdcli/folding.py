"""Long lines folded for the terminal's width: between words or at an entry's ' · ' separators,
the lines after the first indented. CLI side (Rich measures a text's cells)."""

from __future__ import annotations

import re

#: what a fold never parts, glued by a figure space while a line is folded (given back after):
#: a number and its unit ("24 h"), a phone number grouped for dialling ("+55 81 99876-5432",
#: split at its space it reads as two numbers), an amount and its currency ("150,00 USD"), a date
#: and its time ("3 dez 2026 12:32", "8 dic 03:00")
GLUE = "\u2007"
_UNIT = re.compile(r"(\d) (h|min|d|s|ms|%|MB|GB|[A-Z]{3})\b")  # [A-Z]{3}: a currency (150,00 USD)
_WHOLE = re.compile(r"\+\d+(?:[ -]\d+)+(?: ext\. \d+)?|\b\d{1,2} [^\W\d_]{3,5}\.?(?: \d{4})? \d{1,2}:\d{2}\b")


def glued(line: str) -> str | None:
    """line with the spaces of what a fold never parts glued (GLUE); None for a line that holds
    the glue itself (typed in a note: folded as it is, nothing given back)."""
    if GLUE in line:
        return None
    line = _WHOLE.sub(lambda m: m.group(0).replace(" ", GLUE), line)
    return _UNIT.sub(f"\\1{GLUE}\\2", line)


def kept(value: str, width: int) -> str:
    """A value for a table's cell `width` wide: each of its lines longer than that folded between
    words, never inside a phone number, a date or an amount of time (a table's own wrap split
    "+55 81" from "99876-5432"); the value's own lines kept."""
    import textwrap

    from rich.cells import cell_len

    if width < 12 or all(cell_len(one) <= width for one in value.split("\n")):
        return value
    out: list[str] = []
    for one in value.split("\n"):
        glue = glued(one)
        if cell_len(one) <= width or glue is None:
            out.append(one)
            continue
        parts = textwrap.wrap(glue, width, break_long_words=False, break_on_hyphens=False, expand_tabs=False,
                              replace_whitespace=False)  # a tab typed stays one  # fmt: skip
        out += [part.replace(GLUE, " ") for part in parts] or [one]
    return "\n".join(out)


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
