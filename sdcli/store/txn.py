"""The unit of work of the embedded store: the files one locked operation read and changed,
id allocation, and the pieces of a bulk write. No CLI imports."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage

from sdcli.errors import ConfigError, StoreDamaged
from sdcli.i18n import Message
from sdcli.model import PREFIXES, format_id, parse_id
from sdcli.store.base import KeyConflict, UpsertResult, key_of
from sdcli.store.files import parse_object, read_json
from sdcli.store.layout import SHARD_SIZE, Layout, Snapshot

LOCK_TIMEOUT_ENV = "SDCLI_LOCK_TIMEOUT"


def lock_timeout_from_env() -> float:
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return 10.0
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 86400):
        raise ConfigError("error.lock_timeout_value", env=LOCK_TIMEOUT_ENV, value=repr(raw[:40]))
    return value


class _FileStorage(Storage):
    """TinyDB storage over one JSON file: parsed once, written only when the write commits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None
        self._loaded = False
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        if not self._loaded:
            self._data = read_json(self.path)
            self._loaded = True
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        self._loaded = True
        self.dirty = True


class Txn:
    """The unit of work of one locked operation: the files it read, what it changed."""

    def __init__(self, layout: Layout, meta: dict[str, Any]) -> None:
        self.layout = layout
        self.meta = meta
        self.meta_dirty = False
        self.dbs: dict[Path, TinyDB] = {}
        self.index_changes: dict[str, dict[str, Any] | None] = {}  # ticket → its open-index row
        self.ref_changes: dict[str, list[tuple[str, str]]] = {}  # ticket → its references
        self.created: list[str] = []  # tickets this write creates
        self.new_docs: list[
            dict[str, Any]
        ] = []  # tickets a bulk write creates (index rows made at the commit)
        self.tables: dict[Path, dict[str, Any]] = {}
        self.shards: dict[tuple[str, int], dict[str, Any]] = {}  # (prefix, shard number) → its table

    def storages(self) -> list[tuple[Path, _FileStorage]]:
        """The storage of every shard file the unit of work opened."""
        return [(p, cast(_FileStorage, db.storage)) for p, db in self.dbs.items()]

    def db(self, path: Path) -> TinyDB:
        if path not in self.dbs:
            self.dbs[path] = TinyDB(path, storage=_FileStorage)
        return self.dbs[path]

    def shard(self, prefix: str, number: int):  # -> tinydb.table.Table
        return self.db(self.layout.shard(prefix, number)).table("tickets")

    def tickets(self, prefix: str, number: int) -> dict[str, Any]:
        """The raw `tickets` table of number's shard, changed in place and written at the commit
        (bulk writes: TinyDB's inserts and updates rewrite the whole shard each time)."""
        hit = self.shards.get((prefix, number // SHARD_SIZE))
        if hit is not None:  # a bulk write asks once per ticket: no path built each time
            return hit
        path = self.layout.shard(prefix, number)
        if path not in self.tables:
            storage = self.db(path).storage
            data = storage.read() or {}
            tickets = data.get("tickets", {})
            if not isinstance(tickets, dict):
                raise StoreDamaged("store.tickets_damaged", path=str(path))
            data["tickets"] = tickets
            storage.write(data)
            self.tables[path] = tickets
        self.shards[(prefix, number // SHARD_SIZE)] = self.tables[path]
        return self.tables[path]

    def allocate(self, prefix: str, warnings: list[Any]) -> int:
        """The next number of prefix: the counter, never at or below a ticket that exists (a
        meta.json restored from an old backup is caught here, not trusted)."""
        counters = self.meta["next"]
        number = counters.get(prefix, 1)
        highest = highest_number(self.layout, prefix)
        if number <= highest:
            warnings.append(Message("store.counter_behind", path=str(self.layout.meta), prefix=prefix, number=number,
                                    highest=format_id(prefix, highest), next=format_id(prefix, highest + 1)))  # fmt: skip
            number = highest + 1
        return number

    def advance(self, prefix: str, number: int) -> None:
        self.meta["next"][prefix] = number
        self.meta_dirty = True


def highest_number(layout: Layout, prefix: str) -> int:
    """The highest ticket number of prefix on disk (its last shard read: O(1) in the store's size)."""
    shards = layout.shard_files(prefix)
    if not shards:
        return 0
    tickets = (read_json(shards[-1]) or {}).get("tickets", {})
    if not isinstance(tickets, dict):
        raise StoreDamaged("store.tickets_damaged", path=str(shards[-1]))
    numbers = [int(k) for k in tickets if k.isdigit()]
    return max(numbers, default=int(shards[-1].stem) * SHARD_SIZE)


def check_meta(layout: Layout, meta: dict[str, Any]) -> dict[str, Any]:
    counters = meta.get("next")
    schema = meta.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or not isinstance(counters, dict):
        raise StoreDamaged("store.meta_shape", path=str(layout.meta))
    for prefix in PREFIXES:
        n = counters.setdefault(prefix, 1)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise StoreDamaged("store.meta_counter", path=str(layout.meta), prefix=prefix, value=repr(n))
    if not isinstance(meta.setdefault("migrations", []), list):
        raise StoreDamaged("store.meta_migrations", path=str(layout.meta))
    return meta


def new_meta(layout: Layout, migrations: list[tuple[int, str, Any]]) -> dict[str, Any]:
    """A meta.json for the tickets there are (every migration counted as applied): counters
    above the highest ticket of each prefix."""
    return {"schema": max(v for v, _, _ in migrations), "next": {p: highest_number(layout, p) + 1 for p in PREFIXES},
            "migrations": [name for _, name, _ in migrations]}  # fmt: skip


def current(txn: Txn, prefix: str, numbers: list[int]) -> dict[int, dict[str, Any]]:
    """The stored documents of these tickets of prefix (an upsert's updates), read in this unit of work."""
    out = {}
    for n in numbers:
        doc = txn.tickets(prefix, n).get(str(n))
        if not isinstance(doc, dict):
            raise StoreDamaged("store.not_a_ticket", path=str(txn.layout.shard(prefix, n)), id=f"{prefix}{n}")
        out[n] = doc
    return out


def fresh(prefix: str, docs: list[dict[str, Any]], key: str | None, on_conflict: str,
           all_or_nothing: bool) -> UpsertResult:  # fmt: skip
    """What upsert_many would do in an empty store."""
    result, seen = UpsertResult(), {}
    for fields in docs:
        k = key_of(fields, key)
        if k is None or k not in seen:
            result.created.append(format_id(prefix, len(result.created) + 1))
            result.by_doc.append(result.created[-1])
            if k is not None:
                seen[k] = result.created[-1]
            continue
        result.by_doc.append(None if on_conflict == "fail" else seen[k])
        if on_conflict == "skip":
            result.skipped.append(seen[k])
        elif on_conflict == "fail":
            result.conflicts.append(k)
    if result.conflicts and all_or_nothing:
        raise KeyConflict(key or "key", result.conflicts)
    return result


def number_key(key: str) -> int:
    return int(key) if key.isdigit() else -1


def tickets_of(data: dict[str, Any] | None, path: Path) -> dict[str, Any]:
    tickets = (data or {}).get("tickets", {})
    if not isinstance(tickets, dict):
        raise StoreDamaged("store.tickets_damaged", path=str(path))
    return tickets


def set_entry(data: dict[str, Any], tid: str, entry: dict[str, Any] | None) -> None:
    """Set or drop one entry of raw TinyDB index data, in place."""
    p, number = parse_id(tid)
    table = data.setdefault(p, {})
    if entry is None:
        table.pop(str(number), None)
    else:
        table[str(number)] = entry


def replace_with(new: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        doc.clear()
        doc.update(new)

    return apply


def parse_shards(raw: list[tuple[Path, bytes | None]], damaged: list[str] | None) -> Iterator[dict[str, Any]]:
    """The tickets of these shards' bytes, in number order, one shard parsed at a time (a damaged
    shard is named in `damaged` and skipped when it is given, else raises StoreDamaged)."""
    for path, data in raw:
        if data is None:
            continue
        try:
            table = tickets_of(parse_object(data, path), path)
        except StoreDamaged as e:
            if damaged is None:
                raise
            damaged.append(str(e))
            continue
        for k in sorted(table, key=number_key):
            yield table[k]


def docs_of(layout: Layout, ids: list[str], snap: Snapshot) -> dict[str, dict[str, Any] | None]:
    """The tickets of ids as this state has them (None: no such ticket), each shard read once."""
    out: dict[str, dict[str, Any] | None] = {}
    tables: dict[Path, dict[str, Any]] = {}
    for tid in ids:
        p, n = parse_id(tid)
        path = layout.shard(p, n)
        if path not in tables:
            tables[path] = tickets_of(snap.read_json(path), path)
        doc = tables[path].get(str(n))
        out[format_id(p, n)] = doc if isinstance(doc, dict) else None
    return out
