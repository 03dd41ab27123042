"""Several processes on one store at once: nothing lost, ids unique, readers never see a torn file."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import PY, report, subprocess_env

from sdcli.store import open_store

WORKERS = str(Path(__file__).with_name("workers.py"))


@pytest.mark.files_only("a reader polls the embedded store's files for torn JSON")
def test_eight_writers_and_a_polling_reader(home):
    env = subprocess_env(home)
    open_store(home=home).create("INC", {"status": "open", "customer": "seed"}, actor="t")
    reader = subprocess.Popen(
        [PY, WORKERS, "poll", str(home), "6"], env=env, stdout=subprocess.PIPE, text=True
    )
    writers = [
        subprocess.Popen(
            [PY, WORKERS, "add", str(home), "50", f"w{i}"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    reported = []
    for w in writers:
        out, _ = w.communicate(timeout=180)
        assert w.returncode == 0
        reported += out.split()
    polled = json.loads(reader.communicate(timeout=60)[0])
    assert polled["reads"] > 100 and polled["bad"] == 0, polled

    store = open_store(home=home)
    tickets = [t for t in store.all_tickets("INC") if t["customer"] != "seed"]
    ids = [t["id"] for t in tickets]
    assert len(tickets) == 400 and len(set(ids)) == 400
    assert sorted(reported) == sorted(ids)
    assert {t["customer"] for t in tickets} == {f"w{i}-{j}" for i in range(8) for j in range(50)}
    for t in tickets:
        notes = [h["note"] for h in t["history"] if h["action"] == "note"]
        assert notes == [f"note {t['customer']}"]
    assert store.check() == []
    report("concurrent-writers", processes=9, tickets=400, notes=400, reader_reads=polled["reads"],
           torn_reads=polled["bad"], lost=0, duplicate_ids=0)  # fmt: skip


def test_sigkill_mid_write_never_loses_a_saved_ticket(home):
    env = subprocess_env(home)
    rng = random.Random(20261201)
    saved: set[str] = set()
    noted: set[str] = set()
    kills = 0
    for _ in range(20):
        p = subprocess.Popen([PY, WORKERS, "loop", str(home)], env=env, stdout=subprocess.PIPE, text=True)
        assert p.stdout is not None and p.stdout.readline() == "ready\n"  # the time to start is not counted
        first = p.stdout.readline().strip()  # a first ticket saved: the kill lands among the writes, however
        saved.add(first)  # slow a loaded machine makes them (a floor on throughput failed under load)
        time.sleep(rng.uniform(0.05, 0.35))
        os.kill(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        kills += 1
        for line in out.splitlines():
            if line.startswith("note "):
                noted.add(line[5:])
            elif line:
                saved.add(line)
        store = open_store(home=home)
        damaged = [x for x in map(str, store.check()) if "damaged" in x or "appears twice" in x]
        assert damaged == []
        for tid in saved:
            store.get(tid)
    store = open_store(home=home)
    all_ids = [t["id"] for t in store.all_tickets()]
    assert len(all_ids) == len(set(all_ids))
    assert saved <= set(all_ids)
    for tid in noted:
        assert any(h["action"] == "note" for h in store.get(tid)["history"])
    assert kills == 20 and len(saved) >= 20 and all(tid.startswith("INC") for tid in saved)
    store.repair()
    assert store.check() == []
    report(
        "sigkill",
        kills=kills,
        tickets_reported_saved=len(saved),
        tickets_in_store=len(all_ids),
        lost=0,
        damaged_files=0,
    )


def test_bulk_writes_killed_at_random_instants_are_whole_or_absent(home):
    """A write of many shards is all or nothing, even when the process dies in the middle of it."""
    env = subprocess_env(home)
    rng = random.Random(7)
    size = 1000  # five shards a batch, plus meta and index
    kills = after_commit_point = while_staging = 0
    for _ in range(12):
        p = subprocess.Popen(
            [PY, WORKERS, "bulk", str(home), str(size)], env=env, stdout=subprocess.PIPE, text=True
        )
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(p.pid, signal.SIGKILL)
        p.communicate()
        kills += 1
        if (home / "store" / "journal.json").exists():
            after_commit_point += 1
        elif list((home / "store").rglob("*.tmp")):
            while_staging += 1
    store = open_store(home=home)
    store.create("INC", {"status": "open", "customer": "after"}, actor="t")  # finishes an interrupted write
    docs = list(store.all_tickets("INC"))
    batches: dict[int, int] = {}
    for d in docs[:-1]:
        b = d["history"][0]["batch"]
        batches[b] = batches.get(b, 0) + 1
    assert batches and all(n == size for n in batches.values()), batches
    assert [d["id"] for d in docs] == [f"INC{n}" for n in range(1, len(docs) + 1)]  # no gap, no reuse
    assert len(store.open_summaries()) == len(docs)
    store.repair()  # removes the temps of a write killed before its commit point
    assert store.check() == []
    report("sigkill-bulk", kills=kills, killed_while_staging=while_staging, killed_after_commit_point=after_commit_point,
           batches=len(batches), tickets=len(docs) - 1, torn_batches=0)  # fmt: skip


@pytest.mark.files_only("holds the embedded store's lock file")
def test_live_lock_holder_means_store_busy_exit_1(home, sdcli):
    from helpers import make_incident

    make_incident(open_store(home=home))
    holder = subprocess.Popen(
        [
            PY,
            "-c",
            "import sys,time; from filelock import FileLock; l=FileLock(sys.argv[1]); l.acquire(); "
            "print('held', flush=True); time.sleep(30)",
            str(home / "store" / ".lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        r = sdcli("note", "INC1", "hello", env={"SDCLI_LOCK_TIMEOUT": "0.5"})
        assert r.exit_code == 1
        assert r.stderr.strip().startswith("Error: the store") and "busy" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()
    # a lock left by a killed process is released by the kernel: the next write does not wait
    start = time.monotonic()
    r = sdcli("note", "INC1", "after the holder died", env={"SDCLI_LOCK_TIMEOUT": "20"})
    assert r.exit_code == 0, r.output
    assert time.monotonic() - start < 15
