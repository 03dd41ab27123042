"""PostgreSQL answers every listing query by SQL exactly as the reference semantics
(store/query.py) do over the same summaries; schema 5's migration fills the query columns of
tickets stored before it; and the listings' queries are served by an index in their order (a
LIMIT reads the rows it shows, not every open ticket)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_store_query import queries, summaries

from sdcli.model import Vocabulary
from sdcli.store import open_store
from sdcli.store.postgres_query import COLUMNS, order, where
from sdcli.store.postgres_rows import COLUMNS as ROW_COLUMNS
from sdcli.store.postgres_rows import NAMES, row
from sdcli.store.query import OpenQuery, Range, page

pytestmark = pytest.mark.postgres

EVERY_OPEN = Vocabulary({})  # the generated summaries are all open tickets, whatever their status


@pytest.fixture(scope="module")
def pg_store(pg_server, tmp_path_factory):
    store = open_store(pg_server.fresh_schema(), home=tmp_path_factory.mktemp("home"))
    yield store
    store.close()


def _put(store, docs) -> None:
    c = store.connection()
    with c.transaction(), c.cursor() as cur:
        cur.execute("TRUNCATE tickets, history, outbox")
        for s in docs.values():
            cur.execute(f"INSERT INTO tickets ({NAMES}) VALUES ({', '.join(['%s'] * len(ROW_COLUMNS))})",
                        row({**s, "history": []}, EVERY_OPEN))  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=summaries(), qs=st.lists(queries, min_size=1, max_size=4))
def test_postgresql_answers_every_query_as_the_reference_does(pg_store, docs, qs):
    _put(pg_store, docs)
    for q in qs:
        want = page(q, list(docs.values()))
        got = pg_store.query_open(q)
        assert (got.total, [r["id"] for r in got.rows]) == (want.total, [r["id"] for r in want.rows]), q


def test_a_negative_limit_shows_nothing_and_still_counts(pg_store):
    _put(pg_store, {f"INC{i}": {"id": f"INC{i}", "kind": "incident", "status": "open"} for i in range(1, 4)})
    got = pg_store.query_open(OpenQuery(limit=-1))
    assert (got.rows, got.total) == ([], 3) == (page(OpenQuery(limit=-1), []).rows, 3)


def _tickets(store, n: int) -> None:
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for i in range(n):
        store.create("INC" if i % 4 else "SSR", {
            "kind": "incident" if i % 4 else "ssr",
            "status": ["open", "on_hold", "closed" if i % 4 else "done"][i % 3],
            "customer": ["Telefónica", "ACME"][i % 2], "site": "Quito", "severity": [None, 1, 2][i % 3],
            "recovery_due": (at + timedelta(hours=i % 5)).isoformat() if i % 2 else None,
            "ack_due": at.isoformat() if i % 3 == 0 else None,
            "sla_paused_at": at.isoformat() if i % 5 == 0 else None,
        }, actor="t", at=at + timedelta(minutes=i))  # fmt: skip


def test_migration_5_fills_the_query_columns_of_tickets_already_stored(pg_server, home):
    url = pg_server.fresh_schema()
    store = open_store(url, home=home)
    _tickets(store, 40)
    schema = url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # as a schema-4 store had them: no query columns
        c.execute(f"ALTER TABLE {schema}.tickets " + ", ".join(f"DROP COLUMN {col}" for col, _ in COLUMNS))
        c.execute(
            f"ALTER TABLE {schema}.tickets DROP COLUMN external_id_compact, DROP COLUMN customer_reference_compact"
        )
        c.execute(f"DELETE FROM {schema}.migrations WHERE version >= 5")
    store.close()
    assert open_store(url, home=home).migrate() == ["open-query-columns", "open-incomplete-column",
                                                   "open-escalation-from-column", "open-active-level-columns",
                                                   "reference-compacts-indexed"]  # fmt: skip
    again = open_store(url, home=home)
    with again._reading() as cur:
        cur.execute("SELECT count(*) FILTER (WHERE q_rank IS NULL), count(*) FILTER (WHERE q_rank IS NOT NULL), "
                    "count(*) FILTER (WHERE finished AND q_rank IS NOT NULL) FROM tickets")  # fmt: skip
        missing, filled, finished_filled = cur.fetchone()
    assert missing == 13 and filled == 27 and finished_filled == 0  # every third ticket is closed
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for q in (OpenQuery(), OpenQuery(prefix="INC", limit=5), OpenQuery(customer="telefonica", sort="customer"),
              OpenQuery(statuses=("open",), unpaused=True, recovery_due=Range(None, at + timedelta(hours=3)),
                        sort="recovery_due"),
              OpenQuery(classified=False, sort="opened_at", reverse=True), OpenQuery(ack_pending=True, sort="ack_due"),
              OpenQuery(sort="id", reverse=True, limit=3)):  # fmt: skip
        want = page(q, again.open_summaries(q.prefix))
        got = again.query_open(q)
        assert (got.total, [r["id"] for r in got.rows]) == (want.total, [r["id"] for r in want.rows]), q
    again.update("INC1", _close, actor="t")  # a write after the migration keeps the columns
    assert "INC1" not in [r["id"] for r in again.query_open(OpenQuery()).rows]
    assert again.query_open(OpenQuery()).total == 26


def test_migration_6_fills_the_incomplete_column_of_tickets_already_stored(pg_server, home):
    url = pg_server.fresh_schema()
    store = open_store(url, home=home)
    _tickets(store, 12)
    for tid, missing in (("INC1", ["site_down"]), ("INC2", []), ("INC3", ["x"]), ("INC5", ["site_down"])):
        store.update(
            tid, lambda doc, m=missing: (doc.__setitem__("missing_answers", m), {"action": "t"})[1], actor="t"
        )
    schema = url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # as a schema-5 store had it: no incomplete column (nor migration 7's, 8's)
        c.execute(f"ALTER TABLE {schema}.tickets DROP COLUMN q_incomplete, DROP COLUMN q_escalation_from, "
                  "DROP COLUMN q_active_level, DROP COLUMN q_owed")  # fmt: skip
        c.execute(
            f"ALTER TABLE {schema}.tickets DROP COLUMN external_id_compact, DROP COLUMN customer_reference_compact"
        )
        c.execute(f"DELETE FROM {schema}.migrations WHERE version >= 6")
    store.close()
    assert open_store(url, home=home).migrate() == ["open-incomplete-column", "open-escalation-from-column",
                                                   "open-active-level-columns", "reference-compacts-indexed"]  # fmt: skip
    again = open_store(url, home=home)
    q = OpenQuery(incomplete=True)
    want = page(q, again.open_summaries())
    got = again.query_open(q)
    assert [r["id"] for r in got.rows] == [r["id"] for r in want.rows] == ["INC1", "INC3", "INC5"]
    assert got.total == 3  # INC2's list is empty: complete
    with again._reading() as cur:
        cur.execute("SELECT count(*) FROM tickets WHERE NOT finished AND q_incomplete IS NULL")
        assert cur.fetchone()[0] == 0
    again.update("INC1", lambda doc: (doc.pop("missing_answers"), {"action": "complete"})[1], actor="t")
    assert [r["id"] for r in again.query_open(q).rows] == ["INC3", "INC5"]


def _held(hours: int):
    def change(doc):
        at = datetime.fromisoformat(doc["opened_at"]) + timedelta(minutes=5)
        doc["sla_pauses"] = [{"from": at.isoformat(), "to": (at + timedelta(hours=hours)).isoformat(),
                              "reason": "awaiting-customer"}]  # fmt: skip
        return {"action": "resume"}

    return change


def test_migration_7_fills_the_escalation_clock_of_tickets_already_stored(pg_server, home):
    from sdcli.store.files import dumps, loads

    url = pg_server.fresh_schema()
    store = open_store(url, home=home)
    _tickets(store, 12)
    for tid, hours in (("INC1", 3), ("INC2", 1), ("INC5", 6), ("INC6", 2)):  # INC2 is closed
        store.update(tid, _held(hours), actor="t")
    schema = url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # as a schema-6 store had it: no column, summaries without escalation_from
        c.execute(f"ALTER TABLE {schema}.tickets DROP COLUMN q_escalation_from, DROP COLUMN q_active_level, "
                  "DROP COLUMN q_owed")  # fmt: skip
        c.execute(
            f"ALTER TABLE {schema}.tickets DROP COLUMN external_id_compact, DROP COLUMN customer_reference_compact"
        )
        c.execute(f"DELETE FROM {schema}.migrations WHERE version >= 7")
        for tid, text in c.execute(
            f"SELECT id, summary FROM {schema}.tickets WHERE summary IS NOT NULL"
        ).fetchall():
            shown = loads(text)
            shown.pop("escalation_from", None)
            c.execute(f"UPDATE {schema}.tickets SET summary = %s WHERE id = %s", (dumps(shown).decode(), tid))
    store.close()
    assert open_store(url, home=home).migrate() == [
        "open-escalation-from-column", "open-active-level-columns", "reference-compacts-indexed",
    ]  # fmt: skip
    again = open_store(url, home=home)
    moved = {s["id"]: s["escalation_from"] for s in again.open_summaries() if "escalation_from" in s}
    assert moved == {"INC1": "2026-12-01T12:01:00+00:00", "INC5": "2026-12-01T15:06:00+00:00",
                     "INC6": "2026-12-01T11:07:00+00:00"}  # fmt: skip
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for q in (OpenQuery(escalation=Range(at + timedelta(hours=1), None), sort="escalation_from"),
              OpenQuery(prefix="INC", severities=(1, 2), escalation=Range(None, at + timedelta(hours=4)),
                        sort="escalation_from", reverse=True)):  # fmt: skip
        want = page(q, again.open_summaries(q.prefix))
        got = again.query_open(q)
        assert (got.total, [r["id"] for r in got.rows]) == (want.total, [r["id"] for r in want.rows]), q
        assert want.total > 2
    with again._reading() as cur:
        cur.execute("SELECT count(*) FROM tickets WHERE NOT finished AND q_escalation_from IS NULL")
        assert cur.fetchone()[0] == 0


def _raised(active: int, attempted: int):
    def change(doc):
        doc["escalation"] = {"active_level": active, "last_level_attempted": attempted}
        return {"action": "escalation-attempt"}

    return change


def test_migration_8_fills_the_active_level_of_tickets_already_stored(pg_server, home):
    url = pg_server.fresh_schema()
    store = open_store(url, home=home)
    _tickets(store, 12)
    for tid, active, attempted in (
        ("INC1", 3, 2),
        ("INC2", 3, 2),
        ("INC3", 2, 2),
        ("INC5", 2, 1),
        ("INC6", 1, 0),
    ):
        store.update(tid, _raised(active, attempted), actor="t")  # INC2 is closed
    schema = url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # as a schema-7 store had it: no active_level nor owed columns
        c.execute(f"ALTER TABLE {schema}.tickets DROP COLUMN q_active_level, DROP COLUMN q_owed")
        c.execute(
            f"ALTER TABLE {schema}.tickets DROP COLUMN external_id_compact, DROP COLUMN customer_reference_compact"
        )
        c.execute(f"DELETE FROM {schema}.migrations WHERE version >= 8")
    store.close()
    assert open_store(url, home=home).migrate() == ["open-active-level-columns", "reference-compacts-indexed"]
    again = open_store(url, home=home)
    for q in (OpenQuery(owed=True), OpenQuery(prefix="INC", active_levels=(1, 2), sort="id"),
              OpenQuery(active_levels=(3,), owed=True)):  # fmt: skip
        want = page(q, again.open_summaries(q.prefix))
        got = again.query_open(q)
        assert (got.total, [r["id"] for r in got.rows]) == (want.total, [r["id"] for r in want.rows]), q
    assert [r["id"] for r in again.query_open(OpenQuery(owed=True)).rows] == ["INC1", "INC5"]
    with again._reading() as cur:
        cur.execute(
            "SELECT count(*) FROM tickets WHERE NOT finished AND (q_active_level IS NULL OR q_owed IS NULL)"
        )
        assert cur.fetchone()[0] == 0
    again.update("INC5", _raised(2, 2), actor="t")  # the owed level called
    assert [r["id"] for r in again.query_open(OpenQuery(owed=True)).rows] == ["INC1"]


def _close(doc):
    doc["status"] = "closed"
    return {"action": "close"}


#: the listings' queries (tickets.py, shift.py; a screenful) and the index that serves each in its order
PLANS = [
    (OpenQuery(limit=20), "tickets_q_opened"),
    (
        OpenQuery(
            prefix="INC",
            statuses=("open",),
            unpaused=True,
            recovery_due=Range(None, datetime(2026, 12, 2, tzinfo=UTC)),
            sort="recovery_due",
            limit=20,
        ),
        "tickets_q_recovery_due",
    ),  # fmt: skip
    (
        OpenQuery(prefix="INC", statuses=("open", "on_hold"), ack_pending=True, sort="ack_due", limit=20),
        "tickets_q_ack_due",
    ),
    (
        OpenQuery(prefix="INC", statuses=("open", "on_hold"), classified=False, limit=20),
        "tickets_q_unclassified",
    ),
    (OpenQuery(sort="id", reverse=True, limit=20), "tickets_q_id"),
    (
        OpenQuery(prefix="INC", statuses=("open", "on_hold"), incomplete=True, limit=20),
        "tickets_q_incomplete",
    ),
    (
        OpenQuery(
            prefix="INC",
            statuses=("open",),
            severities=(1,),
            levels_attempted=(0, 1),
            sort="escalation_from",
            escalation=Range(None, datetime(2026, 12, 2, tzinfo=UTC)),
            limit=20,
        ),
        "tickets_q_escalation",
    ),  # fmt: skip
    (
        OpenQuery(prefix="INC", statuses=("open",), classified=True, owed=True, sort="opened_at", limit=20),
        "tickets_q_owed",
    ),
]


@pytest.mark.parametrize(("q", "index"), PLANS, ids=[i for _, i in PLANS])
def test_listings_are_read_from_an_index_in_their_order_not_sorted_whole(pg_store, q, index):
    _put(pg_store, {})
    store = pg_store
    _tickets(store, 60)
    condition, args = where(q)
    limit = "" if q.limit is None else f" LIMIT {q.limit}"
    c = store.connection()
    with c.transaction(), c.cursor() as cur:
        cur.execute("ANALYZE tickets")
        # a table this small would be read whole and sorted anyway: with sorting and reading whole
        # priced out, the plan has no Sort only if the index gives the query's order
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")
        cur.execute(f"EXPLAIN SELECT summary FROM tickets WHERE {condition} ORDER BY {order(q)}{limit}", args)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert index in plan and "Sort" not in plan, plan
