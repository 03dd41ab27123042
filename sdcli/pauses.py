"""The SLA clock's pauses (an incident's sla_pauses): the stretches the clock ran between them,
and the escalation clock, which counts the same running time. No CLI imports.

The one home of that arithmetic: sla.py's deadlines walk these stretches on the ticket's
calendar; escalation.py's age and the open index's escalation_from (model.summary) count them
on every second. A pause is on hold (a paused state) or the time a reopened ticket was resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sdcli import clock
from sdcli.calendars import instant
from sdcli.errors import InvalidValue


@dataclass(frozen=True)
class Running:
    """How an incident's SLA clock ran, as UTC instants."""

    ran: list[tuple[datetime, datetime]]  # each stretch it ran up to a completed pause
    since: datetime  # where it runs from after them (opened_at, or the end of the last pause)
    stopped: datetime | None  # the start of a pause not yet completed: it stands still since then


def running(doc: dict[str, Any]) -> Running:
    """The clock from opened_at, pauses taken in the order of their instants (overlapping ones
    count once); the walk stops at the first pause that has not ended."""
    ran: list[tuple[datetime, datetime]] = []
    cur = instant(clock.from_iso(doc["opened_at"]))
    pauses = [(instant(clock.from_iso(p["from"])), p.get("to")) for p in doc.get("sla_pauses") or []]
    for p_from, p_to in sorted(pauses, key=lambda p: p[0]):
        if p_to is None:
            return Running(ran, cur, max(cur, p_from))
        ran.append((cur, p_from))
        cur = max(cur, instant(clock.from_iso(p_to)))
    return Running(ran, cur, None)


def escalation_clock(doc: dict[str, Any]) -> tuple[datetime, datetime | None]:
    """(start, stopped) of an incident's escalation clock (from its document, or its summary):
    opened_at moved later by the length of the completed pauses, so that now - start is the
    running time; stopped: the start of a pause not completed (the age stands still while on
    hold), else None."""
    if not doc.get("sla_pauses"):  # a summary carries none: its escalation_from, set when they moved it
        return clock.from_iso(doc.get("escalation_from") or doc["opened_at"]), None
    run = running(doc)
    counted = sum((max(b - a, timedelta(0)) for a, b in run.ran), timedelta(0))
    return run.since - counted, run.stopped


def escalation_from(doc: dict[str, Any]) -> str | None:
    """The escalation clock's start as the open index and `escalate --json` give it: ISO 8601 in
    the site's zone (its offset at that instant; opened_at's without a zone), None when no
    completed pause moved it (it is opened_at)."""
    if not doc.get("sla_pauses") or not isinstance(doc.get("opened_at"), str):
        return None
    try:
        opened = clock.from_iso(doc["opened_at"])
        start, _ = escalation_clock(doc)
        zone = clock.get_tz(doc.get("timezone")) or opened.tzinfo
    except (KeyError, TypeError, ValueError, InvalidValue):  # a damaged pause or zone: opened_at
        return None
    return None if start == opened else clock.iso(start.astimezone(zone))


#: the words that name the customer in a hold's reason, folded (es, en, pt): the packaged
#: examples are awaiting-customer, "esperando al cliente", "aguardando o cliente"
_CUSTOMER = frozenset({"customer", "customers", "client", "clients", "cliente", "clientes", "clienta"})


def waits_on_customer(reason: Any) -> bool:
    """Whether a hold's reason says the incident waits on the customer (it names them:
    awaiting-customer, "esperando respuesta del cliente"); any other reason (a vendor, a site
    access window, parts) is a hold the customer is not asked to act on."""
    return not _CUSTOMER.isdisjoint(_words(reason))


def _words(reason: Any) -> set[str]:
    """A hold's reason as the folded words it is made of (awaiting-customer: awaiting, customer)."""
    import re

    from sdcli.model import fold

    return set(re.findall(r"[^\W_]+", fold(str(reason or ""))))


#: what else a reason that only says the incident waits on the customer is made of (folded):
#: awaiting-customer, "esperando respuesta del cliente", "aguardando o cliente"
_WAITING = _CUSTOMER | frozenset({
    "awaiting", "waiting", "wait", "pending", "for", "the", "an", "answer", "reply", "response",
    "esperando", "espera", "pendiente", "respuesta", "del", "de", "al", "el", "la", "su",
    "aguardando", "aguarda", "pendente", "resposta", "do", "da", "o", "a", "sua",
})  # fmt: skip


def only_waits_on_customer(reason: Any) -> bool:
    """Whether a hold's reason says nothing but that it waits on the customer (awaiting-customer):
    the customer is told it waits for their answer, not the desk's code for it."""
    words = _words(reason)
    return not _CUSTOMER.isdisjoint(words) and words <= _WAITING


def open_reason(doc: dict[str, Any]) -> str:
    """The reason of the pause the clock stands in (the last one not ended), "" when none."""
    for p in reversed(doc.get("sla_pauses") or []):
        if isinstance(p, dict) and p.get("to") is None:
            return str(p.get("reason") or "")
    return ""
