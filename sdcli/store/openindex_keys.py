"""The open index's rows as data: an open ticket's keys (what a query filters and sorts by, the
open table's columns; PostgreSQL's query columns too), its row, and the references kept of every
ticket. No SQLite here (postgres_query.py reads the same keys). No CLI imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sdcli.model import PREFIXES, parse_id
from sdcli.store.files import dumps
from sdcli.store.query import Stamps, active_level, fold, level_attempted, timestamp

#: the references kept per ticket: what callers quote (CALLER_REFS), and the Message-ID of the
#: e-mail a ticket came from (the key `sdcli inbox` writes by: the same message never twice)
CALLER_REFS = ("external_id", "customer_reference")
REFS = (*CALLER_REFS, "message_id")


def split_id(tid: str) -> tuple[str, int]:
    """(prefix, number) of a stored id (always canonical: INC12); parse_id for anything else."""
    p, digits = tid[:3], tid[3:]
    if p in _PREFIXES and digits.isdigit() and digits[:1] != "0":
        return p, int(digits)
    return parse_id(tid)


_PREFIXES = frozenset(PREFIXES)
_RANKS = {p: i for i, p in enumerate(PREFIXES)}


#: what a query filters and sorts by, in the order keys_of gives them (the open table's columns
#: between number and summary); PostgreSQL keeps the same keys (postgres_query.py)
KEYS = ("rank", "status", "severity", "classified", "customer", "customer_fold", "site_fold", "opened_at",
        "updated_at", "recovery_due", "ack_due", "paused", "ack_pending", "level_attempted", "incomplete",
        "escalation_from", "active_level", "owed")  # fmt: skip


def keys_of(
    prefix: str, s: dict[str, Any], stamp: Callable[[Any], float | None] = timestamp
) -> tuple[Any, ...]:
    """An open ticket's KEYS, from its summary, as the reference semantics' own functions give them
    (sort_value, fold, timestamp, level_attempted, escalation_start, active_level, level_owed; the
    same values, inlined:
    a bulk write makes one per ticket). `stamp`: timestamp, or a memo of it (Stamps)."""
    if type(stamp) is Stamps:
        try:  # the memo's lookup itself (in C); __missing__ runs only for a value not met yet
            return _keys(prefix, s, stamp.__getitem__)
        except TypeError:  # a list or an object where an instant belongs (unhashable): not one
            stamp = timestamp
    return _keys(prefix, s, stamp)


def _keys(prefix: str, s: dict[str, Any], stamp: Callable[[Any], float | None]) -> tuple[Any, ...]:
    get = s.get
    status, severity, customer, site = get("status"), get("severity"), get("customer"), get("site")
    opened, ack, esc = get("opened_at"), get("ack_due"), get("escalation")
    if type(status) is not str and not isinstance(status, str):
        status = None
    if type(severity) is not int and (not isinstance(severity, int) or isinstance(severity, bool)):
        severity = None
    shown = customer if type(customer) is str else None if customer is None else str(customer)
    if esc is None:
        attempted, active = 0, 1
    elif type(esc) is dict:  # as escalate writes it: its two levels read once
        attempted, active = esc.get("last_level_attempted", 0), esc.get("active_level", 1)
        attempted = attempted if type(attempted) is int else level_attempted(s)
        active = (active if active > 1 else 1) if type(active) is int else active_level(s)
    else:
        attempted, active = level_attempted(s), active_level(s)
    return (
        _RANKS[prefix], status, severity, 1 if get("severity") else 0, shown or None,
        fold(shown if customer else ""), fold(site if type(site) is str else str(site or "")), stamp(opened),
        stamp(get("updated_at")), stamp(get("recovery_due")), stamp(ack), 1 if get("sla_paused_at") else 0,
        1 if ack and not get("acked_at") else 0, attempted, 1 if get("missing_answers") else 0,
        stamp(get("escalation_from") or opened), active, 1 if active > attempted and active > 1 else 0,
    )  # fmt: skip


def row_of(
    prefix: str, number: int, s: dict[str, Any], stamp: Callable[[Any], float | None] = timestamp
) -> tuple[Any, ...]:
    return (prefix, number, *keys_of(prefix, s, stamp), dumps(s))


def refs_of(doc: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for f in REFS:
        v = doc.get(f)
        if v is not None and v != "" and not isinstance(v, dict | list):
            out.append((f, str(v)))
    return out
