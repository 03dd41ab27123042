"""Prove it holds: load on one store, store faults (full disk, read-only, stale and live locks).
Hostile input is in test_hostile_properties.py.

With SDCLI_RELIABILITY_REPORT=FILE the tests append their figures to FILE (the README's
reliability section quotes such a run).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PY, err, report, subprocess_env

import sdcli.ui as ui
from sdcli.store import open_store

WORKERS = str(Path(__file__).with_name("workers.py"))


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def seed(sdcli, n=3):
    from datetime import UTC, datetime, timedelta

    an_hour_ago = (datetime.now(UTC) - timedelta(minutes=45)).isoformat(timespec="seconds")
    for _ in range(n):
        doc = sdcli.json("open", "--no-input", "--customer", "Seed", "--site", "S", "--country", "BR", "--tz", "America/Sao_Paulo", "--problem", "link_down",
                         "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321", "--service-type", "mpls", "--json",
                         env={"SDCLI_NOW": an_hour_ago})  # fmt: skip
        sdcli.json("classify", doc["id"], "--accept-suggestion", "--json", env={"SDCLI_NOW": an_hour_ago})


def import_file(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "customer_reference",
                "customer",
                "site",
                "country",
                "timezone",
                "problem",
                "service_type",
                "callback_contacts",
            ]
        )
        for i in range(rows):
            w.writerow([f"IMP-{i}", f"Imported {i % 50}", f"Site {i}", "MX", "America/Mexico_City", "link_down", "internet",
                        f"Eva {i % 40} <eva{i % 40}@cliente.mx> 55 5100 {3000 + i % 40}"])  # fmt: skip


@pytest.mark.slow
def test_load_opens_escalations_import_and_readers_at_once(sdcli, home, tmp_path):
    seed(sdcli)
    csv_path = tmp_path / "5000.csv"
    import_file(csv_path, 5000)
    env = subprocess_env(home, SDCLI_LOCK_TIMEOUT="120")
    out = {name: str(tmp_path / f"{name}.jsonl") for name in ("open1", "open2", "esc", "read1", "read2")}
    start = time.monotonic()
    procs = {
        "read1": subprocess.Popen([PY, WORKERS, "cli", str(home), "read", "0", out["read1"]], env=env),
        "read2": subprocess.Popen([PY, WORKERS, "cli", str(home), "read", "0", out["read2"]], env=env),
        "open1": subprocess.Popen([PY, WORKERS, "cli", str(home), "open", "40", out["open1"]], env=env),
        "open2": subprocess.Popen([PY, WORKERS, "cli", str(home), "open", "40", out["open2"]], env=env),
        "esc": subprocess.Popen([PY, WORKERS, "cli", str(home), "escalate", "40", out["esc"]], env=env),
        "import": subprocess.Popen(
            [PY, "-m", "sdcli", "import", str(csv_path), "--json"], env=env, stdout=subprocess.PIPE, text=True
        ),
    }
    imported = json.loads(procs["import"].communicate(timeout=300)[0])
    for name in ("open1", "open2", "esc"):
        assert procs[name].wait(timeout=300) == 0
    for name in ("read1", "read2"):
        Path(out[name] + ".stop").write_text("")
        assert procs[name].wait(timeout=120) == 0
    elapsed = time.monotonic() - start
    results = {name: [json.loads(line) for line in Path(out[name]).read_text().splitlines()] for name in out}
    failures = [r for rs in results.values() for r in rs if not r["ok"]]
    assert failures == []
    assert imported["created"] == 5000
    opened = [r["id"] for name in ("open1", "open2") for r in results[name]]
    store = open_store(home=home)
    tickets = list(store.all_tickets("INC"))
    ids = [t["id"] for t in tickets]
    assert len(ids) == len(set(ids)) == 3 + 80 + 5000
    assert set(opened) <= set(ids) and len(set(opened)) == 80
    attempts = sum(len(t.get("escalation_attempts", [])) for t in tickets)
    assert attempts == 40
    assert store.check() == []
    reads = len(results["read1"]) + len(results["read2"])
    assert reads >= 20
    report("load", processes=6, opens=80, escalation_attempts=40, import_rows=5000, reads=reads,
           tickets=len(ids), failures=len(failures), lost=0, seconds=round(elapsed, 1))  # fmt: skip


@pytest.fixture
def with_ticket(sdcli, home):
    seed(sdcli, 1)
    return home / "store" / "INC" / "00000.json"


@pytest.mark.files_only("a full disk (ENOSPC) under the embedded store's file writes")
def test_failing_write_full_disk_changes_nothing(sdcli, with_ticket, monkeypatch):
    before = with_ticket.read_bytes()
    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    r = sdcli("note", "INC1", "will not fit")
    monkeypatch.setattr(os, "write", real_write)
    assert r.exit_code == 1
    assert err(r).startswith("Error: cannot write") and "the disk is full; nothing was changed" in err(r)
    assert err(r).count("\n") == 1
    assert with_ticket.read_bytes() == before
    assert not list(with_ticket.parent.parent.rglob("*.tmp"))
    assert len(sdcli.json("show", "INC1", "--json")["history"]) == 2


@pytest.mark.files_only("a full disk (ENOSPC) in the middle of the embedded store's shard writes")
def test_a_full_disk_in_the_middle_of_a_bulk_write_changes_nothing(home, monkeypatch):
    from helpers import make_incident

    from sdcli.errors import StoreUnwritable

    store = open_store(home=home)
    make_incident(store)
    before = {p: p.read_bytes() for p in (home / "store").rglob("*") if p.is_file()}
    real_write, calls = os.write, []

    def fills_up(fd, data):
        calls.append(1)
        if len(calls) > 3:  # the fourth file of the write does not fit
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", fills_up)
    with pytest.raises(StoreUnwritable, match="the disk is full; nothing was changed"):
        store.upsert_many("INC", [{"status": "open", "customer": f"c{i}"} for i in range(1500)], key=None,
                          on_conflict="skip", actor="t", event={})  # fmt: skip
    monkeypatch.setattr(os, "write", real_write)
    after = {p: p.read_bytes() for p in (home / "store").rglob("*") if p.is_file()}
    assert after == before  # no shard, no temp, the same meta (next id) and index
    assert make_incident(store)["id"] == "INC2" and store.check() == []


@pytest.mark.files_only("the embedded store's journal (its commit point)")
def test_a_write_stopped_after_its_commit_point_is_finished_by_the_next_one(home, monkeypatch):
    from helpers import make_incident

    store = open_store(home=home)
    make_incident(store)

    from sdcli.store import journal

    def dies(layout, pending, after=None):
        raise SystemExit  # the process stops between the journal and the renames

    monkeypatch.setattr(journal, "finish", dies)
    with pytest.raises(SystemExit):
        store.upsert_many("INC", [{"status": "open", "customer": f"c{i}"} for i in range(500)], key=None,
                          on_conflict="skip", actor="t", event={})  # fmt: skip
    monkeypatch.undo()
    assert (home / "store" / "journal.json").exists()
    reader = open_store(home=home)  # readers see the committed write whole, before it is finished
    assert len(reader.open_summaries()) == 501 and len(list(reader.all_tickets())) == 501
    assert reader.get("INC501")["customer"] == "c499"
    assert make_incident(open_store(home=home))["id"] == "INC502"  # the next writer finishes the 500 first
    store = open_store(home=home)
    assert len(list(store.all_tickets())) == 502 and len(store.open_summaries()) == 502
    assert store.check() == [] and not list((home / "store").rglob("*.tmp"))


def _mount(point: Path, *opts: str) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", ",".join(opts), "tmpfs", str(point)], capture_output=True
        ).returncode
        == 0
    )


needs_mount = pytest.mark.skipif(
    os.geteuid() != 0 or sys.platform != "linux", reason="needs root to mount a small tmpfs"
)


@pytest.mark.files_only("a full tmpfs under the embedded store")
@needs_mount
def test_a_really_full_small_filesystem(sdcli, tmp_path):
    point = tmp_path / "small"
    if not _mount(point, "size=256k"):
        pytest.skip("mount not permitted here")
    try:
        home = point / "home"
        r = sdcli("--home", str(home), "open", "--no-input", "--customer", "A", "--site", "S", "--country", "PE", "--problem", "other", "--description", "x",
                  "--service-type", "mpls", "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321", "--json")  # fmt: skip
        assert r.exit_code == 0, r.output
        fd = os.open(point / "fill", os.O_WRONLY | os.O_CREAT, 0o600)  # fill the disk to the last block
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as e:
            assert e.errno == errno.ENOSPC
        finally:
            os.close(fd)
        shard = home / "store" / "INC" / "00000.json"
        before = shard.read_bytes()
        writes = 0
        for i in range(5):
            r = sdcli("--home", str(home), "note", "INC1", "x" * 9000 + str(i))
            writes += 1
            assert r.exit_code == 1 and "the disk is full" in err(r), r.output
        assert shard.read_bytes() == before
        assert json.loads(sdcli("--home", str(home), "show", "INC1", "--json").stdout)["id"] == "INC1"
        (point / "fill").unlink()
        assert sdcli("--home", str(home), "note", "INC1", "fits now").exit_code == 0
        report("full-disk", filesystem="tmpfs 256 KiB", refused_writes=writes, corrupted=0)
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


@pytest.mark.files_only("a read-only mount under the embedded store")
@needs_mount
def test_a_read_only_store_reads_but_refuses_writes(sdcli, tmp_path):
    point = tmp_path / "ro"
    if not _mount(point, "size=4m"):
        pytest.skip("mount not permitted here")
    try:
        home = point / "home"
        sdcli("--home", str(home), "open", "--no-input", "--customer", "A", "--site", "S", "--country", "PE", "--problem", "other", "--description", "x",
              "--service-type", "mpls", "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321")  # fmt: skip
        assert subprocess.run(["mount", "-o", "remount,ro", str(point)]).returncode == 0
        assert sdcli.json("--home", str(home), "show", "INC1", "--json")["customer"] == "A"
        assert [d["id"] for d in sdcli.json("--home", str(home), "list", "--json")] == ["INC1"]
        r = sdcli("--home", str(home), "note", "INC1", "x")
        assert r.exit_code == 1 and "read-only" in err(r) and err(r).count("\n") == 1
        report("read-only", reads_ok=2, writes_refused=1)
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_stale_lock_of_a_killed_process_is_not_waited_on(sdcli, with_ticket, home):
    holder = subprocess.Popen([PY, "-c", "import sys,time; from filelock import FileLock; l=FileLock(sys.argv[1]); l.acquire(); "
                               "print('held', flush=True); time.sleep(60)", str(home / "store" / ".lock")], stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    assert (home / "store" / ".lock").exists()  # the file stays; the kernel released the lock
    start = time.monotonic()
    r = sdcli("note", "INC1", "after a crash", env={"SDCLI_LOCK_TIMEOUT": "30"})
    assert r.exit_code == 0 and time.monotonic() - start < 10
    report("stale-lock", recovered_seconds=round(time.monotonic() - start, 2))
