"""The embedded store's customer directory (customers.json), written under the store's lock
like every other file. No CLI imports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdcli import clock
from sdcli.errors import StoreDamaged
from sdcli.model import name_key
from sdcli.store.files import read_json
from sdcli.store.tiny_move import refuse_if_moved

if TYPE_CHECKING:
    from sdcli.store.tiny import TinyStore


def customers(store: TinyStore) -> list[dict[str, Any]]:
    table = (read_json(store.layout.customers) or {}).get("customers", {})
    if not isinstance(table, dict) or not all(isinstance(c, dict) and isinstance(c.get("name"), str)
                                              for c in table.values()):  # fmt: skip
        raise StoreDamaged("store.customers_damaged", path=str(store.layout.customers))
    return sorted(table.values(), key=lambda c: c["name"].casefold())


def put_customer(store: TinyStore, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
    with store._locked() as txn:
        refuse_if_moved(store, txn)
        store.customers()  # refuse a damaged directory before changing it
        db = txn.db(store.layout.customers)
        data = db.storage.read() or {}
        table = data.setdefault("customers", {})
        key = name_key(record["name"])  # as every lookup of the directory compares names
        existing = next((k for k, v in table.items() if name_key(v["name"]) == key), None)
        doc_id = existing or str(max((int(k) for k in table if k.isdigit()), default=0) + 1)
        at = clock.iso(clock.now())
        before = table.get(doc_id, {})
        doc = {**before, **record, "updated_at": at, "updated_by": actor}
        if before:
            doc["name"] = before["name"]  # the first spelling stays
        doc.setdefault("created_at", at)
        table[doc_id] = doc
        db.storage.write(data)
        store._commit(txn)
    return doc
