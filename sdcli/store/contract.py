"""The contract every store backend passes (run by the test suite against each backend).

A backend's tests subclass `StoreContract` and give a `make_store` fixture: a function
returning a NEW store object on the same backing store each call (as another agent's
process would open it). Imported only by tests: it needs pytest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from sdcli.errors import BadTicketId, SdcliError, UnknownTicket
from sdcli.store.base import (
    ChangedMeanwhile,
    Dump,
    KeyConflict,
    Store,
    StoreConflict,
    StoreMoved,
    checksum,
    version,
)
from sdcli.store.contract_concurrency import ConcurrencyContract, incident
from sdcli.store.contract_outbox import OutboxContract

MakeStore = Callable[[], Store]


def _set(**fields: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(doc: dict[str, Any]) -> dict[str, Any]:
        doc.update(fields)
        return {"action": "edit"}

    return change


class StoreContract(OutboxContract, ConcurrencyContract):
    """Ids, updates with history, upsert by key, all-or-nothing bulk writes, open summaries,
    customers and concurrency: the same for every backend."""

    def test_a_new_store_is_empty_until_written(self, make_store: MakeStore) -> None:
        store = make_store()
        assert not store.exists()
        assert store.open_summaries() == [] and list(store.all_tickets()) == [] and store.customers() == []
        with pytest.raises(UnknownTicket):
            store.get("INC1")
        store.create("INC", incident(), actor="ana")
        assert store.exists() and make_store().exists()
        assert store.check() == []

    def test_ids_per_prefix_in_sequence_any_case_never_reused(self, make_store: MakeStore) -> None:
        store = make_store()
        a = store.create("INC", incident(), actor="ana")
        b = make_store().create("INC", incident(), actor="bea")
        s = store.create("SSR", {"status": "received"}, actor="ana")
        c = store.create("CHG", {"status": "submitted"}, actor="ana")
        assert (a["id"], b["id"], s["id"], c["id"]) == ("INC1", "INC2", "SSR1", "CHG1")
        assert (a["kind"], s["kind"], c["kind"]) == ("incident", "ssr", "change")
        assert store.get("inc2")["id"] == "INC2" and store.get(" Inc-0002 ")["opened_by"] == "bea"
        with pytest.raises(BadTicketId):
            store.get("XYZ9")
        with pytest.raises(BadTicketId):
            store.create("XYZ", {}, actor="ana")
        assert make_store().create("INC", incident(), actor="c")["id"] == "INC3"

    def test_create_records_the_opening(self, make_store: MakeStore) -> None:
        at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
        doc = make_store().create("INC", incident(), actor="ana", at=at, event={"channel": "email"})
        assert doc["opened_at"] == "2026-12-01T09:30:00+00:00" and doc["opened_by"] == "ana"
        (opened,) = doc["history"]
        assert opened["action"] == "opened" and opened["by"] == "ana" and opened["channel"] == "email"
        assert make_store().get(doc["id"]) == doc

    def test_update_appends_who_when_and_what_changed(self, make_store: MakeStore) -> None:
        store = make_store()
        t = store.create("INC", incident(), actor="ana")
        after = make_store().update(t["id"], _set(site="Quito"), actor="bea")
        last = after["history"][-1]
        assert last["by"] == "bea" and last["action"] == "edit"
        assert last["changes"] == {"site": ["Lima HQ", "Quito"]}
        assert after["updated_at"] == last["at"]
        assert store.get(t["id"]) == after and len(after["history"]) == 2

    def test_a_change_that_raises_changes_nothing(self, make_store: MakeStore) -> None:
        store = make_store()
        t = store.create("INC", incident(), actor="ana")

        def refuses(doc: dict[str, Any]) -> dict[str, Any]:
            doc["site"] = "half-done"
            raise SdcliError("refused")

        with pytest.raises(SdcliError, match="refused"):
            store.update(t["id"], refuses, actor="bea")
        assert store.get(t["id"]) == t
        with pytest.raises(UnknownTicket):
            store.update("INC99", _set(site="x"), actor="bea")

    def test_open_summaries_follow_the_finished_states(self, make_store: MakeStore) -> None:
        store = make_store()
        a = store.create("INC", incident(customer_reference="R1", description="long text"), actor="t")
        b = store.create("SSR", {"status": "received", "customer": "ACME"}, actor="t")
        assert [s["id"] for s in store.open_summaries()] == ["INC1", "SSR1"]
        (summary,) = store.open_summaries("INC")
        assert (
            summary["customer_reference"] == "R1"
            and "description" not in summary
            and "history" not in summary
        )
        store.update(a["id"], _set(status="resolved"), actor="t")  # resolved is not finished
        assert [s["status"] for s in store.open_summaries("INC")] == ["resolved"]
        store.update(a["id"], _set(status="closed"), actor="t")
        store.update(b["id"], _set(status="done"), actor="t")
        assert make_store().open_summaries() == []
        store.update(a["id"], _set(status="open"), actor="t")  # reopened: back in the index
        assert [s["id"] for s in make_store().open_summaries()] == ["INC1"]

    def test_all_tickets_in_id_order_by_prefix(self, make_store: MakeStore) -> None:
        store = make_store()
        for i in range(12):
            store.create("INC" if i % 3 else "CHG", incident(n=i), actor="t")
        incs = [d["id"] for d in store.all_tickets("INC")]
        assert incs == [f"INC{n}" for n in range(1, 9)]
        assert [d["id"] for d in store.all_tickets()] == incs + ["CHG1", "CHG2", "CHG3", "CHG4"]

    def test_upsert_decides_create_skip_update_inside_the_write(self, make_store: MakeStore) -> None:
        store = make_store()
        store.create("INC", incident(external_id="X1"), actor="ana")
        rows = [incident(external_id="X1", site="moved"), incident(external_id="X2"), incident()]
        skip = make_store().upsert_many(
            "INC", rows, key="external_id", on_conflict="skip", actor="imp", event={"imported_from": "f"}
        )
        assert (skip.created, skip.skipped, skip.updated) == (["INC2", "INC3"], ["INC1"], [])
        assert store.get("INC1")["site"] == "Lima HQ"
        assert store.get("INC2")["history"][-1]["imported_from"] == "f"
        upd = store.upsert_many("INC", [incident(external_id="X1", site="moved", id="INC9", history=[]),
                                        incident(external_id="X2")],
                                key="external_id", on_conflict="update", actor="imp", event={"imported_from": "g"})  # fmt: skip
        assert (upd.created, upd.updated, upd.unchanged) == ([], ["INC1"], ["INC2"])
        first = store.get("INC1")
        assert first["id"] == "INC1" and first["site"] == "moved" and len(first["history"]) == 2
        assert first["history"][-1]["action"] == "updated" and first["history"][-1]["changes"] == {
            "site": ["Lima HQ", "moved"]
        }
        assert len(store.get("INC2")["history"]) == 1  # unchanged: not touched

    def test_upsert_fail_is_all_or_nothing_or_partial(self, make_store: MakeStore) -> None:
        store = make_store()
        store.create("INC", incident(external_id="X1"), actor="ana")
        rows = [incident(external_id="X9"), incident(external_id="X1")]
        with pytest.raises(KeyConflict) as caught:
            store.upsert_many("INC", rows, key="external_id", on_conflict="fail", actor="imp", event={})
        assert caught.value.values == ["X1"] and [d["id"] for d in store.all_tickets()] == ["INC1"]
        partial = store.upsert_many("INC", rows, key="external_id", on_conflict="fail", actor="imp", event={},
                                    all_or_nothing=False)  # fmt: skip
        assert (partial.created, partial.conflicts) == (["INC2"], ["X1"])

    def test_upsert_of_one_key_twice_in_one_write(self, make_store: MakeStore) -> None:
        store = make_store()
        rows = [incident(external_id="D", site="a"), incident(external_id="D", site="b")]
        result = store.upsert_many("INC", rows, key="external_id", on_conflict="skip", actor="imp", event={})
        assert result.created == ["INC1"] and [d["site"] for d in store.all_tickets()] == ["a"]

    def test_upsert_dry_run_decides_and_writes_nothing(self, make_store: MakeStore) -> None:
        store = make_store()
        fresh = store.upsert_many("INC", [incident(external_id="A"), incident()], key="external_id",
                                  on_conflict="skip", actor="imp", event={}, dry_run=True)  # fmt: skip
        assert fresh.created == ["INC1", "INC2"] and not store.exists()
        store.create("INC", incident(external_id="A"), actor="ana")
        again = store.upsert_many("INC", [incident(external_id="A", site="new"), incident()], key="external_id",
                                  on_conflict="update", actor="imp", event={}, dry_run=True)  # fmt: skip
        assert (again.created, again.updated) == (["INC2"], ["INC1"])
        assert [d["site"] for d in store.all_tickets()] == ["Lima HQ"]

    def test_upsert_leaves_a_ticket_of_a_later_event(self, make_store: MakeStore) -> None:
        """Under 'update' a document of an older event (`event_order`) than the stored ticket's
        leaves it, decided in the write against the ticket as it is then; a later one, or one
        without an order, updates it."""
        store = make_store()
        at = {"sys_updated_at": "2026-03-05T12:00:00-03:00", "sys_mod_count": 4}
        store.create("INC", incident(external_id="S1", status="resolved", event_order=at), actor="imp")
        older = {"sys_updated_at": "2026-03-05T11:00:00-03:00", "sys_mod_count": 9}
        r = store.upsert_many("INC", [incident(external_id="S1", status="open", event_order=older)], key="external_id",
                              on_conflict="update", actor="imp", event={})  # fmt: skip
        assert (r.older, r.updated, store.get("INC1")["status"]) == (["INC1"], [], "resolved")
        newer = {"sys_updated_at": "2026-03-05T14:00:00-02:00", "sys_mod_count": 5}  # 13:00 -03: later
        r = store.upsert_many("INC", [incident(external_id="S1", status="closed", event_order=newer)], key="external_id",
                              on_conflict="update", actor="imp", event={})  # fmt: skip
        assert (r.older, r.updated, store.get("INC1")["status"]) == ([], ["INC1"], "closed")
        listed = {"sys_updated_on": "2016-02-29T01:23:00-03:00", "sys_mod_count": 0}  # a list export's names
        r = store.upsert_many("INC", [incident(external_id="S1", status="new", event_order=listed)], key="external_id",
                              on_conflict="update", actor="imp", event={})  # fmt: skip
        assert (r.older, store.get("INC1")["status"]) == (["INC1"], "closed")  # by the column both have
        r = store.upsert_many("INC", [incident(external_id="S1", status="open")], key="external_id",
                              on_conflict="update", actor="imp", event={})  # fmt: skip
        assert (r.older, store.get("INC1")["status"]) == ([], "open")  # no order: as without orders

    def test_upsert_of_owned_documents_stores_the_same_tickets(self, make_store: MakeStore) -> None:
        make_store().create("INC", incident(external_id="E1"), actor="ana")
        rows = [incident(external_id=k, **x) for k, x in (("E1", {}), ("E2", {"history": [{"action": "x"}]}),
                                                            ("E3", {}), ("E3", {"site": "b"}))]  # fmt: skip
        result = make_store().upsert_many("INC", rows, key="external_id", on_conflict="update", actor="imp",
                                          event={"imported_from": "f"}, owned=True)  # fmt: skip
        assert (result.created, result.unchanged, result.by_doc) == (["INC2", "INC3"], ["INC1"], ["INC1", "INC2", "INC3", "INC3"])  # fmt: skip
        second, third = make_store().get("INC2"), make_store().get("INC3")
        assert [(h["action"], h.get("imported_from")) for h in second["history"]] == [("x", None), ("opened", "f")]  # fmt: skip
        assert (third["site"], len(third["history"]), [r["external_id"] for r in rows]) == ("b", 1, ["E1", "E2", "E3", "E3"])  # fmt: skip

    def test_upsert_of_many_is_whole_in_every_reader(self, make_store: MakeStore) -> None:
        store = make_store()
        result = store.upsert_many("INC", [incident(n=i, status="closed" if i % 4 == 0 else "open") for i in range(450)],
                                   key=None, on_conflict="skip", actor="imp", event={})  # fmt: skip
        assert result.created == [f"INC{n}" for n in range(1, 451)]
        reader = make_store()
        assert [d["n"] for d in reader.all_tickets()] == list(range(450))
        assert len(reader.open_summaries()) == sum(1 for i in range(450) if i % 4)
        assert reader.create("INC", incident(), actor="t")["id"] == "INC451"

    def test_customers_by_name_first_spelling_stays(self, make_store: MakeStore) -> None:
        store = make_store()
        store.put_customer({"name": "Banco Andino", "country": "PE"}, actor="ana")
        store.put_customer({"name": "acme"}, actor="ana")
        again = make_store().put_customer(
            {"name": "BANCO ANDINO", "commercial_team": "c@example.com"}, actor="bea"
        )
        assert again["name"] == "Banco Andino" and again["country"] == "PE" and again["updated_by"] == "bea"
        assert [c["name"] for c in store.customers()] == ["acme", "Banco Andino"]

    def test_query_open_answers_as_the_reference_semantics(self, make_store: MakeStore) -> None:
        from sdcli.store.query import OpenQuery, Range, page

        store = make_store()
        at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        for i in range(30):
            store.create("INC" if i % 5 else "SSR", incident(
                customer=["Telefónica", "ACME", "Globex"][i % 3], severity=[None, 1, 2, 3][i % 4],
                recovery_due=(at.replace(hour=10 + i % 8)).isoformat() if i % 2 else None,
                status=["open", "on_hold", "resolved"][i % 3], ack_due=at.isoformat() if i % 7 == 0 else None,
                site=["Quito", "São Paulo", None][i % 3], sla_paused_at=at.isoformat() if i % 4 == 1 else None,
            ), actor="t", at=at.replace(minute=i))  # fmt: skip
        queries = [
            OpenQuery(), OpenQuery(prefix="INC", limit=5), OpenQuery(customer="telefonica", sort="customer"),
            OpenQuery(statuses=("open",), unpaused=True, recovery_due=Range(None, at.replace(hour=13)),
                      sort="recovery_due"),
            OpenQuery(classified=False), OpenQuery(severities=(1, 2), sort="severity", reverse=True, limit=4),
            OpenQuery(ack_pending=True, sort="ack_due"), OpenQuery(sort="id", reverse=True, limit=3),
            OpenQuery(opened=Range(at.replace(minute=10), at.replace(minute=20))),
            OpenQuery(site="sao", sort="customer", reverse=True), OpenQuery(unpaused=True, sort="status", limit=6),
            OpenQuery(sort="updated_at", reverse=True, limit=7), OpenQuery(levels_attempted=(0,), limit=0),
            OpenQuery(prefix="SSR", sort="recovery_due", reverse=True),
        ]  # fmt: skip
        reader = make_store()
        for q in queries:
            want = page(q, reader.open_summaries(q.prefix))
            got = reader.query_open(q)
            assert (got.total, [r["id"] for r in got.rows]) == (want.total, [r["id"] for r in want.rows]), q
        assert reader.query_open(OpenQuery(customer="TELEFÓNICA")).total == 10

    def test_find_refs_finds_finished_tickets_too_whatever_the_case(self, make_store: MakeStore) -> None:
        store = make_store()
        store.create("INC", incident(external_id="INC0000045"), actor="t")
        store.create("INC", incident(customer_reference="Ref-Ção-9", status="closed"), actor="t")
        store.upsert_many("INC", [incident(external_id="X2", customer_reference="inc0000045")], key="external_id",
                          on_conflict="skip", actor="t", event={})  # fmt: skip
        reader = make_store()
        assert reader.find_refs("ref-cao-9 ") == [("INC2", "customer_reference")]
        assert reader.find_refs("INC0000045") == [("INC1", "external_id"), ("INC3", "customer_reference")]
        assert reader.find_refs("nothing") == []
        store.update("INC1", _set(external_id="SN-1"), actor="t")
        assert make_store().find_refs("inc0000045") == [("INC3", "customer_reference")]

    def test_an_upsert_that_drops_a_reference_drops_it_from_lookups(self, make_store: MakeStore) -> None:
        store = make_store()
        store.create("INC", incident(external_id="E1", customer_reference="CR-1"), actor="t")
        store.upsert_many("INC", [incident(external_id="E1", customer_reference=None)], key="external_id",
                          on_conflict="update", actor="t", event={})  # fmt: skip
        assert make_store().find_refs("CR-1") == [] and make_store().find_refs("e1") == [
            ("INC1", "external_id")
        ]

    # ---- versions, request ids, the clock
    def test_an_update_made_on_what_was_read_refuses_a_change_made_since(self, make_store: MakeStore) -> None:
        store = make_store()
        t = store.create("INC", incident(), actor="ana")
        read = store.get(t["id"])  # ana looks at it, a person decides...
        make_store().update(t["id"], _set(site="Quito"), actor="bea")  # ...bea changes it meanwhile
        with pytest.raises(ChangedMeanwhile) as caught:
            store.update(t["id"], _set(severity=1), actor="ana", expect=version(read))
        message = str(caught.value)
        assert "changed by bea at " in message and "nothing was saved" in message and "(edit)" in message
        now = store.get(t["id"])
        assert "severity" not in now and now["site"] == "Quito" and version(now) == 2
        done = store.update(t["id"], _set(severity=1), actor="ana", expect=version(now))
        assert done["severity"] == 1 and version(done) == 3

    def test_a_retried_create_with_its_request_id_finds_the_ticket_it_made(
        self, make_store: MakeStore
    ) -> None:
        store = make_store()
        first = store.create("INC", incident(), actor="ana", request_id="req-1")
        again = make_store().create("INC", incident(), actor="ana", request_id="req-1")
        other = store.create("INC", incident(), actor="ana", request_id="req-2")
        assert again == first and other["id"] == "INC2"
        assert [d["id"] for d in store.all_tickets()] == ["INC1", "INC2"]
        assert "request_id" not in first  # the documents stay as they were

    def test_the_store_clock_is_an_aware_instant(self, make_store: MakeStore) -> None:
        now = make_store().now()
        assert now.tzinfo is not None and abs((now - datetime.now(UTC)).total_seconds()) < 300

    # ---- moving (sdcli store copy)
    def test_export_then_import_keeps_documents_customers_and_counters(self, make_store: MakeStore) -> None:
        store = make_store()
        store.create("INC", incident(), actor="ana")
        store.update("INC1", _set(site="Quito"), actor="bea")
        store.create("SSR", {"status": "received"}, actor="ana")
        store.put_customer({"name": "Banco Andino", "country": "PE"}, actor="ana")
        dump = store.export_all()
        assert [d["id"] for d in dump.tickets] == ["INC1", "SSR1"] and dump.tickets[0] == store.get("INC1")
        assert dump.counters["INC"] == 2 and [c["name"] for c in dump.customers] == ["Banco Andino"]
        with pytest.raises(StoreConflict, match="pass --merge"):
            make_store().import_all(dump, actor="t")
        make_store().import_all(dump, actor="t", merge=True)  # every ticket equal: nothing to add
        assert checksum(store.all_tickets(), store.customers()) == checksum(dump.tickets, dump.customers)
        moved = {**dump.tickets[0], "site": "elsewhere"}
        added = {**dump.tickets[0], "id": "INC7"}
        with pytest.raises(StoreConflict, match="INC1"):
            store.import_all(Dump([moved, added], [], dump.counters), actor="t", merge=True)
        assert store.get("INC1")["site"] == "Quito" and [d["id"] for d in store.all_tickets("INC")] == [
            "INC1"
        ]
        store.import_all(Dump([added], [{"name": "ACME"}], {"INC": 3}), actor="t", merge=True)
        assert make_store().get("INC7") == added and [c["name"] for c in store.customers()] == [
            "ACME",
            "Banco Andino",
        ]
        assert store.create("INC", incident(), actor="t")["id"] == "INC8"  # never below a ticket that came in

    def test_a_moved_store_refuses_every_write_and_still_reads(self, make_store: MakeStore) -> None:
        store = make_store()
        store.create("INC", incident(external_id="X"), actor="ana")
        assert store.moved_to() is None
        store.mark_moved("postgresql://db.example/sdcli", actor="lead")
        other = make_store()
        moved = other.moved_to()
        assert moved is not None and moved["to"] == "postgresql://db.example/sdcli" and moved["by"] == "lead"
        for write in (
            lambda: other.create("INC", incident(), actor="ana"),
            lambda: other.update("INC1", _set(site="x"), actor="ana"),
            lambda: other.upsert_many("INC", [incident(external_id="Y")], key="external_id", on_conflict="skip",
                                      actor="i", event={}),
            lambda: other.put_customer({"name": "ACME"}, actor="ana"),
        ):  # fmt: skip
            with pytest.raises(StoreMoved, match="moved to postgresql://db.example/sdcli"):
                write()
        assert other.get("INC1")["site"] == "Lima HQ" and len(list(other.all_tickets())) == 1
        store.import_all(Dump([], [], {}), actor="lead", merge=True)  # copied back: live again
        assert (
            make_store().moved_to() is None
            and make_store().create("INC", incident(), actor="a")["id"] == "INC2"
        )
