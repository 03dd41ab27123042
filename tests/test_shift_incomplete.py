"""The shift view's incomplete section is answered by the open index (OpenQuery.incomplete) on
both backends: the tickets opened without every required answer, oldest first, paged with their
count; a write that completes the answers takes a ticket out, and an index rebuilt (or one of
the older shape, upgraded at the next write) answers alike. The queries of the shift view on the
embedded index are served by the index each names: counts from a covering index, no whole sort."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from sdcli import shift
from sdcli.store.openindex import VERSION
from sdcli.store.openindex_sql import source, where
from sdcli.store.query import OpenQuery, page

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WITHIN = timedelta(hours=2)


def ticket(i: int) -> dict:
    opened = NOW - timedelta(minutes=10 * (60 - i))
    doc = {
        "status": ["open", "on_hold", "open", "closed"][i % 4],
        "customer": f"Cliente {i % 5}",
        "site": "Quito",
        "opened_at": opened.isoformat(),
        "recovery_due": (opened + timedelta(hours=4)).isoformat(),
        "severity": None if i % 7 == 0 else 1 + i % 4,
    }
    if i % 3 == 0:  # some lack answers; an empty list is complete
        doc["missing_answers"] = ["site_down"] if i % 2 else []
    if i == 5:
        doc["missing_answers"] = ["has_contingency", "site_down"]
    return doc


@pytest.fixture
def desk(store):
    store.upsert_many("INC", [ticket(i) for i in range(1, 60)], key=None, on_conflict="skip", actor="t",
                      event={"imported_from": "test"})  # fmt: skip
    return store


def _reference(store, home) -> list[str]:
    """The section as the reference semantics give it over every open summary."""
    from sdcli import states

    active = tuple(sorted(states.flow("incident", home).active))
    want = page(OpenQuery(prefix="INC", statuses=active, incomplete=True), store.open_summaries("INC"))
    return [s["id"] for s in want.rows]


def _complete(doc):
    doc.pop("missing_answers", None)
    return {"action": "complete"}


def test_the_incomplete_section_is_the_open_tickets_lacking_answers_oldest_first(desk, home):
    expected = _reference(desk, home)
    assert len(expected) >= 6 and "INC5" in expected  # odd multiples of 3 and INC5, unless closed
    full = shift.view(desk, NOW, WITHIN, home)
    assert [s["id"] for s in full["incomplete"]] == expected and full["counts"]["incomplete"] == len(expected)
    assert all(s["missing_answers"] for s in full["incomplete"])
    paged = shift.view(desk, NOW, WITHIN, home, limit=2)
    assert [s["id"] for s in paged["incomplete"]] == expected[:2]
    assert paged["counts"]["incomplete"] == len(expected)


def test_a_write_that_completes_the_answers_takes_the_ticket_out(desk, home):
    before = [s["id"] for s in shift.view(desk, NOW, WITHIN, home)["incomplete"]]
    desk.update("INC5", _complete, actor="t")
    after = shift.view(desk, NOW, WITHIN, home)
    assert "INC5" in before and [s["id"] for s in after["incomplete"]] == [t for t in before if t != "INC5"]
    assert after["counts"]["incomplete"] == len(before) - 1 == len(_reference(desk, home))


@pytest.mark.files_only("the embedded index is rebuilt from the shards")
def test_a_rebuilt_index_answers_alike(desk, home):
    desk.update("INC9", _complete, actor="t")
    before = shift.view(desk, NOW, WITHIN, home)
    desk.rebuild_index()
    assert shift.view(desk, NOW, WITHIN, home) == before and "INC9" not in before["incomplete"]


def _as_version_1(path) -> None:
    """The index as sdcli of index version 1 left it: no incomplete column, its own indexes."""
    db = sqlite3.connect(path)
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall():
        db.execute(f"DROP INDEX {name}")
    db.execute("ALTER TABLE open DROP COLUMN incomplete")
    db.executescript("""
        CREATE INDEX open_opened ON open (opened_at);
        CREATE INDEX open_due ON open (recovery_due) WHERE recovery_due IS NOT NULL;
        CREATE INDEX open_ack ON open (ack_due) WHERE ack_pending = 1;
        CREATE INDEX open_unclassified ON open (opened_at) WHERE classified = 0;
        CREATE INDEX open_escalation ON open (severity, level_attempted, opened_at);
        CREATE INDEX refs_fold ON refs (fold);
        UPDATE info SET v = '1' WHERE k = 'version';
    """)  # fmt: skip
    db.commit()
    db.close()


@pytest.mark.files_only("the embedded index's own file format")
def test_an_index_of_version_1_is_read_alike_and_rebuilt_at_the_next_write(desk, home):
    want = shift.view(desk, NOW, WITHIN, home)
    paged = shift.view(desk, NOW, WITHIN, home, limit=3)
    _as_version_1(desk.index.path)
    assert desk.index.stale()
    assert shift.view(desk, NOW, WITHIN, home) == want  # read through the reference semantics
    assert shift.view(desk, NOW, WITHIN, home, limit=3) == paged
    desk.update("INC5", _complete, actor="t")  # the write's preparation rebuilds the index first
    assert not desk.index.stale()
    db = sqlite3.connect(desk.index.path)
    assert db.execute("SELECT v FROM info WHERE k = 'version'").fetchone() == (VERSION,)
    assert (
        db.execute("SELECT count(*) FROM open WHERE incomplete = 1").fetchone()[0]
        == len(want["incomplete"]) - 1
    )
    db.close()
    after = shift.view(desk, NOW, WITHIN, home)
    assert [s["id"] for s in after["incomplete"]] == [
        s["id"] for s in want["incomplete"] if s["id"] != "INC5"
    ]


def _queries(home) -> dict[str, OpenQuery]:
    """The shift view's queries (a screenful), as it makes them, by section."""
    made: list[OpenQuery] = []

    class Spy:
        def __init__(self, store):
            self.store = store

        def __getattr__(self, name):
            return getattr(self.store, name)

        def query_open(self, q):
            made.append(q)
            return self.store.query_open(q)

    from sdcli.store import open_store

    shift.view(Spy(open_store(home=home)), NOW, WITHIN, home, limit=20)
    return {f"{i}:{_name(q)}": q for i, q in enumerate(made)}


def _name(q: OpenQuery) -> str:
    return source(q).rpartition(" ")[2]


@pytest.mark.files_only("SQLite's plans of the embedded index")
def test_every_shift_query_is_served_by_its_index_and_counted_from_it_alone(desk, home):
    queries = _queries(home)
    assert len(queries) > 8 and {_name(q) for q in queries.values()} == {
        "open_due", "open_ack", "open_escalation", "open_unclassified", "open_status", "open_incomplete",
        "open_owed",
    }  # fmt: skip
    db = sqlite3.connect(desk.index.path)
    for key, q in queries.items():
        condition, args = where(q)
        count = " ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN SELECT count(*) FROM {source(q)} "
                                                  f"WHERE {condition}", args))  # fmt: skip
        assert f"COVERING INDEX {_name(q)}" in count, (key, count)
        order = "rank, number" if q.sort == "id" else f"{q.sort}, rank, number"
        keys = " ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN SELECT prefix, number FROM {source(q)} "
                                                 f"WHERE {condition} ORDER BY {order} LIMIT 20", args))  # fmt: skip
        assert f"COVERING INDEX {_name(q)}" in keys and "TEMP B-TREE FOR ORDER BY" not in keys, (key, keys)
    db.close()
