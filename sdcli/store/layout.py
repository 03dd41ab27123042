"""Where the embedded store keeps what, and how a reader sees one committed state. No CLI imports.

Under the store directory (``tinydb://`` URL, by default ``<home>/store``):

- ``meta.json``        schema version, migrations applied, the next number of each id prefix
- ``INC/00000.json``   a TinyDB file per shard of 200 ids (table ``tickets``, doc_id = number)
- ``index.sqlite``     the summary of every ticket that is not finished, and every ticket's
                       references (openindex.py; derived from the shards, rebuilt by doctor)
- ``customers.json``   the customer directory
- ``outbox.json``      customer updates queued, being sent, sent (store/outbox.py)
- ``generation``       replaced by every write of several shards (readers of many shards
                       check it to see one committed state)
- ``journal.json``     present only while a write of several files is being carried out
- ``.lock``            the inter-process lock every read-modify-write holds
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sdcli.errors import StoreDamaged
from sdcli.model import PREFIXES
from sdcli.store.files import parse_object, read_bytes, read_json

SHARD_SIZE = 200
_SHARD = re.compile(r"^\d{5,}\.json$")
_TEMP = re.compile(r"^\.(?P<name>[^/]+)\.\d+\.[0-9a-f]{8}\.tmp$")


class Layout:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.meta = root / "meta.json"
        self.index = root / "index.sqlite"
        self.legacy_index = root / "index.json"  # the index of schema 1
        self.journal = root / "journal.json"
        self.customers = root / "customers.json"
        self.outbox = root / "outbox.json"
        self.generation = root / "generation"
        self.lock = root / ".lock"

    def shard(self, prefix: str, number: int) -> Path:
        return self.root / prefix / f"{number // SHARD_SIZE:05d}.json"

    def shard_files(self, prefix: str) -> list[Path]:
        d = self.root / prefix
        if d.is_symlink() or not d.is_dir():
            return []
        return sorted((d / name for name in os.listdir(d) if _SHARD.match(name)), key=lambda p: int(p.stem))

    def is_store_file(self, path: Path) -> bool:
        """A file a write may replace: the root's own files, or a shard of a known prefix."""
        if path.parent == self.root:
            return path in (self.meta, self.legacy_index, self.customers, self.generation, self.outbox)
        return (
            path.parent.parent == self.root and path.parent.name in PREFIXES and bool(_SHARD.match(path.name))
        )

    def generation_state(self) -> tuple[int, int, int] | None:
        try:
            st = os.lstat(self.generation)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    # ---- the journal: what a write in flight renames
    def renames(self, journal: dict[str, Any]) -> list[tuple[Path, Path]]:
        """The (temp, final) pairs a journal names, each checked to be a store file and its temp
        beside it: a planted journal cannot rename anything outside the store."""
        pairs = journal.get("renames", [])
        if not isinstance(pairs, list):
            raise StoreDamaged("store.renames_not_list", path=str(self.journal))
        out = []
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                raise StoreDamaged("store.rename_not_pair", path=str(self.journal))
            rel = [Path(p) for p in pair]
            tmp, final = (self.root / p for p in rel)
            m = _TEMP.match(tmp.name)
            if (
                any(p.is_absolute() or ".." in p.parts for p in rel)
                or not self.is_store_file(final)
                or tmp.parent != final.parent
                or not m
                or m["name"] != final.name
            ):
                raise StoreDamaged("store.rename_outside", path=str(self.journal), target=repr(pair[1]))
            out.append((tmp, final))
        return out


class Snapshot:
    """How a reader that takes no lock sees the last committed state: while a journal is on
    disk (a write past its commit point, or one a crash interrupted), the files it renames
    are read from their staged temp files."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.journal = read_json(layout.journal)
        self.overlay: dict[Path, Path] = {}
        if self.journal is not None:
            self.overlay = {final: tmp for tmp, final in layout.renames(self.journal)}

    def shard_files(self, prefix: str) -> list[Path]:
        """The shards of prefix in this state: those on disk and those the journal brings."""
        on_disk = self.layout.shard_files(prefix)
        folder = self.layout.root / prefix
        new = [p for p in self.overlay if p.parent == folder and p not in on_disk]
        return sorted([*on_disk, *new], key=lambda p: int(p.stem)) if new else on_disk

    def read_bytes(self, path: Path) -> bytes | None:
        tmp = self.overlay.get(path)
        if tmp is not None:
            raw = read_bytes(tmp)
            if raw is not None:
                return raw  # else renamed meanwhile: the final file is the new one
        return read_bytes(path)

    def read_json(self, path: Path) -> dict[str, Any] | None:
        raw = self.read_bytes(path)
        return None if raw is None else parse_object(raw, path)
