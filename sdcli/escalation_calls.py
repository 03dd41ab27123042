"""Recording one escalation attempt: the checks, the ticket's update in the store's write, and
what the agent is told, each piece of advice with its level. No CLI imports.

The decisions that depend on the ticket (the level to call, the consecutive failures, moving up)
are taken inside the store's write, from the ticket as it is there, never from a copy read before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sdcli import clock, happened, sla, validate
from sdcli.errors import InvalidValue, RuleViolation
from sdcli.escalation import check_channel, check_escalable, consecutive_failures, position
from sdcli.escalation_table import OUTCOMES, Contact, EscalationTable
from sdcli.i18n import Localized, Message
from sdcli.store import Store
from sdcli.tickets import check_text

INFO: Literal["info"] = "info"
WARNING: Literal["warning"] = "warning"


@dataclass(frozen=True)
class Advice:
    """A line for the agent: a catalogue message and its level (the command styles it by the level,
    never by its words)."""

    level: Literal["info", "warning"]
    message: Message


@dataclass(frozen=True)
class Call:
    """One attempt as the agent gives it: whom, how, with what result, and when it was made when
    that was before it is recorded (`escalate --at`; else the write's `now`)."""

    contact: str
    channel: str = "phone"
    outcome: str | None = None
    note: str | None = None
    force: bool = False
    reason: str | None = None
    at: datetime | None = None


def record_call(
    store: Store,
    ticket_id: str,
    table: EscalationTable,
    call: Call,
    *,
    actor: str,
    now: datetime,
    home: Path | None = None,
    expect: int | None = None,
    queue: Any = None,
) -> tuple[dict[str, Any], list[Advice]]:
    """One attempt saved in one write (refused when the ticket changed since `expect`, the version
    a person looked at); returns the ticket as saved and the advice for the agent. A call made
    earlier (call.at) is decided at that time (the level correct then, the failures before it) and
    refused, in the write, before a step it follows (happened.not_before: the opening, a pause's
    ends, the previous call)."""
    note = check_text("note", call.note, required=False) or None
    advice: list[Advice] = []
    made = call.at or now

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if call.at is not None:
            happened.not_before(doc, "escalate", call.at)
        event, told = record_attempt(doc, table, contact_name=call.contact, channel=call.channel, outcome=call.outcome,
                                     note=note, force=call.force, reason=call.reason, actor=actor, now=made, home=home)  # fmt: skip
        advice[:] = told  # a retried write tells what its last run decided
        return event

    doc = store.update(ticket_id, change, actor=actor, expect=expect, queue=queue)
    return doc, advice


def record_attempt(
    doc: dict[str, Any],
    table: EscalationTable,
    *,
    contact_name: str,
    channel: str,
    outcome: str | None,
    note: str | None,
    force: bool,
    reason: str | None,
    actor: str,
    now: datetime,
    home: Path | None = None,
) -> tuple[dict[str, Any], list[Advice]]:
    """Apply one contact attempt made at `now` to doc (in place): the level correct then, the
    failures before it. Returns (history event, advice for the agent)."""
    check_escalable(doc, home)
    ch = check_channel(channel)
    at = position(as_of(doc, now), table, now, home)  # a call made earlier: the severity it had then
    contact = table.contact(contact_name, at.active)  # a person at two levels: the entry being called
    advice: list[Advice] = []
    if contact.level > at.active:
        if not force or not (reason or "").strip():
            raise RuleViolation("error.above_level", name=contact.name, level=contact.level, active=at.active,
                                level_name=Localized(table.level(at.active).name))  # fmt: skip
        advice.append(Advice(INFO, Message("escalate.skipped", reason=reason)))
    if ch == "email":
        outcome = "sent"
        advice.append(Advice(WARNING, Message("escalate.email_backup")))
    elif outcome not in OUTCOMES:
        raise InvalidValue("outcome", outcome or "", "invalid.use_one_of", choices=", ".join(OUTCOMES))
    entry: dict[str, Any] = {"at": sla.on_site_clock(doc, now), "by": actor, "level": contact.level, "contact": contact.name,
                             "channel": ch, "outcome": outcome}  # fmt: skip
    if note:
        entry["note"] = note
    if force and reason:
        entry["forced_reason"] = reason
    doc.setdefault("escalation_attempts", []).append(entry)
    esc = dict(doc.get("escalation", {}))
    esc["active_level"] = max(int(esc.get("active_level", 1)), contact.level, at.current)
    esc["last_level_attempted"] = max(int(esc.get("last_level_attempted", 0)), contact.level)
    event: dict[str, Any] = {"action": "escalation-attempt", "contact": contact.name, "level": contact.level,
                             "channel": ch, "outcome": outcome}  # fmt: skip
    if note:
        event["note"] = note
    if abs((clock.now() - now).total_seconds()) > 60:  # made earlier (--at): the history says when
        event["made_at"] = sla.on_site_clock(doc, now)
    if outcome == "reached":
        esc["owner"] = {"name": contact.name, "level": contact.level, "since": sla.on_site_clock(doc, now)}
        advice.append(Advice(INFO, Message("escalate.owner", name=contact.name, level=contact.level)))
    elif ch == "phone" and contact.level >= at.active:
        advice.append(_after_failure(doc, table, contact, esc, event))
    if contact.level < at.active:  # failures here move nothing: the level to call is already above
        advice.append(_below(table, contact, at.active))
    doc["escalation"] = esc
    return event, advice


def as_of(doc: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The incident as its severity was at `at` (a call recorded later, escalate --at): each
    classification after `at` undone by its history's change (severity: [before, after]); the
    document itself when none came after."""
    severity, undone = doc.get("severity"), False
    for entry in reversed(doc.get("history") or []):
        change = (entry.get("changes") or {}).get("severity")
        if not (isinstance(change, list) and len(change) == 2 and isinstance(entry.get("at"), str)):
            continue
        if clock.from_iso(entry["at"]) <= at:
            break
        severity, undone = change[0], True
    if not undone:
        return doc
    past = {k: v for k, v in doc.items() if k != "severity"}
    if severity:
        past["severity"] = severity
    return past


def _below(table: EscalationTable, contact: Contact, active: int) -> Advice:
    """A call to a level below the one to call now (the correct one by time, or higher after
    failed calls): that level and its contacts, as a warning."""
    level = table.level(active)
    who = ", ".join(f"{c.name} {validate.shown_phone(c.phone)}" for c in level.contacts)
    return Advice(WARNING, Message("escalate.below_level", level=contact.level, active=active,
                                   name=Localized(level.name), contacts=who))  # fmt: skip


def _after_failure(
    doc: dict[str, Any], table: EscalationTable, contact: Contact, esc: dict[str, Any], event: dict[str, Any]
) -> Advice:
    """A failed call: the count at its level, or (at the limit) the next level to call, recorded."""
    fails = consecutive_failures(doc["escalation_attempts"], contact.level)
    if fails < table.max_failed:
        left = table.max_failed - fails
        if contact.level < table.top:
            return Advice(INFO, Message("escalate.failed", fails=fails, level=contact.level, left=left))
        return Advice(WARNING, Message("escalate.failed_top", fails=fails, level=contact.level, left=left))
    if contact.level < table.top:
        esc["active_level"] = max(esc["active_level"], contact.level + 1)
        nxt = table.level(contact.level + 1)
        who = ", ".join(f"{c.name} {validate.shown_phone(c.phone)}" for c in nxt.contacts)
        event["moved_to_level"] = nxt.level
        return Advice(WARNING, Message("escalate.move_up", fails=fails, level=contact.level, next=nxt.level,
                                       name=Localized(nxt.name), contacts=who))  # fmt: skip
    return Advice(
        WARNING, Message("escalate.last_level", fails=fails, name=Localized(table.level(contact.level).name))
    )
