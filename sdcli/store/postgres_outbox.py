"""The PostgreSQL backend's outbox: a row per item (its state and due time typed, the item as
JSON text), claimed with ``FOR UPDATE SKIP LOCKED`` inside the claiming transaction, so that two
senders at once take disjoint items. No CLI imports. The decisions are store/outbox.py's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sdcli import clock
from sdcli.store import outbox
from sdcli.store.base import Event
from sdcli.store.files import dumps, loads
from sdcli.store.postgres_schema import one

if TYPE_CHECKING:
    from sdcli.store.postgres import Cursor, PostgresStore


def _row(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["state"], clock.from_iso(item["next_at"]) if item.get("next_at") else None,
            dumps(item).decode("utf-8"), item["id"])  # fmt: skip


def add(cur: Cursor, ticket_id: str, messages: list[dict[str, Any]], *, actor: str, at: str) -> None:
    if not messages:
        return
    cur.execute("UPDATE counters SET next = next + %s WHERE prefix = 'OUT' RETURNING next - %s",
                (len(messages), len(messages)))  # fmt: skip
    first = int(one(cur)[0])
    for i, message in enumerate(messages):
        item = outbox.new_item(first + i, ticket_id, message, actor=actor, at=at)
        cur.execute("INSERT INTO outbox (state, next_at, doc, id, ticket_id) VALUES (%s, %s, %s, %s, %s)",
                    (*_row(item), ticket_id))  # fmt: skip


def items(store: PostgresStore, states: Iterable[str] | None, ticket_id: str | None) -> list[dict[str, Any]]:
    store.connection()
    with store._reading() as cur:
        cur.execute(
            "SELECT doc FROM outbox WHERE (%s::text[] IS NULL OR state = ANY(%s::text[])) "
            "AND (%s::text IS NULL OR ticket_id = %s) ORDER BY id",
            (None if states is None else list(states),) * 2 + (ticket_id, ticket_id),
        )
        return [loads(d) for (d,) in cur.fetchall()]


def claim(store: PostgresStore, *, actor: str, now: datetime, ids: Iterable[int] | None,
          stale_before: datetime | None, due: bool = False) -> list[dict[str, Any]]:  # fmt: skip
    wanted = None if ids is None else frozenset(ids)
    taken: list[dict[str, Any]] = []

    def work(cur: Cursor, at: datetime) -> list[dict[str, Any]]:
        if wanted is None:
            cur.execute("SELECT doc FROM outbox WHERE state = 'queued' AND next_at <= %s ORDER BY id "
                        "FOR UPDATE SKIP LOCKED", (now,))  # fmt: skip
        else:
            cur.execute("SELECT doc FROM outbox WHERE id = ANY(%s) ORDER BY id FOR UPDATE", (sorted(wanted),))
        for (text,) in cur.fetchall():
            item = loads(text)
            if outbox.claimable(item, now, wanted, stale_before, due):
                done = outbox.claim(item, actor=actor, at=clock.iso(at))
                cur.execute("UPDATE outbox SET state = %s, next_at = %s, doc = %s WHERE id = %s", _row(done))
                taken.append(done)
        return taken

    return store.marked(work, lambda: taken)


def _locked(cur: Cursor, store: PostgresStore, item_id: int) -> dict[str, Any]:
    cur.execute("SELECT doc FROM outbox WHERE id = %s FOR UPDATE", (item_id,))
    found = cur.fetchone()
    if found is None:
        raise outbox.unknown(item_id, store.describe())
    return loads(found[0])


def finish(store: PostgresStore, item_id: int, token: str, *, actor: str, state: str, fields: dict[str, Any],
           event: Event | None) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {}

    def work(cur: Cursor, at: datetime) -> dict[str, Any]:
        done = outbox.finish(
            _locked(cur, store, item_id), token, state, fields, actor=actor, at=clock.iso(at)
        )
        cur.execute("UPDATE outbox SET state = %s, next_at = %s, doc = %s WHERE id = %s", _row(done))
        if event is not None:
            store.change_in(cur, done["ticket"], lambda d: dict(event), actor=actor, now=at)
        out.update(done)
        return done

    return store.marked(work, lambda: out)


def discard(
    store: PostgresStore, item_id: int, *, actor: str, stale_before: datetime | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def work(cur: Cursor, at: datetime) -> dict[str, Any]:
        item = _locked(cur, store, item_id)
        done = outbox.discard(item, actor=actor, at=clock.iso(at), stale_before=stale_before)
        cur.execute("UPDATE outbox SET state = %s, next_at = %s, doc = %s WHERE id = %s", _row(done))
        out.update(done)
        return done

    return store.marked(work, lambda: out)


def everything(cur: Cursor) -> list[dict[str, Any]]:
    """Every item, by number (Store.export_all, inside its snapshot)."""
    cur.execute("SELECT doc FROM outbox ORDER BY id")
    return [loads(d) for (d,) in cur.fetchall()]


def copy_in(cur: Cursor, items: list[dict[str, Any]]) -> None:
    """Another store's items written in (Store.import_all, under its lock: outbox.to_copy)."""
    if not items:
        return
    cur.execute("SELECT next FROM counters WHERE prefix = 'OUT' FOR UPDATE")
    first = int(one(cur)[0])
    added, replaced, nxt = outbox.to_copy(items, everything(cur), first)
    for item in added:
        cur.execute("INSERT INTO outbox (state, next_at, doc, id, ticket_id) VALUES (%s, %s, %s, %s, %s)",
                    (*_row(item), item["ticket"]))  # fmt: skip
    for item in replaced:
        cur.execute("UPDATE outbox SET state = %s, next_at = %s, doc = %s WHERE id = %s", _row(item))
    cur.execute("UPDATE counters SET next = GREATEST(next, %s) WHERE prefix = 'OUT'", (nxt,))
