"""The outbox every backend keeps: customer updates queued by a ticket's write, claimed inside
the store's write before they are sent, and their outcome recorded after the mail server
answered. No CLI imports.

The decisions are here, as functions of an item and an instant; a backend only stores items
(an `id`, the ticket's id, a `state` and the rest of the document) and runs these inside its
write, so that two `sdcli outbox send` at once never claim the same item:

    queued ──claim──▶ sending ──finish──▶ sent | queued (retry later) | failed
       │                  │
       └──discard──▶ discarded   (a `sending` item whose claim went stale may be discarded,
                                   or claimed again by naming it: its sender stopped midway)

A `sending` item is never claimed again without being named: the mail may have gone out
before its sender stopped, and the rule is never twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sdcli.errors import SdcliError

Item = dict[str, Any]
#: (ticket before, ticket after, the write's event) → the messages to queue in the same write
Queue = Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], list[dict[str, Any]]]
STATES = ("queued", "sending", "sent", "failed", "discarded")
FINAL = frozenset({"sent", "discarded"})
FINISHED_BY_SEND = ("sent", "queued", "failed")
#: a `sending` claim older than this is a sender that stopped midway (named, it may be sent again)
LEASE = timedelta(minutes=15)


class OutboxConflict(SdcliError):
    "An outbox item is not in a state that allows the request"


class UnknownItem(SdcliError):
    "No outbox item has that number"


def new_item(number: int, ticket_id: str, message: dict[str, Any], *, actor: str, at: str) -> Item:
    """A queued item: the message as the ticket's write rendered it, due at once."""
    item = {k: v for k, v in message.items() if k not in ("id", "state", "ticket")}
    return {"id": number, "ticket": ticket_id, "state": "queued", "queued_at": at, "queued_by": actor,
            "attempts": 0, "next_at": at, **item}  # fmt: skip


def being_sent(items: Iterable[Item], now: datetime) -> list[Item]:
    """The items a sender holds a live claim on (its SMTP conversation may be under way)."""
    return [i for i in items if i.get("state") == "sending" and not _before(i.get("claimed_at"), now - LEASE)]


def _before(a: Any, b: datetime) -> bool:
    if not isinstance(a, str):
        return True
    try:
        return datetime.fromisoformat(a) <= b
    except ValueError:
        return True


def claimable(item: Item, now: datetime, ids: frozenset[int] | None, stale_before: datetime | None,
              due: bool = False) -> bool:  # fmt: skip
    """Whether a claim at `now` takes the item: without ids, a queued item that is due; with
    ids, a named item that is queued or failed, or sending under a claim older than stale_before;
    with ids and `due` (--notify: what a change just queued), a named item only as a claim
    without ids takes it (queued and due: never one a send deferred, gave up on or is sending)."""
    state = item.get("state")
    if ids is not None and item.get("id") not in ids:
        return False
    if ids is None or due:
        return state == "queued" and _before(item.get("next_at"), now)
    if state in ("queued", "failed"):
        return True
    return state == "sending" and stale_before is not None and _before(item.get("claimed_at"), stale_before)


def claim(item: Item, *, actor: str, at: str) -> Item:
    """The item claimed by `actor` at `at`, with a token only this claim knows."""
    return {**item, "state": "sending", "claimed_by": actor, "claimed_at": at, "claim": secrets.token_hex(8)}


def finish(item: Item, token: str, state: str, fields: dict[str, Any], *, actor: str, at: str) -> Item:
    """The outcome of a send under claim `token`. Refused (OutboxConflict) when the item is no
    longer under that claim (discarded, or claimed again after going stale)."""
    if state not in FINISHED_BY_SEND:
        raise ValueError(f"a send finishes as one of {FINISHED_BY_SEND}")
    if item.get("state") != "sending" or item.get("claim") != token:
        raise OutboxConflict(
            f"outbox item {item.get('id')} is no longer claimed by this send (it is {item.get('state')})"
        )
    out = {k: v for k, v in item.items() if k not in ("claim", "claimed_by", "claimed_at")}
    out.update(fields)
    out["state"] = state
    out["updated_at"] = at
    if state == "sent":
        out.update(sent_at=at, sent_by=actor)
    return out


def discard(item: Item, *, actor: str, at: str, stale_before: datetime | None) -> Item:
    """The item discarded (never to be sent). A sent one, or one being sent now, is refused."""
    state = item.get("state")
    if state in FINAL:
        raise OutboxConflict(f"outbox item {item.get('id')} is already {state}")
    if state == "sending" and not (
        stale_before is not None and _before(item.get("claimed_at"), stale_before)
    ):
        raise OutboxConflict(
            f"outbox item {item.get('id')} is being sent right now (by {item.get('claimed_by')}); try again later"
        )
    out = {k: v for k, v in item.items() if k != "claim"}
    out.update(state="discarded", discarded_at=at, discarded_by=actor, updated_at=at)
    return out


def selected(items: Iterable[Item], states: Iterable[str] | None, ticket_id: str | None) -> list[Item]:
    wanted = None if states is None else frozenset(states)
    return sorted(
        (i for i in items if (wanted is None or i.get("state") in wanted)
         and (ticket_id is None or i.get("ticket") == ticket_id)),
        key=lambda i: i["id"],
    )  # fmt: skip


def unknown(number: int, where: str) -> UnknownItem:
    return UnknownItem(f"no outbox item {number} in {where}")


# ---- copying an outbox into another store (sdcli store copy: Store.import_all)
def identity(item: Item) -> tuple[Any, ...]:
    """What makes two stores' items the same update: its Message-ID (made once, by the write
    that queued it), else its ticket, queueing instant, action and subject."""
    mid = item.get("message_id")
    if isinstance(mid, str) and mid:
        return ("message_id", mid)
    return ("queued", item.get("ticket"), item.get("queued_at"), item.get("action"), item.get("subject"))


def to_copy(
    items: Iterable[Item], existing: Iterable[Item], next_number: int
) -> tuple[list[Item], list[Item], int]:
    """What an import_all writes of another store's outbox `items` into one holding `existing`
    and numbering from `next_number` (or after the highest number it holds): (the items it adds,
    the existing items it replaces, its next number). Into an empty outbox the items keep their numbers; beside existing ones they are
    numbered after them, in their order. An update both hold is copied once: the target's item
    stays, unless the other store has since sent or discarded it while the target's still waits
    (it would go to the customer a second time): then it takes the other store's state."""
    existing = list(existing)
    have = {identity(i): i for i in existing}
    renumber = bool(have)
    added: list[Item] = []
    replaced: list[Item] = []
    # after every number the target holds, whatever its counter says (a counter left behind, as
    # doctor reports, made a copied item replace a queued one without a word)
    n = max([next_number, *(int(i["id"]) + 1 for i in existing)])
    for item in sorted(items, key=lambda i: int(i["id"])):
        same = have.get(identity(item))
        if same is not None:
            if item.get("state") in FINAL and same.get("state") in ("queued", "failed"):
                replaced.append({**item, "id": same["id"]})
            continue
        if renumber:
            item = {**item, "id": n}
        added.append(item)
        n = max(n, int(item["id"]) + 1)
    return added, replaced, n


def missing(items: Iterable[Item], target: Iterable[Item]) -> list[Item]:
    """The items a copy's target does not hold (by identity): read back after the copy."""
    held = {identity(i) for i in target}
    return [i for i in items if identity(i) not in held]
