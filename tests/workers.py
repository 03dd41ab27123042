"""Processes the concurrency and crash tests start: `python workers.py MODE HOME ...`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def add(home: str, count: str, tag: str) -> None:
    """Add `count` tickets and a note on each; print each id once it is saved."""
    from sdcli.store import TinyStore
    from sdcli.tickets import add_note

    store = TinyStore(Path(home), lock_timeout=60)
    for i in range(int(count)):
        doc = store.create("INC", {"status": "open", "customer": f"{tag}-{i}"}, actor=tag)
        add_note(store, doc["id"], f"note {tag}-{i}", actor=tag)
        print(doc["id"], flush=True)


def poll(home: str, seconds: str) -> None:
    """Read every store file as fast as possible; print how many reads and how many were invalid."""
    root = Path(home) / "store"
    reads = bad = 0
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        for path in root.rglob("*.json"):
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                continue
            reads += 1
            try:
                json.loads(raw)
            except ValueError:
                bad += 1
    print(json.dumps({"reads": reads, "bad": bad}), flush=True)


def loop(home: str) -> None:
    """Write forever (create, note, resolve) until killed; print each id after it is saved."""
    from sdcli.store import TinyStore
    from sdcli.tickets import add_note, transition

    store = TinyStore(Path(home), lock_timeout=60)
    i = 0
    while True:
        doc = store.create("INC", {"status": "open", "customer": f"k{i}", "blob": "x" * 2000}, actor="k")
        print(doc["id"], flush=True)
        add_note(store, doc["id"], f"n{i}", actor="k")
        print(f"note {doc['id']}", flush=True)
        if i % 3 == 0:
            transition(store, doc["id"], "resolve", actor="k")
        i += 1


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
