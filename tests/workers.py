"""Processes the concurrency and crash tests start: `python workers.py MODE HOME ...`."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def add(home: str, count: str, tag: str) -> None:
    """Add `count` tickets and a note on each; print each id once it is saved."""
    from sdcli.store import open_store
    from sdcli.tickets import add_note

    os.environ.setdefault("SDCLI_LOCK_TIMEOUT", "60")
    store = open_store(home=Path(home))
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
    from sdcli.store import open_store
    from sdcli.tickets import add_note, transition

    os.environ.setdefault("SDCLI_LOCK_TIMEOUT", "60")
    store = open_store(home=Path(home))
    print("ready", flush=True)  # started: the kill that follows lands among the writes
    i = 0
    while True:
        doc = store.create("INC", {"status": "open", "customer": f"k{i}", "blob": "x" * 2000}, actor="k")
        print(doc["id"], flush=True)
        add_note(store, doc["id"], f"n{i}", actor="k")
        print(f"note {doc['id']}", flush=True)
        if i % 3 == 0:
            transition(store, doc["id"], "resolve", actor="k")
        i += 1


def cli(home: str, mode: str, count: str, out: str) -> None:
    """Run sdcli commands in-process `count` times (mode: open, escalate, read); JSON lines to out."""
    import os

    os.environ["SDCLI_HOME"] = home
    os.environ["SDCLI_NO_INPUT"] = "1"
    from typer.testing import CliRunner

    from sdcli.cli import app

    runner = CliRunner()
    results = []
    n = int(count)
    i = 0
    stop = Path(out + ".stop")
    while (i < n) if mode != "read" else (i < 10 or not stop.exists()):  # readers: 10 reads at least
        if mode == "open":
            args = [
                "open",
                "--customer",
                f"Load {os.getpid()}-{i}",
                "--site",
                "S",
                "--country",
                "BR",
                "--tz",
                "America/Sao_Paulo",
                "--problem",
                "link_down",
                "--callback",
                "Ana <ana@acme.com.br> +55 11 98765-4321",
                "--service-type",
                "mpls",
                "--no-contingency",
                "--json",
            ]
        elif mode == "escalate":
            args = [
                "escalate",
                f"INC{1 + i % 3}",
                "--call",
                "Carla Mendes",
                "--outcome",
                "no-answer" if i % 4 else "reached",
                "--json",
            ]
        else:
            args = ["list", "--json"] if i % 2 else ["show", f"INC{1 + i % 3}", "--json"]
        r = runner.invoke(app, args)
        ok = r.exit_code == 0
        if ok:
            try:
                data = json.loads(r.stdout)
            except ValueError:
                ok, data = False, None
        results.append(
            {
                "args": args[0],
                "ok": ok,
                "id": data.get("id") if ok and isinstance(data, dict) else None,
                "err": "" if ok else (r.stderr or repr(r.exception))[:200],
            }
        )
        i += 1
    Path(out).write_text("\n".join(json.dumps(x) for x in results))


def bulk(home: str, size: str) -> None:
    """Write batches of `size` tickets (one upsert_many each, several shards) until killed;
    print each batch's first and last id once it is saved."""
    from sdcli.store import open_store

    os.environ.setdefault("SDCLI_LOCK_TIMEOUT", "60")
    store = open_store(home=Path(home))
    print("ready", flush=True)
    b = 0
    while True:
        batch = [{"status": "open", "customer": f"b{b}-{i}", "blob": "x" * 500} for i in range(int(size))]
        ids = store.upsert_many(
            "INC", batch, key=None, on_conflict="skip", actor="bulk", event={"batch": f"{os.getpid()}-{b}"}
        ).created
        print(ids[0], ids[-1], flush=True)
        b += 1


def agent(name: str, seconds: str, out: str) -> None:
    """An agent at work through the CLI for `seconds`: opens incidents, notes the shared INC1 and its
    own tickets, escalates and resolves them. Every write acknowledged (exit 0) is a JSON line in out."""
    import random

    os.environ["SDCLI_NO_INPUT"] = "1"
    os.environ["SDCLI_AGENT"] = name
    from typer.testing import CliRunner

    from sdcli.cli import app

    runner = CliRunner()
    rng = random.Random(name)
    mine: list[str] = []
    done, failed = [], []
    end = time.monotonic() + float(seconds)
    i = 0
    while (i < 12 or time.monotonic() < end) and i < 400:  # at least 12 writes, then until the deadline
        i += 1
        choice = rng.random()
        if not mine or choice < 0.3:
            args = ["open", "--customer", f"{name}-{i}", "--site", "S", "--country", "BR", "--tz", "America/Sao_Paulo",
                    "--problem", "link_down",
                    "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321", "--service-type", "mpls",
                    "--no-contingency", "--json"]  # fmt: skip
            op, target, text = "open", None, None
        elif choice < 0.6:
            op, target, text = "note", "INC1" if rng.random() < 0.5 else rng.choice(mine), f"{name} note {i}"
            args = ["note", target, text]
        elif choice < 0.85:
            op, target, text = "escalate", rng.choice(mine), f"{name} call {i}"
            args = ["escalate", target, "--call", "Service Desk Latam", "--outcome", "reached", "--note", text,
                    "--json"]  # fmt: skip
        else:
            op, target, text = "resolve", mine.pop(rng.randrange(len(mine))), f"{name} fixed {i}"
            args = ["resolve", target, "--note", text]
        r = runner.invoke(app, args)
        if r.exit_code != 0:
            failed.append({"op": op, "err": (r.stderr or repr(r.exception))[-300:]})
            continue
        if op == "open":
            target = json.loads(r.stdout)["id"]
            mine.append(target)
        done.append({"op": op, "id": target, "text": text})
    Path(out).write_text(json.dumps({"done": done, "failed": failed}))


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
