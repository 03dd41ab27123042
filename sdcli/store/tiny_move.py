"""The embedded store's side of `sdcli store copy`: everything out, everything in (one write),
and the mark of a store that moved. No CLI imports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdcli import clock
from sdcli.model import PREFIXES, parse_id
from sdcli.store.base import Dump, StoreMoved, merge_counters, tickets_to_copy
from sdcli.store.directory import merge_in
from sdcli.store.files import read_json
from sdcli.store.layout import Snapshot
from sdcli.store.txn import Txn, highest_number

if TYPE_CHECKING:
    from sdcli.store.tiny import TinyStore


def refuse_if_moved(store: TinyStore, txn: Txn) -> None:
    moved = txn.meta.get("moved")
    if moved:
        raise StoreMoved(str(store.root), moved)


def moved_to(store: TinyStore) -> dict[str, Any] | None:
    return (read_json(store.layout.meta) or {}).get("moved") or None


def mark_moved(store: TinyStore, target: str | None, *, actor: str) -> None:
    with store._locked() as txn:
        if target is None:
            txn.meta.pop("moved", None)
        else:
            txn.meta["moved"] = {"to": target, "at": clock.iso(store.now()), "by": actor}
        txn.meta_dirty = True
        store._commit(txn)


def export_all(store: TinyStore) -> Dump:
    tickets = list(store.all_tickets())
    counters = dict((read_json(store.layout.meta) or {}).get("next", {}))
    highest = {
        p: max((parse_id(d["id"])[1] for d in tickets if d["id"].startswith(p)), default=0) for p in PREFIXES
    }
    from sdcli.store.tiny_outbox import items  # deferred: tiny_outbox imports this module

    return Dump(tickets, store.customers(), merge_counters(counters, {p: n + 1 for p, n in highest.items()}),
                items(store, None, None))  # fmt: skip


def import_all(store: TinyStore, dump: Dump, *, actor: str, merge: bool) -> None:
    with store._locked() as txn:
        existing = {d["id"]: d for d in store._scan(None, Snapshot(store.layout), None)}
        customers = store.customers()
        new = tickets_to_copy(dump, existing, occupied=len(existing) + len(customers), merge=merge,
                              where=str(store.root))  # fmt: skip
        for doc in new:
            prefix, number = parse_id(doc["id"])
            txn.tickets(prefix, number)[str(number)] = doc
            txn.index_changes[doc["id"]] = store.vocabulary.index_entry(doc)
        on_disk = {p: highest_number(store.layout, p) + 1 for p in PREFIXES}
        txn.meta["next"] = merge_counters(txn.meta["next"], dump.counters, on_disk)
        txn.meta.pop("moved", None)
        txn.meta_dirty = True
        _add_customers(txn, store, dump, actor=actor)
        _add_outbox(txn, store, dump)
        store._commit(txn)


def _add_outbox(txn: Txn, store: TinyStore, dump: Dump) -> None:
    """The copy's customer updates, in the outbox file of this write (outbox.to_copy)."""
    if not dump.outbox:
        return
    from sdcli.store import outbox
    from sdcli.store.tiny_outbox import _table

    db, data = _table(store, txn)
    added, replaced, data["next"] = outbox.to_copy(dump.outbox, data["items"].values(), data["next"])
    for item in (*added, *replaced):
        data["items"][str(item["id"])] = item
    db.storage.write(data)  # as copied: the old sent ones leave at the next write (KEEP_DAYS)


def _add_customers(txn: Txn, store: TinyStore, dump: Dump, *, actor: str) -> None:
    """The copy's customers saved as put_customer saves one (directory.merge_in)."""
    db = txn.db(store.layout.customers)
    data = db.storage.read() or {}
    table = data.setdefault("customers", {})
    changed, added, warnings = merge_in(table, dump.customers, at=clock.iso(store.now()), actor=actor)
    store.warnings.extend(warnings)
    if not changed and not added:
        return
    table.update(changed)
    n = max((int(k) for k in table if k.isdigit()), default=0)
    for record in added:
        n += 1
        table[str(n)] = record
    db.storage.write(data)
