"""A reply to the customer (an incident's acknowledgement, an SSR's confirmation of receipt)
claimed in the ticket's write before it is sent, so that agents sending it at once send it
once. No CLI imports.

    ack --reply --send:  claim (a write) ──▶ send ──▶ the ack recorded (a write)
                                               └─ refused/unreachable ─▶ released (a write)

The claim is a history entry (`reply_sending`, by whom and when): it holds until the
acknowledgement is recorded or a `reply_failed` entry (with the server's reason) releases it.
While it holds, another --send is refused before anything goes out, and so is an
acknowledgement recorded by hand (the customer is being told right now). A send that fails
records no acknowledgement: the history says the reply was tried and why it did not go.

A claim older than LEASE is a sender that stopped midway (killed, its machine gone): whether
its mail went out is unknown, and the next --send takes the claim over (the history shows both).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sdcli import clock
from sdcli.dates import When
from sdcli.errors import RefusedTransition

SENDING, FAILED = "reply_sending", "reply_failed"
#: the entries that end a claim: released, or the acknowledgement (confirmation) recorded
_ENDS = frozenset({FAILED, "ack", "confirm"})
LEASE = timedelta(minutes=15)


def pending(doc: dict[str, Any]) -> int | None:
    """The history index of the claim that holds, live or stale (None: no reply is being sent)."""
    history = doc.get("history") or []
    for i in range(len(history) - 1, -1, -1):
        action = history[i].get("action") if isinstance(history[i], dict) else None
        if action in _ENDS:
            return None
        if action == SENDING:
            return i
    return None


def _stale(entry: dict[str, Any], now: datetime) -> bool:
    try:
        return clock.from_iso(str(entry.get("at"))) + LEASE < now
    except ValueError:
        return True


def check(doc: dict[str, Any], now: datetime, key: str = "reply.being_sent") -> None:
    """Refuse (`key`: id, by, at) while another agent's claim holds and is not stale."""
    i = pending(doc)
    if i is None:
        return
    entry = doc["history"][i]
    if not _stale(entry, now):
        raise RefusedTransition(key, id=doc["id"], by=str(entry.get("by", "")),
                                at=When(str(entry["at"]), doc.get("timezone")))  # fmt: skip


def claim(
    store: Any, ticket_id: str, *, actor: str, refuse: Callable[[dict[str, Any]], None]
) -> tuple[dict[str, Any], int]:
    """In one write: `refuse(ticket)` (not the kind, already acknowledged...), then no other
    claim that holds, then the claim. Returns the ticket and the claim (its history index)."""
    now = store.now()

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        refuse(doc)
        check(doc, now)
        return {"action": SENDING}

    doc = store.update(ticket_id, change, actor=actor)
    return doc, len(doc["history"]) - 1


class _NotHeld(Exception):
    pass


def release(store: Any, ticket_id: str, mine: int, *, actor: str, reason: str) -> None:
    """In one write: the claim `mine` released (the reply did not go: `reason`), unless it is
    no longer the one that holds (the reply was recorded, or another send took it over)."""

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if pending(doc) != mine:
            raise _NotHeld
        return {"action": FAILED, "note": reason}

    try:
        store.update(ticket_id, change, actor=actor)
    except _NotHeld:
        pass
