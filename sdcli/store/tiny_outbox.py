"""The embedded store's outbox: one file (``outbox.json``: the next number and the items),
changed only under the store's lock, in the same commit as the ticket a write changes. No CLI
imports. The decisions are store/outbox.py's.

Items that are done (sent or discarded) for more than KEEP_DAYS leave the file (the ticket's
history keeps each sent update), so the file a claim rewrites stays the size of the traffic.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sdcli import clock
from sdcli.errors import StoreDamaged
from sdcli.i18n import Message
from sdcli.model import parse_id
from sdcli.store import outbox
from sdcli.store.base import Event, stamp
from sdcli.store.files import atomic_write, dumps, read_json
from sdcli.store.tiny_move import refuse_if_moved
from sdcli.store.txn import Txn, replace_with

if TYPE_CHECKING:
    from sdcli.store.tiny import TinyStore

KEEP_DAYS = 30


def whole(data: Any) -> bool:
    """Whether `data` is an outbox: its next number, and items each filed under its own number,
    for a ticket, in a state of the outbox's (a claim, a finish or a discard finds an item by its
    number: one filed under another would be taken for it)."""
    items = data.get("items") if isinstance(data, dict) else None
    return (isinstance(items, dict) and type(data.get("next")) is int
            and all(isinstance(v, dict) and type(v.get("id")) is int and k == str(v["id"])
                    and isinstance(v.get("ticket"), str) and v.get("state") in outbox.STATES
                    for k, v in items.items()))  # fmt: skip


def top(data: dict[str, Any]) -> int:
    """The highest number an item of the (whole) outbox has, 0 for none."""
    return max((v["id"] for v in data["items"].values()), default=0)


def _data(store: TinyStore, raw: dict[str, Any] | None) -> dict[str, Any]:
    data = raw or {"next": 1, "items": {}}
    if not whole(data):
        raise StoreDamaged("store.outbox_damaged", path=str(store.layout.outbox))
    return data


def items(store: TinyStore, states: Iterable[str] | None, ticket_id: str | None) -> list[dict[str, Any]]:
    data = _data(store, read_json(store.layout.outbox))
    return outbox.selected(data["items"].values(), states, ticket_id)


def _table(store: TinyStore, txn: Txn) -> tuple[Any, dict[str, Any]]:
    db = txn.db(store.layout.outbox)
    data = _data(store, copy.deepcopy(db.storage.read()))
    return db, data


def _write(db: Any, data: dict[str, Any], now: datetime) -> None:
    horizon = now - timedelta(days=KEEP_DAYS)
    for key, item in list(data["items"].items()):
        done = item.get("sent_at") or item.get("discarded_at")
        if item.get("state") in outbox.FINAL and isinstance(done, str) and clock.from_iso(done) < horizon:
            del data["items"][key]
    db.storage.write(data)


def add(
    store: TinyStore, txn: Txn, ticket_id: str, messages: list[dict[str, Any]], *, actor: str, at: str
) -> None:
    """Queue messages of a ticket's write, in that write (its txn)."""
    db, data = _table(store, txn)
    data["next"] = max(data["next"], top(data) + 1)  # a counter left low never replaces a queued update
    for message in messages:
        n = data["next"]
        data["items"][str(n)] = outbox.new_item(n, ticket_id, message, actor=actor, at=at)
        data["next"] = n + 1
    _write(db, data, clock.from_iso(at))


def claim(store: TinyStore, *, actor: str, now: datetime, ids: Iterable[int] | None,
          stale_before: datetime | None, due: bool = False) -> list[dict[str, Any]]:  # fmt: skip
    """In one write: the items outbox.claimable takes (`due`: see it), claimed."""
    if not store.layout.outbox.exists():
        return []
    wanted = None if ids is None else frozenset(ids)
    with store._locked() as txn:
        refuse_if_moved(store, txn)
        db, data = _table(store, txn)
        at = clock.iso(clock.now())
        taken = []
        for key, item in sorted(data["items"].items(), key=lambda kv: kv[1]["id"]):
            if outbox.claimable(item, now, wanted, stale_before, due):
                data["items"][key] = outbox.claim(item, actor=actor, at=at)
                taken.append(data["items"][key])
        if taken:
            _write(db, data, clock.now())
            store._commit(txn)
    return taken


def _item(store: TinyStore, data: dict[str, Any], item_id: int) -> dict[str, Any]:
    item = data["items"].get(str(item_id))
    if item is None:
        raise outbox.unknown(item_id, str(store.root))
    return item


def finish(store: TinyStore, item_id: int, token: str, *, actor: str, state: str, fields: dict[str, Any],
           event: Event | None) -> dict[str, Any]:  # fmt: skip
    with store._locked() as txn:
        refuse_if_moved(store, txn)
        db, data = _table(store, txn)
        at = clock.iso(clock.now())
        done = outbox.finish(_item(store, data, item_id), token, state, fields, actor=actor, at=at)
        data["items"][str(item_id)] = done
        _write(db, data, clock.from_iso(at))
        if event is not None:
            prefix, number = parse_id(done["ticket"])
            table = txn.shard(prefix, number)
            current = table.get(doc_id=number)
            if current is not None:
                before = dict(current)
                after = copy.deepcopy(before)
                stamp(before, after, event, actor, at)
                table.update(replace_with(after), doc_ids=[number])
                store._changed(txn, before, after)
        store._commit(txn)
    return done


def discard(store: TinyStore, item_id: int, *, actor: str, stale_before: datetime | None) -> dict[str, Any]:
    if not store.layout.outbox.exists():
        raise outbox.unknown(item_id, str(store.root))
    with store._locked() as txn:
        refuse_if_moved(store, txn)
        db, data = _table(store, txn)
        at = clock.iso(clock.now())
        done = outbox.discard(_item(store, data, item_id), actor=actor, at=at, stale_before=stale_before)
        data["items"][str(item_id)] = done
        _write(db, data, clock.from_iso(at))
        store._commit(txn)
    return done


# ---- sdcli doctor
def problems(store: TinyStore, raw: Any) -> tuple[Message | None, Message | None]:
    """What doctor says of the outbox file's content `raw` (read already; None: no file): the
    damage that makes it no outbox (repair refuses it: it holds updates not sent), and a next
    number not above an item's (repair raises it)."""
    path = str(store.layout.outbox)
    if raw is None:
        return None, None
    if not whole(raw):
        return Message("doctor.outbox_damaged", path=path), None
    if raw["next"] <= top(raw):
        return None, Message("doctor.outbox_counter_low", path=path, next=raw["next"], n=top(raw))
    return None, None


def raise_counter(store: TinyStore) -> Message | None:
    """Under the store's lock (doctor --fix): the next number raised above every item's."""
    raw = read_json(store.layout.outbox)
    if raw is None or not whole(raw) or raw["next"] > top(raw):
        return None
    raw["next"] = top(raw) + 1
    atomic_write(store.layout.outbox, dumps(raw))
    return Message("doctor.outbox_counter_raised", n=raw["next"])
