"""The store's guarantees: ids, history, atomic private files, damage, index, migrations."""

from __future__ import annotations

import json
import sqlite3
import stat

import pytest
from helpers import make_incident

from sdcli.errors import BadTicketId, StoreDamaged, UnknownTicket
from sdcli.store import files, open_store, parse_id, tiny_prepare
from sdcli.store.layout import SHARD_SIZE


def test_ids_are_sequential_case_insensitive_and_never_reused(store):
    a = make_incident(store)
    b = make_incident(store)
    assert (a["id"], b["id"]) == ("INC1", "INC2")
    assert store.get("inc2")["id"] == "INC2"
    assert store.get(" Inc-0002 ")["id"] == "INC2"
    # a new store object (a new process) continues the numbering
    assert make_incident(open_store(home=store.home))["id"] == "INC3"
    s = store.create("SSR", {"status": "received"}, actor="x")
    assert s["id"] == "SSR1" and s["kind"] == "ssr"


@pytest.mark.parametrize("bad", ["", "INC", "INC0", "XYZ12", "12", "INC12a", "INC 1 2"])
def test_bad_ids_are_refused(store, bad):
    with pytest.raises(BadTicketId):
        parse_id(bad)


def test_unknown_ticket(store):
    make_incident(store)
    with pytest.raises(UnknownTicket):
        store.get("INC99")


def test_history_records_who_when_what(store):
    t = make_incident(store)
    assert t["history"][0]["action"] == "opened" and t["history"][0]["by"] == "tester"

    def change(doc):
        doc["site"] = "Quito"
        return {"action": "edit"}

    after = store.update(t["id"], change, actor="ana")
    last = after["history"][-1]
    assert last["by"] == "ana" and last["action"] == "edit"
    assert last["changes"] == {"site": ["Lima HQ", "Quito"]}
    assert len(store.get(t["id"])["history"]) == 2


@pytest.mark.files_only("file modes and temporary files of the embedded store")
def test_files_are_private_and_no_temp_files_remain(store):
    make_incident(store)
    files = [p for p in store.root.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"meta.json", "index.sqlite", "00000.json", ".lock"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert not list(store.root.rglob("*.tmp"))


@pytest.mark.files_only("the embedded store's shard files")
def test_shards_hold_id_ranges(store):
    for _ in range(SHARD_SIZE + 5):
        store.create("INC", {"status": "open", "customer": "c"}, actor="t")
    assert sorted(p.name for p in (store.root / "INC").glob("*.json")) == [
        "00000.json",
        "00001.json",
    ]
    assert store.get(f"INC{SHARD_SIZE + 3}")["customer"] == "c"
    assert store.check() == []


def test_open_index_follows_status(store):
    t = make_incident(store)
    assert [s["id"] for s in store.open_summaries()] == [t["id"]]
    store.update(t["id"], lambda d: (d.__setitem__("status", "closed"), {"action": "close"})[1], actor="t")
    assert store.open_summaries() == []
    store.update(t["id"], lambda d: (d.__setitem__("status", "open"), {"action": "reopen"})[1], actor="t")
    assert [s["status"] for s in store.open_summaries()] == ["open"]
    assert store.check() == []


@pytest.mark.files_only("the embedded store's journal and index file")
def test_interrupted_index_write_is_finished_by_readers_and_next_writer(store):
    t = make_incident(store)
    # simulate a crash after the shard was written but before the index: ticket closed, index stale
    shard = store.root / "INC" / "00000.json"
    data = json.loads(shard.read_text())
    data["tickets"]["1"]["status"] = "closed"
    shard.write_text(json.dumps(data))
    (store.root / "journal.json").write_text(json.dumps({"ids": [t["id"]]}))
    assert store.open_summaries() == []  # a reader patches in memory
    assert any("interrupted" in str(p) for p in store.check())
    make_incident(store)  # the next writer finishes the index
    assert not (store.root / "journal.json").exists()
    assert [s["id"] for s in store.open_summaries()] == ["INC2"]


@pytest.mark.files_only("a damaged file of the embedded store")
def test_damaged_file_is_reported_and_never_overwritten(store):
    make_incident(store)
    shard = store.root / "INC" / "00000.json"
    shard.write_bytes(b'{"tickets": {"1": {"id": "INC1"')
    before = shard.read_bytes()
    with pytest.raises(StoreDamaged, match="00000.json"):
        store.get("INC1")
    with pytest.raises(StoreDamaged):
        store.update("INC1", lambda d: {"action": "x"}, actor="t")
    assert shard.read_bytes() == before


@pytest.mark.files_only("the embedded store's meta.json migrations (PostgreSQL's: test_postgres.py)")
def test_migrations_run_once_in_order(store, monkeypatch):
    make_incident(store)
    ran = []
    monkeypatch.setattr(
        tiny_prepare,
        "MIGRATIONS",
        [
            *tiny_prepare.MIGRATIONS,
            (3, "three", lambda s: ran.append((3, s.root))),
            (4, "four", lambda s: ran.append((4, s.root))),
        ],
    )
    make_incident(store)
    make_incident(store)
    assert ran == [(3, store.root), (4, store.root)]  # functions of the store, once each
    meta = json.loads((store.root / "meta.json").read_text())
    assert meta["schema"] == 4 and meta["migrations"][-2:] == ["three", "four"]


@pytest.mark.files_only("the embedded store's index file migration")
def test_a_store_of_schema_1_moves_its_index_into_sqlite(store, sdcli):
    make_incident(store, timezone="America/Lima", external_id="SN-1")
    make_incident(store, status="closed", customer_reference="R-2")
    meta = store.root / "meta.json"
    (store.root / "index.sqlite").unlink()
    (store.root / "index.json").write_text(json.dumps({"INC": {"1": {"id": "INC1", "kind": "incident"}}}))
    meta.write_text(
        json.dumps({"schema": 1, "next": {"INC": 3, "SSR": 1, "CHG": 1}, "migrations": ["initial-layout"]})
    )
    assert sdcli("note", "INC1", "after the upgrade").exit_code == 0
    (summary,) = store.open_summaries()
    assert summary["timezone"] == "America/Lima" and summary["customer"] == "ACME"
    assert store.find_refs("r-2") == [("INC2", "customer_reference")]  # finished tickets too
    assert not (store.root / "index.json").exists()
    data = json.loads(meta.read_text())
    assert data["schema"] == 2 and data["migrations"] == ["initial-layout", "open-index-in-sqlite"]
    assert store.check() == []


@pytest.mark.files_only("the embedded store's meta.json (PostgreSQL's: test_postgres.py)")
def test_newer_schema_is_refused(store):
    make_incident(store)
    meta = store.root / "meta.json"
    data = json.loads(meta.read_text())
    data["schema"] = 99
    meta.write_text(json.dumps(data))
    with pytest.raises(StoreDamaged, match="upgrade sdcli"):
        make_incident(store)


@pytest.mark.files_only("the embedded store's index and meta files (PostgreSQL's: test_postgres.py)")
def test_doctor_finds_and_fixes_index_and_counter(store):
    make_incident(store)
    make_incident(store)
    with sqlite3.connect(store.root / "index.sqlite") as db:
        db.execute("DELETE FROM open")
    meta = store.root / "meta.json"
    m = json.loads(meta.read_text())
    m["next"]["INC"] = 1
    meta.write_text(json.dumps(m))
    problems = store.check()
    assert any("INC1 is missing" in str(p) for p in problems)
    assert any("ids would be reused" in str(p) for p in problems)
    store.repair()
    assert store.check() == []
    assert make_incident(store)["id"] == "INC3"


def test_upsert_many_is_one_write(store):
    make_incident(store, external_id="X1")
    result = store.upsert_many(
        "INC",
        [{"status": "open", "customer": f"c{i}"} for i in range(450)]
        + [{"external_id": "X1", "site": "moved", "id": "INC9", "history": []}],
        key="external_id",
        on_conflict="update",
        actor="import",
        event={"source": "test"},
    )
    ids = result.created
    assert ids[0] == "INC2" and ids[-1] == "INC451" and result.updated == ["INC1"]
    first = store.get("INC1")
    assert first["site"] == "moved" and first["id"] == "INC1"  # id and history are the store's
    assert first["history"][-1]["action"] == "updated" and first["history"][-1]["source"] == "test"
    assert first["history"][-1]["changes"] == {"site": ["Lima HQ", "moved"]}
    assert len(first["history"]) == 2 and first["updated_at"] == first["history"][-1]["at"]
    assert store.get("INC451")["history"][0]["source"] == "test"
    assert len(store.open_summaries()) == 451
    assert store.check() == []


@pytest.mark.files_only("the embedded store's shard files")
def test_bulk_create_written_from_threads_fills_the_partial_shard_first(store, monkeypatch):
    make_incident(store)  # the first shard already holds a ticket: the batch starts unaligned
    monkeypatch.setattr(files, "PARALLEL_STAGE", 2)
    fields = [{"status": "closed" if i % 3 == 0 else "open", "customer": f"c{i}"} for i in range(1000)]
    ids = store.upsert_many(
        "INC", fields, key=None, on_conflict="skip", actor="bulk", event={"imported_from": "t"}
    ).created
    assert ids == [f"INC{n}" for n in range(2, 1002)]
    docs = list(store.all_tickets("INC"))
    assert [d["id"] for d in docs] == ["INC1", *ids]
    assert [d["customer"] for d in docs[1:]] == [f"c{i}" for i in range(1000)]
    assert docs[500]["history"][-1] == {
        **docs[500]["history"][-1],
        "action": "opened",
        "by": "bulk",
        "imported_from": "t",
    }
    assert len(store.open_summaries()) == 1 + sum(1 for f in fields if f["status"] == "open")
    assert store.check() == []
    assert make_incident(store)["id"] == "INC1002"
    for p in store.root.rglob("*.json"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600


def _pages(path):
    data = path.read_bytes()
    return [data[i : i + 4096] for i in range(0, len(data), 4096)]


@pytest.mark.files_only("the embedded store's index file, page by page")
@pytest.mark.parametrize("n", [200, 3000])
def test_a_write_of_one_ticket_changes_a_few_index_pages_whatever_the_queue(store, n):
    """The cost of a single-ticket write does not grow with the number of open tickets: its
    index rows change in place (same file, a handful of B-tree pages), never the index whole."""
    docs = [{"status": "open", "customer": f"c{i}", "site": f"s{i}", "severity": 1 + i % 4} for i in range(n)]
    store.upsert_many("INC", docs, key=None, on_conflict="skip", actor="t", event={})
    index = store.root / "index.sqlite"
    before, inode = _pages(index), index.stat().st_ino
    store.update("INC7", lambda d: (d.__setitem__("severity", 4 if d["severity"] != 4 else 1), {"action": "classify"})[1],
                 actor="t")  # fmt: skip
    after = _pages(index)
    changed = sum(1 for a, b in zip(before, after, strict=False) if a != b) + abs(len(after) - len(before))
    assert index.stat().st_ino == inode  # updated in place, not rewritten
    assert len(before) > (40 if n == 3000 else 5)  # the queue's index is many pages ...
    assert changed <= 8, changed  # ... and one ticket's write touches a few of them
    assert next(s for s in store.open_summaries() if s["id"] == "INC7")["severity"] in (1, 4)
    assert store.check() == []


def test_an_upsert_update_plans_with_the_shared_planner_inside_the_lock(store):
    """One planner for both backends: created, updated, unchanged and skipped as the contract says,
    a ticket created and updated in the same write keeps one 'opened' entry."""
    first = store.upsert_many("INC", [{"external_id": "A", "customer": "x"}], key="external_id",
                              on_conflict="update", actor="t", event={})  # fmt: skip
    got = store.upsert_many("INC", [{"external_id": "A", "customer": "y"}, {"external_id": "A", "customer": "y"},
                                    {"external_id": "B", "customer": "z"}, {"external_id": "B", "customer": "w"}],
                            key="external_id", on_conflict="update", actor="t", event={})  # fmt: skip
    assert first.created == ["INC1"]
    assert (got.created, got.updated, got.unchanged) == (["INC2"], ["INC1"], ["INC1"])
    assert store.get("INC1")["customer"] == "y" and len(store.get("INC1")["history"]) == 2
    assert store.get("INC2")["customer"] == "w" and [h["action"] for h in store.get("INC2")["history"]] == [
        "opened"
    ]
    again = store.upsert_many("INC", [{"external_id": "B", "customer": "w"}], key="external_id",
                              on_conflict="skip", actor="t", event={})  # fmt: skip
    assert again.skipped == ["INC2"] and again.created == []


@pytest.mark.files_only("the embedded store's index file")
def test_a_first_bulk_write_makes_the_index_indexes_after_its_rows_and_they_answer_alike(store):
    """An empty index takes a bulk write's rows first and its secondary indexes after (in the same
    transaction); the indexes are all there, and a later bulk write keeps them as they are."""
    from sdcli.store.openindex import SCHEMA
    from sdcli.store.query import OpenQuery, page

    def indexes() -> set[str]:
        with sqlite3.connect(store.root / "index.sqlite") as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            return {n for (n,) in rows}

    docs = [{"status": "open" if i % 3 else "closed", "customer": f"c{i % 7}", "site": f"s{i}", "severity": i % 5,
             "opened_at": f"2026-11-{1 + i % 28:02d}T10:00:00-03:00", "external_id": f"E{i}"} for i in range(1500)]  # fmt: skip
    store.upsert_many("INC", docs[:1200], key="external_id", on_conflict="skip", actor="t", event={})
    wanted = {line.split()[5] for line in SCHEMA.splitlines() if line.startswith("CREATE INDEX")}
    assert indexes() == wanted and len(wanted) >= 6  # every index the schema declares
    store.upsert_many("INC", docs, key="external_id", on_conflict="skip", actor="t", event={})  # 300 more
    assert indexes() == wanted and store.check() == []
    for q in (OpenQuery(sort="opened_at", limit=20), OpenQuery(severities=(2, 3), limit=5, reverse=True),
              OpenQuery(classified=False)):  # fmt: skip
        got, want = store.query_open(q), page(q, store.open_summaries())
        assert (
            [r["id"] for r in got.rows] == [r["id"] for r in want.rows]
            and got.rows
            and got.total == want.total
        )
    assert store.find_refs("e1499") == [("INC1500", "external_id")]
