"""Tables in: CSV, TSV, JSON and JSON lines read into rows, and the cell conventions both
directions share (a stored value's text form, a neutralised formula and its inverse). Writing
tickets and rejected rows out is exporting.py. No CLI imports.

Split from the importer (which maps and validates the rows): reading never validates a field.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sdcli.errors import InvalidValue
from sdcli.i18n import Message
from sdcli.inputs import parse_json

FORMATS = ("csv", "tsv", "json", "jsonl")
#: more columns than a spreadsheet holds (Excel: 16,384) is not a table of tickets
MAX_COLUMNS = 16_384
#: a neutralised cell: one ' more than the text had before a formula character
_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def detect_format(source: str, explicit: str | None, head: str) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InvalidValue("format", explicit, "invalid.use_one_of", choices=", ".join(FORMATS))
        return explicit
    suffix = Path(source).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("ndjson",):
        return "jsonl"
    stripped = head.lstrip()
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        return "jsonl"
    return "tsv" if "\t" in head.split("\n", 1)[0] else "csv"


@dataclass
class Rows:
    """The rows of an input, read once: kept row by row, validated column by column."""

    columns: list[str]
    lines: list[int]  # the line (CSV, TSV) or item number (JSON) of each row
    cells: list[Any]  # per row: its cells in column order (CSV, TSV) or its object (JSON)
    broken: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # row -> (value, reason)
    spreadsheet: bool = False  # CSV/TSV: cells an export neutralised ('=...) get their text back

    def __post_init__(self) -> None:
        self._positions = {name: j for j, name in enumerate(self.columns)}  # a repeated name: the last
        self._positional: bool | None = None  # by_position, once the cells are let go

    def __len__(self) -> int:
        return len(self.lines)

    @classmethod
    def of_dicts(cls, rows: list[dict[str, Any]], first_line: int = 1) -> Rows:
        columns: dict[str, None] = {}
        for row in rows:
            columns.update(dict.fromkeys(row))
        return cls(list(columns), list(range(first_line, first_line + len(rows))), list(rows))

    @property
    def by_position(self) -> bool:
        if self._positional is not None:
            return self._positional
        return not self.cells or isinstance(self.cells[0], list)

    def column(self, name: str) -> list[Any]:
        """Every row's value of a column, None where a row has none."""
        if self.by_position:
            j = self._positions.get(name)
            return [None] * len(self.cells) if j is None else list(map(itemgetter(j), self.cells))
        return [c.get(name) for c in self.cells]

    def release(self, keep: Iterable[int] = ()) -> None:
        """Let the cells go but those of the rows `keep` (for their reports): an import whose
        rows are validated writes only its documents (the columns, lines and broken rows stay;
        `row` gives only the kept rows, `column` nothing)."""
        self._positional = self.by_position
        cells = self.cells
        self.cells = {i: cells[i] for i in keep}  # type: ignore[assignment]  # a row number -> its cells

    def row(self, i: int) -> dict[str, Any]:
        """Row i as the file gave it, for reports and the rejects file."""
        if self.by_position:
            return dict(zip(self.columns, self.cells[i], strict=False))
        return self.cells[i]


def delimiter(fmt: str, text: str | None = None) -> str:
    """The cell separator: a tab for TSV; for CSV the configured one (csv_delimiter, default ,),
    or, reading, the one the header line uses of it, ',' and ';' (a spreadsheet in Latin America
    often writes ';')."""
    if fmt != "csv":
        return "\t"
    from sdcli.config import current

    chosen = str(current().csv_delimiter or ",")
    if text is None:
        return chosen
    head = text.split("\n", 1)[0]
    for candidate in (chosen, ",", ";"):
        if candidate in head:
            return candidate
    return chosen


def read_rows(text: str, fmt: str, source: str) -> Rows:
    """The rows of a CSV/TSV/JSON/JSONL text."""
    if "\x00" in text:
        raise InvalidValue("file", source, "invalid.nul_file")
    if fmt in ("csv", "tsv"):
        reader = csv.reader(_lines(text), delimiter=delimiter(fmt, text))
        lines: list[int] = []
        cells: list[Any] = []
        broken: dict[int, tuple[Any, Any]] = {}
        seen: dict[str, str] = {}  # one object per distinct text: imports repeat most cells
        try:
            header: list[str] = []
            for header in reader:  # the first line that is not blank
                if header:
                    break
            width = len(header)
            if width > MAX_COLUMNS:
                raise InvalidValue("file", source, "invalid.columns", n=f"{width:,}", most=f"{MAX_COLUMNS:,}")
            for row in reader:
                if len(row) != width:
                    if not row:
                        continue  # a blank line
                    if len(row) > width:
                        broken[len(cells)] = (row[width:], Message("invalid.more_cells"))
                        del row[width:]
                    else:
                        row.extend([None] * (width - len(row)))  # type: ignore[list-item]
                lines.append(reader.line_num)
                cells.append(list(map(seen.setdefault, row, row)))
        except csv.Error as e:
            raise InvalidValue(
                "file", source, "invalid.table_at", fmt=fmt.upper(), line=reader.line_num, reason=str(e)
            ) from None
        return Rows(header, lines, cells, broken, spreadsheet=True)
    return _read_json(text, fmt, source)


#: a line as io.StringIO(newline="") splits them (\n, \r\n or \r), its end kept
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
#: what str.splitlines also ends a line at, and a CSV reader does not
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _lines(text: str) -> Iterator[str] | list[str]:
    """The lines of text (a StringIO would first copy the whole text, at up to 4 bytes a
    character): split in C when the text has no other line breaks than \n and \r (a list of
    them holds about the text once more, while it is read), else one at a time."""
    if not any(c in text for c in _OTHER_BREAKS):  # each a scan in C, at memchr's speed
        return text.splitlines(keepends=True)
    return (m.group() for m in _LINE.finditer(text))


def _read_json(text: str, fmt: str, source: str) -> Rows:
    """The objects of a JSON array or of JSON lines, one row each."""
    if fmt == "json":
        try:
            data = parse_json(text)  # orjson, else the stdlib (its error messages), within bounds
        except ValueError as e:
            raise InvalidValue("file", source, "invalid.json", reason=str(e)) from None
        if not isinstance(data, list):
            raise InvalidValue("file", source, "invalid.json_array")
        items = list(enumerate(data, start=1))
    else:
        items = []
        for n, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 may be in a string
            if not line.strip():
                continue
            try:
                items.append((n, parse_json(line)))
            except ValueError as e:
                raise InvalidValue("file", source, "invalid.json_line", line=n, reason=str(e)) from None
    columns: dict[str, None] = {}
    objects: list[Any] = []
    not_objects: dict[int, tuple[Any, Any]] = {}
    for i, (_n, item) in enumerate(items):
        if isinstance(item, dict):
            columns.update(dict.fromkeys(item))
        else:
            not_objects[i] = (item, Message("invalid.object"))
            item = {"value": item}
        objects.append(item)
        if len(columns) > MAX_COLUMNS:
            raise InvalidValue("file", source, "invalid.keys", most=f"{MAX_COLUMNS:,}")
    return Rows(list(columns), [n for n, _ in items], objects, not_objects)


def unescape_cell(value: Any) -> Any:
    """A cell our export neutralised ('=SUM...) gets its text back."""
    if isinstance(value, str) and _FORMULA.match(value):
        return value[1:]
    return value


# --------------------------------------------------------------------------- cells


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with '.

    So is a text that already starts with ' before such a character: the importer removes
    exactly one ', and every text comes back as it was."""
    if isinstance(value, str) and (value.startswith(_FORMULA_START) or _FORMULA.match(value)):
        return "'" + value
    return value


def decimal_mark(sep: str) -> str:
    """The decimal mark of the numbers of a table whose cells `sep` separates: a comma between
    cells separated by ; (what Excel and LibreOffice in Spanish and Portuguese write and read:
    60.00 there is 6000 or a text), else a point. JSON keeps its numbers."""
    return "," if sep == ";" else "."


def cell(value: Any, mark: str = ".") -> str:
    """The text form of a stored value in a CSV cell (the importer reads it back), a number
    with the table's decimal `mark`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value).replace(".", mark)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and {"name", "email", "phone"} <= v.keys() for v in value)
        and not any(c in str(v["name"]) for v in value for c in "|<>")  # else JSON, read back the same
    ):
        return " | ".join(f"{v['name']} <{v['email']}> {v['phone']}" for v in value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
