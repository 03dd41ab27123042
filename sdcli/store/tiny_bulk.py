"""The embedded store's bulk write (`Store.upsert_many`: sdcli import, the inbox): every key, number
and create-or-update decision taken under the store's lock, the tickets written in one commit.
No CLI imports. The decisions are store/records.py's (plan_upsert), shared with PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdcli import clock
from sdcli.errors import StoreDamaged
from sdcli.store.base import (
    Event,
    KeyConflict,
    UpsertPlan,
    UpsertResult,
    check_upsert,
    found_keys,
    key_of,
    plan_upsert,
)
from sdcli.store.tiny_move import refuse_if_moved
from sdcli.store.txn import Txn, current, fresh

if TYPE_CHECKING:
    from sdcli.store.tiny import TinyStore


def upsert_many(store: TinyStore, prefix: str, docs: list[dict[str, Any]], *, key: str | None, on_conflict: str,
                actor: str, event: Event, all_or_nothing: bool = True, dry_run: bool = False,
                owned: bool = False, across: bool = False) -> UpsertResult:  # fmt: skip
    check_upsert(prefix, on_conflict, key, across)
    result = UpsertResult()
    if not docs:
        return result
    if dry_run and not store.exists():  # a dry run never creates a store
        return fresh(prefix, docs, key, on_conflict, all_or_nothing)
    at = clock.iso(clock.now())
    with store._locked() as txn:  # keys, numbers and every decision under the lock they depend on
        refuse_if_moved(store, txn)
        keys = [key_of(d, key) for d in docs] if key else None
        wanted = [k for k in keys or () if k is not None]
        existing, elsewhere = (found_keys(prefix, across, lambda p: store.keys(p, key, wanted))
                               if key and wanted else ({}, {}))  # fmt: skip
        first = txn.allocate(prefix, store.warnings)
        plan = plan_upsert(prefix, docs, key=key, on_conflict=on_conflict, actor=actor, event=event, at=at,
                           first=first, existing=existing, fetch=lambda ns: current(txn, prefix, ns),
                           keys=keys, owned=owned, elsewhere=elsewhere)  # fmt: skip
        if plan.result.conflicts and all_or_nothing:
            raise KeyConflict(key or "key", plan.result.conflicts)
        write(store, txn, prefix, plan)
        if plan.next_number != first:
            txn.advance(prefix, plan.next_number)
        if (plan.created or plan.changed) and not dry_run:
            store._commit(txn)
    return plan.result


def write(store: TinyStore, txn: Txn, prefix: str, plan: UpsertPlan) -> None:
    """An upsert's tickets into their shards; their index rows are made at the commit."""
    from sdcli.store.openindex import refs_of  # deferred: SQLite, the write side

    for n, doc in plan.created.items():
        table = txn.tickets(prefix, n)
        if str(n) in table:
            raise StoreDamaged(
                "store.already_holds", path=str(store.layout.shard(prefix, n)), id=f"{prefix}{n}"
            )
        table[str(n)] = doc
        txn.new_docs.append(doc)
    for n, doc in plan.changed.items():  # an update: its references are set again whatever they were
        txn.tickets(prefix, n)[str(n)] = doc
        txn.index_changes[doc["id"]] = store.vocabulary.index_entry(doc)
        txn.ref_changes[doc["id"]] = refs_of(doc)
