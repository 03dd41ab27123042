"""How a ticket is laid in the PostgreSQL tables: its typed columns, its document as JSON text
(the key order kept, the history a placeholder of its length) and its history rows. No CLI imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sdcli.model import Vocabulary, parse_id, summary
from sdcli.store.base import key_of, version
from sdcli.store.files import dumps, loads
from sdcli.store.postgres_query import COLUMNS as QUERY_COLUMNS
from sdcli.store.postgres_query import values
from sdcli.store.query import compact, fold

#: (column, COPY type) of the tickets table, in the order rows are written
COLUMNS = (
    ("id", "text"), ("prefix", "text"), ("number", "int8"), ("kind", "text"), ("status", "text"),
    ("customer", "text"), ("site", "text"), ("severity", "int4"), ("opened_at", "timestamptz"),
    ("recovery_due", "timestamptz"), ("ack_due", "timestamptz"), ("external_id", "text"),
    ("customer_reference", "text"), ("external_id_fold", "text"), ("customer_reference_fold", "text"),
    ("external_id_compact", "text"), ("customer_reference_compact", "text"),
    ("finished", "bool"), ("version", "int4"), ("updated_at", "timestamptz"),
    ("summary", "text"), ("doc", "text"), ("message_id", "text"), *QUERY_COLUMNS, ("request_id", "text"),
)  # fmt: skip
NAMES = ", ".join(c for c, _ in COLUMNS)
TYPES = [t for _, t in COLUMNS]
HISTORY = ("ticket_id", "seq", "at", "by", "entry")
HISTORY_TYPES = ["text", "int4", "timestamptz", "text", "text"]
#: the key fields with a typed, indexed column: an import by them is looked up by the database
KEY_COLUMNS = ("external_id", "customer_reference", "message_id")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return (value if isinstance(value, str) else str(value)).replace("\x00", "")


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def _severity(value: Any) -> int | None:
    return value if type(value) is int and -(2**31) <= value < 2**31 else None


def ref_fold(doc: dict[str, Any], field: str) -> str | None:
    """A reference as lookups compare it (case, accents and edge spaces dropped): indexed."""
    value = _text(key_of(doc, field))
    return None if value is None else fold(value.strip())


def ref_compact(doc: dict[str, Any], field: str) -> str | None:
    """A reference without the marks between its letters and digits (query.compact): indexed."""
    value = _text(key_of(doc, field))
    return None if value is None else compact(value)


def body(doc: dict[str, Any]) -> str:
    """The document without its history (kept in place as its length: the key order stays)."""
    return dumps({k: (len(v) if k == "history" else v) for k, v in doc.items()}).decode("utf-8")


def row(doc: dict[str, Any], vocabulary: Vocabulary, request_id: str | None = None) -> tuple[Any, ...]:
    prefix, number = parse_id(doc["id"])
    finished = vocabulary.is_finished(doc)
    shown = None if finished else summary(doc)
    return (
        doc["id"], prefix, number, _text(doc.get("kind")), _text(doc.get("status")), _text(doc.get("customer")),
        _text(doc.get("site")), _severity(doc.get("severity")), _instant(doc.get("opened_at")),
        _instant(doc.get("recovery_due")), _instant(doc.get("ack_due")), _text(key_of(doc, "external_id")),
        _text(key_of(doc, "customer_reference")), ref_fold(doc, "external_id"), ref_fold(doc, "customer_reference"),
        ref_compact(doc, "external_id"), ref_compact(doc, "customer_reference"),
        finished, version(doc), _instant(doc.get("updated_at")),
        None if shown is None else dumps(shown).decode("utf-8"), body(doc), _text(key_of(doc, "message_id")),
        *values(prefix, shown), request_id,
    )  # fmt: skip


def history_rows(ticket_id: str, entries: list[dict[str, Any]], first_seq: int) -> list[tuple[Any, ...]]:
    return [
        (ticket_id, first_seq + i, _instant(e.get("at")), _text(e.get("by")), dumps(e).decode("utf-8"))
        for i, e in enumerate(entries)
    ]


def document(text: str, entries: str | None) -> dict[str, Any]:
    """A ticket from its stored text and its history entries joined with commas, in order."""
    doc = loads(text)
    if "history" in doc:
        doc["history"] = loads(f"[{entries or ''}]")
    return doc


#: a ticket's document and history in one query (the history aggregated in seq order)
SELECT_DOC = "t.doc, (SELECT string_agg(h.entry, ',' ORDER BY h.seq) FROM history h WHERE h.ticket_id = t.id)"
