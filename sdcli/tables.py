"""Tables in and out: CSV, TSV, JSON and JSON lines read into rows, tickets written back as
spreadsheet-safe CSV, JSON or JSON lines, and an import's rejected rows. No CLI imports.

Split from the importer (which maps and validates the rows): reading never validates a
field, and writing never decides what is written.
"""

from __future__ import annotations

import csv
import io
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
from sdcli.store import dumps

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


# --------------------------------------------------------------------------- writing


def write_rejects(
    path: Path, fmt: str, columns: list[str], rejected: list[tuple[int, dict[str, Any], str]]
) -> None:
    buf = io.StringIO()
    if fmt in ("csv", "tsv"):
        w = csv.DictWriter(
            buf,
            fieldnames=[*map(neutralise, columns), "line", "reason"],
            delimiter=delimiter(fmt),
            extrasaction="ignore",
        )
        w.writeheader()  # header cells are the file's own text too: neutralised like the others
        for line, row, reason in rejected:
            w.writerow(
                {**{neutralise(k): neutralise(v) for k, v in row.items()}, "line": line, "reason": reason}
            )
    elif fmt == "json":
        buf.write(
            json.dumps(
                [{**row, "line": line, "reason": reason} for line, row, reason in rejected],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for line, row, reason in rejected:
            buf.write(json.dumps({**row, "line": line, "reason": reason}, ensure_ascii=False) + "\n")
    write_output(path, buf.getvalue())


def write_output(path: Path | str, text: str) -> None:
    """text to the file, stream or '-' the user named (see sdcli/outputs.py)."""
    from sdcli.outputs import write_text

    write_text(str(path), [text])


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with '.

    So is a text that already starts with ' before such a character: the importer removes
    exactly one ', and every text comes back as it was."""
    if isinstance(value, str) and (value.startswith(_FORMULA_START) or _FORMULA.match(value)):
        return "'" + value
    return value


def cell(value: Any) -> str:
    """The text form of a stored value in a CSV cell (the importer reads it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
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


CSV_SKIP = ("history", "classification", "escalation", "escalation_attempts", "sla_pauses")
#: the CSV/TSV columns of each kind's export, always these, in this order, with a header even
#: when there is no row (README: Export columns). `classification_summary`, `escalation_summary`
#: and `last_note` are read-outs an import ignores; `extra` holds, as JSON, any other stored field.
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "incident": (
        "id", "status", "severity", "customer", "site", "country", "timezone", "problem", "description",
        "callback_contacts", "local_contacts", "opening_hours", "customer_reference", "service_type",
        "has_contingency", "contingency_works", "power_now", "power_outage", "raining", "equipment_connected",
        "equipment_rebooted", "source_ip", "destination_ip", "source_number", "destination_number",
        "failed_calls", "channel", "opened_at", "opened_by", "received_at", "ack_due", "acked_at",
        "recovery_due", "sla_clock", "sla_target_hours", "sla_met", "sla_paused_at", "resolved_at",
        "resolution", "closed_at", "classified_at", "classified_by", "external_id", "impact", "urgency",
        "category", "subcategory", "symptom", "assignment_group", "assigned_to", "unknown_answers",
        "missing_answers", "classification_summary", "escalation_summary", "last_note", "extra",
    ),
    "ssr": (
        "id", "status", "customer", "site", "country", "timezone", "category", "details", "requester",
        "description", "window_start", "window_end", "price", "received_at", "notice_hours", "opened_at",
        "opened_by", "scheduled_at", "done_at", "last_note", "extra",
    ),
    "change": (
        "id", "status", "customer", "site", "country", "timezone", "type", "description", "window_start",
        "window_end", "project_manager", "routing", "accepted_by", "accepted_as", "accepted_at",
        "scheduled_at", "executed_at", "cost", "rejection_reason", "opened_at", "opened_by", "last_note",
        "extra",
    ),
}  # fmt: skip
#: stored fields whose value is a phone number alone: written as an RFC 3966 tel: URI
#: (tel:+51-1-4117000), which a spreadsheet keeps as text (no leading + to take for a formula,
#: no apostrophe shown) and the importer reads back as the number
PHONE_FIELDS = ("source_number", "destination_number")
_READOUTS = ("classification_summary", "escalation_summary", "last_note", "extra")


def export_cell(doc: dict[str, Any], column: str, columns: tuple[str, ...]) -> str:
    """One cell of an export row: the field's text form, a read-out, or the fields not in the columns."""
    if column == "classification_summary":
        return classification_summary(doc)
    if column == "escalation_summary":
        return escalation_summary(doc)
    if column == "last_note":
        return next((str(e["note"]) for e in reversed(doc.get("history") or []) if e.get("note")), "")
    if column == "extra":
        rest = {
            k: v
            for k, v in doc.items()
            if k not in columns and k not in CSV_SKIP and k not in ("kind", "updated_at")
        }
        return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""
    value = doc.get(column)
    if column in PHONE_FIELDS and isinstance(value, str) and value.startswith("+"):
        return tel_uri(value)
    return cell(value)


def tel_uri(e164: str) -> str:
    import phonenumbers

    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.RFC3966
        )
    except phonenumbers.NumberParseException:
        return e164


def classification_summary(doc: dict[str, Any]) -> str:
    """How the severity was chosen, in one language-neutral line: manual 2 (suggested 1): reason."""
    c = doc.get("classification")
    if not isinstance(c, dict):
        return ""
    out = f"{c.get('method', '')} {doc.get('severity') or ''}".strip()
    if c.get("suggested"):
        out += f" (suggested {c['suggested']})"
    if c.get("reason"):
        out += f": {c['reason']}"
    return out


def escalation_summary(doc: dict[str, Any]) -> str:
    """Where the escalation stands, in one language-neutral line: level 2; 4 calls, last: ..."""
    esc = doc.get("escalation") or {}
    tries = doc.get("escalation_attempts") or []
    if not esc and not tries:
        return ""
    parts = [f"level {esc.get('active_level', 1)}", f"{len(tries)} attempts"]
    owner = esc.get("owner")
    if isinstance(owner, dict) and owner.get("name"):
        parts.append(f"owner {owner['name']} (L{owner.get('level', '')})")
    if tries:
        last = tries[-1]
        parts.append(f"last {last.get('at', '')} {last.get('contact', '')} (L{last.get('level', '')}) "
                     f"{last.get('channel', '')} {last.get('outcome', '')}")  # fmt: skip
    return "; ".join(parts)


def export_text(
    docs: list[dict[str, Any]],
    fmt: str,
    *,
    kind: str = "incident",
    delimiter_: str | None = None,
    excel: bool = False,
) -> Iterator[str]:
    """Tickets as JSON, JSON lines, or CSV/TSV with the kind's fixed columns. `excel`: a UTF-8
    BOM, `;` between cells and CRLF line ends (what Excel in es/pt expects)."""
    if fmt in ("json", "jsonl"):
        if fmt == "json":
            yield json.dumps(docs, ensure_ascii=False, indent=2) + "\n"
        else:  # orjson, in chunks of 1,000 tickets: about 8x the stdlib, one document at a time
            for i in range(0, len(docs), 1000):
                yield b"".join(dumps(d) + b"\n" for d in docs[i : i + 1000]).decode("utf-8")
        return
    if fmt not in ("csv", "tsv"):
        raise InvalidValue("format", fmt, "invalid.use_one_of", choices="csv, tsv, json, jsonl")
    columns = EXPORT_COLUMNS.get(kind) or EXPORT_COLUMNS["incident"]
    sep = "\t" if fmt == "tsv" else (delimiter_ or (";" if excel else delimiter(fmt)))
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    if excel:
        yield "\ufeff"
    w.writerow(columns)
    yield buf.getvalue()
    for d in docs:
        buf.seek(0)
        buf.truncate()
        w.writerow([neutralise(export_cell(d, c, columns)) for c in columns])
        yield buf.getvalue()
