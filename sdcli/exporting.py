"""Tickets written out: spreadsheet-safe CSV/TSV with each kind's fixed columns, JSON or JSON
lines (`sdcli export`), and an import's rejected rows (`--rejects`). No CLI imports.

Reading rows and the cell conventions both directions share (the text form of a value, a
neutralised formula) are in tables.py; writing never decides what is written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from sdcli.clock import is_instant
from sdcli.errors import InvalidValue
from sdcli.store import dumps
from sdcli.tables import cell, decimal_mark, delimiter, neutralise


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


#: stored fields a CSV/TSV export leaves out, on purpose: `history` grows with every change and
#: would outgrow a spreadsheet's cell (32,767 characters in Excel and LibreOffice); an import
#: starts the copy's own history with the import (`imported_from`), and JSON keeps it whole.
#: `kind` is the export's own and `updated_at` the store's. Every other stored field goes out.
CSV_SKIP = ("history", "kind", "updated_at")
#: the CSV/TSV columns of each kind's export, always these, in this order, with a header even
#: when there is no row (README: Export columns). `classification_summary`, `escalation_summary`
#: and `last_note` are read-outs an import ignores; `extra` holds, as one JSON object, every other
#: stored field (the structured ones too: SLA pauses, escalation, attempts, classification), which
#: an import reads back through the same validation as a JSON row's (sdcli.importing.cells).
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


def export_cell(
    doc: dict[str, Any], column: str, columns: tuple[str, ...], mark: str = ".", zone: tzinfo | None = None
) -> str:
    """One cell of an export row: the field's text form (a number with the decimal `mark`; an
    instant on the site's clock, `zone`), a read-out, or the fields not in the columns (JSON: its
    numbers as JSON writes them, its values as stored)."""
    if column == "classification_summary":
        return classification_summary(doc)
    if column == "escalation_summary":
        return escalation_summary(doc, zone)
    if column == "last_note":
        return next((str(e["note"]) for e in reversed(doc.get("history") or []) if e.get("note")), "")
    if column == "extra":
        rest = {k: _on_clock(v, zone) for k, v in doc.items() if k not in columns and k not in CSV_SKIP}
        # a JSON object's text starts with {: no spreadsheet runs it as a formula, and the texts
        # inside it are not at the start of a cell
        return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""
    value = doc.get(column)
    if column in PHONE_FIELDS and isinstance(value, str) and value.startswith("+"):
        return tel_uri(value)
    return cell(_on_clock(value, zone), mark)  # failed_calls: each of its times


def on_site_clock(value: str, zone: tzinfo) -> str:
    """A stored instant as the site's clock gave it (the same instant, with the site's offset
    then); any other text as it is. A ticket's times were stored on the clock of the machine
    that recorded each (opened at 08:00-05:00 in Lima, acknowledged at 09:39-06:00 on a desk in
    Mexico City), and a spreadsheet's reader compares the hours they read: 1 h 24 late, not 2 h 24."""
    if not is_instant(value):
        return value
    try:
        return datetime.fromisoformat(value).astimezone(zone).isoformat()
    except ValueError:
        return value


def _on_clock(value: Any, zone: tzinfo | None) -> Any:
    """A stored value with every instant in it on the site's clock (the extra column's pauses,
    calls, classification): the same instants, the row's one clock."""
    if zone is None:
        return value
    if type(value) is str:
        return on_site_clock(value, zone)
    if type(value) is list:
        return [_on_clock(v, zone) for v in value]
    if type(value) is dict:
        return {k: _on_clock(v, zone) for k, v in value.items()}
    return value


@lru_cache(maxsize=256)
def site_zone(name: Any) -> tzinfo | None:
    """The zone a ticket's export row is written in (its site's), None where it names none known."""
    from sdcli.clock import get_tz

    try:
        return get_tz(name) if isinstance(name, str) else None
    except InvalidValue:
        return None


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


def escalation_summary(doc: dict[str, Any], zone: tzinfo | None = None) -> str:
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
        parts.append(f"last {_on_clock(last.get('at', ''), zone)} {last.get('contact', '')} (L{last.get('level', '')}) "
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
    BOM, `;` between cells and CRLF line ends (what Excel in es/pt expects); between cells
    separated by `;` a number has a decimal comma (tables.decimal_mark)."""
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
    mark = decimal_mark(sep)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    if excel:
        yield "\ufeff"
    w.writerow(columns)
    yield buf.getvalue()
    for d in docs:
        buf.seek(0)
        buf.truncate()
        zone = site_zone(d.get("timezone"))  # every time of a row on its site's clock
        w.writerow([neutralise(export_cell(d, c, columns, mark, zone)) for c in columns])
        yield buf.getvalue()
