"""When a step of a ticket's life happened, told after the fact (`resolve`, `ack`, `hold`,
`resume`, `close`, `reopen`, `ssr ack --at`, `change accept --at` (not before `change send`), an
escalation call's `escalate --at`): read in the site's zone and not in the future (the commands'
one --at reader, commands/_workflow.flag_time), and never before the step it follows (a fix at
03:00 typed at 08:00 is judged by 03:00; one typed as 01:30 for an incident opened at 02:00 is
refused). No CLI imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sdcli import clock
from sdcli.dates import When
from sdcli.errors import RuleViolation
from sdcli.i18n import Message

#: the stored times a step cannot come before, and how a refusal names each
_STEPS = {"opened_at": "ticket.step_opened", "received_at": "ticket.step_received",
          "resolved_at": "ticket.step_resolved", "closed_at": "ticket.step_closed"}  # fmt: skip
#: what each action follows: the ticket's own times, and whether the SLA clock's pauses too
FOLLOWS: dict[str, tuple[tuple[str, ...], bool]] = {
    "ack": (("received_at", "opened_at"), False),  # the number it gives exists once opened
    "confirm": (("received_at", "opened_at"), False),  # an SSR's receipt (ssr ack)
    "accept": (("received_at", "opened_at"), False),  # a change's acceptance (change accept --at)
    "hold": (("opened_at", "received_at"), True),
    "resume": (("opened_at", "received_at"), True),
    "resolve": (("opened_at", "received_at"), True),
    "close": (("opened_at", "received_at", "resolved_at"), True),
    "reopen": (("opened_at", "received_at", "resolved_at", "closed_at"), True),
    # a call: after the opening (registered before escalated), the pauses (the escalation clock
    # stood still in them) and the previous call (the consecutive failures count in that order)
    "escalate": (("opened_at", "received_at"), True),
}
#: the steps of the history an action follows, and how a refusal names each: a change is
#: accepted once it was sent for acceptance (`change send`, which takes no --at: its event's time)
EVENTS: dict[str, dict[str, str]] = {"accept": {"send": "ticket.step_sent"}}


def earlier_steps(doc: dict[str, Any], action: str) -> list[tuple[Any, str]]:
    """(how it is named, ISO instant) of each step of doc's life `action` follows."""
    fields, pauses = FOLLOWS[action]
    form = doc.get("kind") == "ssr"  # an SSR's report is its form
    out: list[tuple[Any, str]] = [
        (Message("ticket.step_form_received" if form and f == "received_at" else _STEPS[f]), doc[f])
        for f in fields
        if isinstance(doc.get(f), str)
    ]
    if pauses:
        for p in doc.get("sla_pauses") or []:
            if isinstance(p.get("from"), str) and p.get("reason") != "resolved":  # that one is the resolve
                out.append((Message("ticket.step_hold"), p["from"]))
            if isinstance(p.get("to"), str):
                key = "ticket.step_reopen" if p.get("reason") == "resolved" else "ticket.step_resume"
                out.append((Message(key), p["to"]))
    named = EVENTS.get(action, {})
    out += [(Message(named[h["action"]]), h["at"]) for h in doc.get("history") or []
            if h.get("action") in named and isinstance(h.get("at"), str)]  # fmt: skip
    if action == "escalate":
        out += [(Message("ticket.step_attempt"), a["at"]) for a in doc.get("escalation_attempts") or []
                if isinstance(a.get("at"), str)]  # fmt: skip
    return out


def not_before(doc: dict[str, Any], action: str, at: datetime) -> None:
    """Refuse `at` for `action` when it is before a step it follows, naming the latest such step
    (the first listed of two at one instant: a report is opened when it was received;
    compared as instants; RuleViolation, exit 1)."""
    late = [(clock.from_iso(iso), name, iso) for name, iso in earlier_steps(doc, action)]
    before = [s for s in late if at < s[0]]
    if before:
        _, name, iso = max(before, key=lambda s: s[0])
        zone = doc.get("timezone")
        raise RuleViolation(
            "error.before_step", id=doc["id"], at=When(at, zone), step=name, when=When(iso, zone)
        )
