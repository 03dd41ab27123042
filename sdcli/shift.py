"""The start-of-shift view: what is breached, about to breach, or owed to a customer."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sdcli import clock, escalation, states
from sdcli.errors import ConfigError
from sdcli.i18n import Message
from sdcli.store import Store
from sdcli.store.query import OpenQuery, Range


def view(store: Store, now: datetime, within: timedelta, home: Path | None = None) -> dict[str, Any]:
    """Sections of open incidents, each sorted by urgency (most urgent first), each answered
    by the store's open index (the instants of sla.is_breached and sla.is_due_within). The
    states come from workflow.toml (states.py): breaches and escalations where the SLA clock
    runs, the on_hold section where it is paused, the rest wherever the desk still works."""

    def section(statuses: frozenset[str], **filters: Any) -> list[dict[str, Any]]:
        if not statuses:  # no state of that meaning in this desk's workflow (an empty filter is "any")
            return []
        return store.query_open(OpenQuery(prefix="INC", statuses=tuple(sorted(statuses)), **filters)).rows

    flow = states.flow("incident", home)
    soon = now + within + timedelta(microseconds=1)  # due within: now <= due <= now + within
    problems: list[Message] = []
    try:
        candidates = section(flow.running, classified=True)
        escalations = escalation.due_now(now, candidates, home, store.customers())
    except ConfigError as e:  # the rest of the view still serves; the agent is told why this part is empty
        escalations, problems = [], [Message("shift.no_escalations", reason=e.message)]
    return {
        "now": clock.iso(now),
        "within": f"{int(within.total_seconds() // 60)}m",
        "breached": section(flow.running, unpaused=True, recovery_due=Range(None, now), sort="recovery_due"),
        "due_soon": section(flow.running, unpaused=True, recovery_due=Range(now, soon), sort="recovery_due"),
        "unacked": section(flow.active, ack_pending=True, sort="ack_due"),
        "unclassified": section(flow.active, classified=False, sort="opened_at"),
        "on_hold": section(flow.paused, sort="id"),
        "incomplete": [s for s in section(flow.active, sort="opened_at") if s.get("missing_answers")],
        "updates_failed": store.outbox(states=("failed",)),
        "escalation_due": escalations,
        "problems": problems,  # Messages: the command shows them, and gives JSON their English text
    }
