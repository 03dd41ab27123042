"""The embedded store made ready under its lock: created, migrated to this sdcli's schema, an
interrupted write finished. No CLI imports."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sdcli.errors import StoreDamaged
from sdcli.i18n import Message
from sdcli.model import format_id
from sdcli.store import journal
from sdcli.store.files import atomic_write, dumps, read_json
from sdcli.store.layout import Snapshot
from sdcli.store.openindex import refs_of
from sdcli.store.txn import check_meta, docs_of, new_meta

if TYPE_CHECKING:
    from sdcli.store.tiny import TinyStore


def _index_in_sqlite(store: TinyStore) -> None:
    """Schema 2: the open index moves from index.json (rewritten whole by every write) into
    index.sqlite (a row per ticket), with every ticket's references and the site's zone."""
    store.rebuild_index()
    if os.path.lexists(store.layout.legacy_index):
        store.layout.legacy_index.unlink()


#: (version it brings the store to, name, function of the store), applied in order under the lock
MIGRATIONS: list[tuple[int, str, Callable[[TinyStore], None]]] = [
    (1, "initial-layout", lambda store: None),
    (2, "open-index-in-sqlite", _index_in_sqlite),
]


def prepare(store: TinyStore) -> dict[str, Any]:
    """Under the lock: create or migrate the store, finish an interrupted write; the meta."""
    meta = read_json(store.layout.meta)
    if meta is None:
        meta = new_meta(store.layout, MIGRATIONS)
        taken = [format_id(p, n) for p, n in meta["next"].items() if n > 1]
        if taken:
            store.warnings.append(
                Message("store.meta_missing", path=str(store.layout.meta), taken=", ".join(taken))
            )
        store.rebuild_index()
        atomic_write(store.layout.meta, dumps(meta))
    meta = check_meta(store.layout, meta)
    schema = meta["schema"]
    known = MIGRATIONS[-1][0]  # the schema this sdcli writes: that of its last migration
    if schema > known:
        raise StoreDamaged("store.newer_schema", path=str(store.layout.meta), schema=schema, known=known)
    pending = read_json(store.layout.journal)
    stale = schema >= 2 and store.index.stale()  # an index of an older shape: rebuilt whole
    if pending is not None:  # a write was interrupted after its commit point: finish it
        after = store.rebuild_index if stale else lambda: index_from(store, pending, schema)
        journal.finish(store.layout, pending, after=after)
    elif stale:
        store.rebuild_index()
    for version, name, fn in MIGRATIONS:
        if version > meta["schema"]:
            fn(store)
            meta["schema"] = version
            meta["migrations"].append(name)
            atomic_write(store.layout.meta, dumps(meta))
    return meta


def index_from(store: TinyStore, pending: dict[str, Any], schema: int) -> None:
    """The index rows an interrupted write names, derived from its (now renamed) shards."""
    if schema < 2:  # sdcli 0.1 kept the index in index.json: the migration rebuilds it next
        return
    if pending.get("rebuild"):
        store.rebuild_index()
        return
    docs = docs_of(store.layout, journal.index_ids(pending), Snapshot(store.layout))
    store.index.apply({t: None if d is None else store.vocabulary.index_entry(d) for t, d in docs.items()},
                     {t: refs_of(d) for t, d in docs.items() if d is not None})  # fmt: skip
