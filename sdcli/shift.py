"""The start-of-shift view: what is breached, about to breach, or owed to a customer."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sdcli import clock, escalation, sla
from sdcli.store import Store


def _ts(value: str | None) -> float:
    return clock.from_iso(value).timestamp() if value else float("inf")


def view(store: Store, now: datetime, within: timedelta, home: Path | None = None) -> dict[str, Any]:
    """Sections of open incidents, each sorted by urgency (most urgent first)."""
    open_incidents = [d for d in store.open_summaries("INC") if d.get("status") in ("open", "on_hold")]
    breached = sorted(
        (d for d in open_incidents if sla.is_breached(d, now)), key=lambda d: _ts(d["recovery_due"])
    )
    due_soon = sorted(
        (d for d in open_incidents if sla.is_due_within(d, now, within)), key=lambda d: _ts(d["recovery_due"])
    )
    unacked = sorted(
        (d for d in open_incidents if d.get("ack_due") and not d.get("acked_at")),
        key=lambda d: _ts(d["ack_due"]),
    )
    unclassified = sorted(
        (d for d in open_incidents if not d.get("severity")), key=lambda d: _ts(d["opened_at"])
    )
    on_hold = [d for d in open_incidents if d.get("status") == "on_hold"]
    return {
        "now": clock.iso(now),
        "within": f"{int(within.total_seconds() // 60)}m",
        "breached": breached,
        "due_soon": due_soon,
        "unacked": unacked,
        "unclassified": unclassified,
        "on_hold": on_hold,
        "escalation_due": escalation.due_now(now, open_incidents, home, store.customers()),
    }
