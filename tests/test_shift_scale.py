"""shift read from the index: a screenful per section (a page and its count) is exactly the
first rows of the full view, and the escalations due equal escalation.due_now's (the reference)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sdcli import escalation, shift, states
from sdcli.escalation_table import load_table
from sdcli.store.query import OpenQuery

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STATUSES = ["open", "on_hold", "open", "resolved", "open", "closed", "open"]


def ticket(i: int) -> dict:
    """Mixed states, severities (and none), levels attempted, pauses, acks, missing answers;
    ages from minutes to days, some opened at the same instant (ties in id order)."""
    opened = NOW - timedelta(minutes=(37 * i) % 3000 if i % 11 else 120)
    doc = {
        "status": STATUSES[i % 7],
        "customer": f"Cliente {i % 13}",
        "site": f"Sitio {i % 17}",
        "country": "BR" if i % 2 else "PE",
        "timezone": "America/Sao_Paulo" if i % 2 else "America/Lima",
        "opened_at": opened.astimezone(UTC if i % 3 else datetime.now().astimezone().tzinfo).isoformat(),
        "recovery_due": (opened + timedelta(hours=1 + i % 6)).isoformat(),
        "severity": None if i % 9 == 0 else 1 + i % 4,
        "escalation": {"last_level_attempted": i % 5},
    }
    if i % 7 in (2, 4):  # three failed calls at the highest level called: the next one is owed
        called = max(i % 5, 1)
        doc["escalation"]["active_level"] = called + 1
        doc["escalation"]["last_level_attempted"] = called
        doc["escalation_attempts"] = [
            {"at": (opened + timedelta(minutes=3 + k + i % 13)).isoformat(), "by": "t", "level": called,
             "contact": "X", "channel": "phone", "outcome": "no-answer"} for k in range(3)
        ]  # fmt: skip
    if i % 4 == 0:
        doc["ack_due"] = (opened + timedelta(minutes=15)).isoformat()
        if i % 8 == 0:
            doc["acked_at"] = (opened + timedelta(minutes=5)).isoformat()
    if i % 10 == 3:
        doc["sla_paused_at"] = (opened + timedelta(minutes=9)).isoformat()
    if i % 6 == 1:
        doc["missing_answers"] = ["site_down"] if i % 12 == 1 else []
    if i % 5 == 2:  # completed pauses: on hold, and resolved before a reopen (overlapping ones count once)
        held = opened + timedelta(minutes=5 + i % 7)
        doc["sla_pauses"] = [{"from": held.isoformat(), "to": (held + timedelta(minutes=(29 * i) % 900)).isoformat(),
                              "reason": "awaiting-customer"}]  # fmt: skip
        if i % 3 == 0:
            doc["sla_pauses"].append({"from": (held + timedelta(minutes=20)).isoformat(),
                                      "to": (held + timedelta(hours=30)).isoformat(), "reason": "resolved"})  # fmt: skip
    return {k: v for k, v in doc.items() if v is not None}


@pytest.fixture
def desk(store):
    store.upsert_many("INC", [ticket(i) for i in range(400)], key=None, on_conflict="skip", actor="t",
                      event={"imported_from": "test"})  # fmt: skip
    return store


WHEN = [NOW, NOW + timedelta(minutes=47), NOW - timedelta(days=1), NOW + timedelta(days=3)]


@pytest.mark.parametrize("now", WHEN)
def test_escalations_due_from_the_index_equal_due_now(desk, home, now):
    running = states.flow("incident", home).running
    candidates = desk.query_open(OpenQuery(prefix="INC", statuses=tuple(sorted(running)))).rows
    documents = {d["id"]: d for d in desk.all_tickets("INC")}  # an unclassified one: its suggestion's answers
    expected = escalation.due_now(now, candidates, home, desk.customers(), documents)
    got = shift.escalations_due(desk, now, home)
    assert len(expected) > 20 and got.total == len(expected)
    unclassified = [d for d in expected if not d.get("severity")]
    assert unclassified or now < NOW, "an unclassified incident is due on its suggested severity"
    assert got.rows == expected
    for limit in (1, 5, 33):
        page = shift.escalations_due(desk, now, home, limit)
        assert page.rows == expected[:limit] and page.total == len(expected)


@pytest.mark.parametrize("now", WHEN)
def test_escalations_due_are_what_escalate_says_of_each_incident(desk, home, now):
    """Listed exactly when escalate ID's level correct by time (the running time, pauses
    excluded) is above the highest attempted, at that level; imported pauses reach the index."""
    table = load_table(home, desk.customers())
    due = {d["id"]: d for d in shift.escalations_due(desk, now, home).rows}
    running = states.flow("incident", home).running
    moved = by_calls = 0
    for doc in desk.all_tickets("INC"):
        if doc["status"] not in running:
            assert doc["id"] not in due
            continue
        st = escalation.state(doc, table, now, home)
        attempted = doc["escalation"]["last_level_attempted"]
        # the level owed: the correct one by time, or the one failed calls raised (active_level)
        assert (doc["id"] in due) == (st["active_level"] > max(attempted, 1)), (doc["id"], st)
        if doc["id"] in due:
            assert due[doc["id"]]["due_level"] == st["active_level"]
            by_calls += st["active_level"] > st["current_level"]
        moved += datetime.fromisoformat(st["escalation_from"]) != datetime.fromisoformat(doc["opened_at"])
    assert moved > 10 and any(d.get("escalation_from") for d in due.values())
    assert by_calls > 3  # listed for a level only failed calls made owed


@pytest.mark.parametrize("now", WHEN)
def test_a_paged_shift_is_the_first_rows_of_the_full_one(desk, home, now):
    full = shift.view(desk, now, timedelta(hours=4), home)
    assert sum(len(full[k]) for k in shift.SECTIONS) > 100 and full["incomplete"]
    for limit in (1, 4, 25):
        paged = shift.view(desk, now, timedelta(hours=4), home, limit=limit)
        for key in shift.SECTIONS:
            assert paged[key] == full[key][:limit], key
            assert paged["counts"][key] == len(full[key]) == full["counts"][key], key
        assert {k: v for k, v in paged.items() if k not in (*shift.SECTIONS, "counts")} == {
            k: v for k, v in full.items() if k not in (*shift.SECTIONS, "counts")
        }


def test_shift_json_is_written_as_json_dumps_lays_it_out(sdcli, desk):
    r = sdcli("shift", "--json", env={"SDCLI_NOW": NOW.isoformat()})
    data = json.loads(r.stdout)
    assert r.stdout == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert "counts" not in data and len(data["escalation_due"]) > 20
    r = sdcli("shift", "--json", "now,incomplete", env={"SDCLI_NOW": NOW.isoformat()})
    picked = json.loads(r.stdout)
    assert list(picked) == ["now", "incomplete"] and picked["incomplete"] == data["incomplete"]
    assert r.stdout == json.dumps(picked, ensure_ascii=False, indent=2) + "\n"


def test_an_unclassified_incident_is_due_in_shift_as_escalate_calls_it(sdcli):
    """escalate calls an unclassified incident on its suggested severity: shift says the same."""
    opened = {"SDCLI_NOW": "2026-12-02T07:00:00-03:00"}
    doc = sdcli.json("open", "--no-input", "--customer", "Minera Sur", "--site", "Antofagasta", "--country", "CL",
                     "--tz", "America/Santiago", "--problem", "link_down", "--callback",
                     "Rosa Vera <rosa@minera.cl> +56 2 2345 6789", "--service-type", "internet", "--no-contingency",
                     "--power", "--no-power-outage", "--equipment-connected", "--rebooted", "--json", env=opened)  # fmt: skip
    later = {"SDCLI_NOW": "2026-12-02T10:00:00-03:00"}
    state = sdcli.json("escalate", doc["id"], "--json", env=later)
    assert doc.get("severity") is None and state["current_level"] > 1, state
    (due,) = sdcli.json("shift", "--json", env=later)["escalation_due"]
    assert due["id"] == doc["id"] and due["due_level"] == state["current_level"]


def _as_version_2(path) -> None:
    """The index as sdcli of index version 2 left it: no escalation_from column, the escalation
    index on opened_at, summaries without escalation_from."""
    import sqlite3

    from sdcli.store.files import dumps, loads

    db = sqlite3.connect(path)
    db.execute("DROP INDEX open_escalation")
    db.execute("ALTER TABLE open DROP COLUMN escalation_from")
    db.execute(
        "CREATE INDEX open_escalation ON open (severity, status, opened_at, rank, number, level_attempted, paused)"
    )
    rows = db.execute("SELECT prefix, number, summary FROM open").fetchall()
    for prefix, number, text in rows:
        s = loads(text)
        s.pop("escalation_from", None)
        db.execute("UPDATE open SET summary = ? WHERE prefix = ? AND number = ?", (dumps(s), prefix, number))
    db.execute("UPDATE info SET v = '2' WHERE k = 'version'")
    db.commit()
    db.close()


@pytest.mark.files_only("the embedded index's own file format")
def test_an_index_of_version_2_is_read_alike_and_rebuilt_at_the_next_write(desk, home):
    import sqlite3

    from sdcli.store.openindex import VERSION

    want = shift.view(desk, NOW, timedelta(hours=4), home)
    paged = shift.view(desk, NOW, timedelta(hours=4), home, limit=3)
    assert any(d.get("escalation_from") for d in want["escalation_due"])  # clocks moved by pauses
    _as_version_2(desk.index.path)
    assert desk.index.stale() and not any("escalation_from" in s for s in desk.index.summaries())
    # read through the reference semantics, the incidents' pauses from their documents
    assert shift.view(desk, NOW, timedelta(hours=4), home) == want
    assert shift.view(desk, NOW, timedelta(hours=4), home, limit=3) == paged
    assert desk.get("INC6")["status"] == "closed"
    desk.update("INC6", lambda doc: {"action": "note", "note": "x"}, actor="t")  # not in the view
    assert not desk.index.stale()
    db = sqlite3.connect(desk.index.path)
    assert db.execute("SELECT v FROM info WHERE k = 'version'").fetchone() == (VERSION,)
    moved = db.execute("SELECT count(*) FROM open WHERE escalation_from > opened_at").fetchone()[0]
    assert moved == sum(1 for s in desk.open_summaries("INC") if "escalation_from" in s) > 10
    db.close()
    assert shift.view(desk, NOW, timedelta(hours=4), home) == want


def _as_version_3(path) -> None:
    """The index as sdcli of index version 3 left it: no active_level nor owed columns."""
    import sqlite3

    db = sqlite3.connect(path)
    for name in ("open_escalation", "open_owed"):
        db.execute(f"DROP INDEX {name}")
    db.execute("ALTER TABLE open DROP COLUMN active_level")
    db.execute("ALTER TABLE open DROP COLUMN owed")
    db.execute("CREATE INDEX open_escalation ON open (severity, status, escalation_from, rank, number, "
               "level_attempted, paused)")  # fmt: skip
    db.execute("UPDATE info SET v = '3' WHERE k = 'version'")
    db.commit()
    db.close()


@pytest.mark.files_only("the embedded index's own file format")
def test_an_index_of_version_3_lists_the_levels_owed_by_calls_and_is_rebuilt_at_the_next_write(desk, home):
    import sqlite3

    from sdcli.store.openindex import VERSION

    want = shift.view(desk, NOW, timedelta(hours=4), home)
    paged = shift.view(desk, NOW, timedelta(hours=4), home, limit=3)
    owed = [d for d in want["escalation_due"] if d["due_level"] > escalation.state(
        desk.get(d["id"]), load_table(home, desk.customers()), NOW, home)["current_level"]]  # fmt: skip
    assert len(owed) > 3
    _as_version_3(desk.index.path)
    assert desk.index.stale()
    assert shift.view(desk, NOW, timedelta(hours=4), home) == want  # read by the reference semantics
    assert shift.view(desk, NOW, timedelta(hours=4), home, limit=3) == paged
    desk.update("INC6", lambda doc: {"action": "note", "note": "x"}, actor="t")
    assert not desk.index.stale()
    db = sqlite3.connect(desk.index.path)
    assert db.execute("SELECT v FROM info WHERE k = 'version'").fetchone() == (VERSION,)
    assert db.execute("SELECT count(*) FROM open WHERE owed = 1").fetchone()[0] >= len(owed)
    db.close()
    assert shift.view(desk, NOW, timedelta(hours=4), home) == want
