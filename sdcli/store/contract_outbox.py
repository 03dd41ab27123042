"""The contract's part on e-mail: the outbox (store/outbox.py) and tickets keyed by the
Message-ID of the message they came from. Mixed into StoreContract; imported only by tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sdcli.store.base import Store
from sdcli.store.contract_concurrency import at_once, incident
from sdcli.store.outbox import OutboxConflict, UnknownItem

MakeStore = Callable[[], Store]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _resolve(doc: dict[str, Any]) -> dict[str, Any]:
    doc["status"] = "resolved"
    return {"action": "resolve"}


def _one_update(before: dict[str, Any], after: dict[str, Any], event: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"to": ["ana@acme.example"], "subject": f"{after['id']} {event['action']}", "text": after["status"]}
    ]


class OutboxContract:
    def test_a_change_queues_its_messages_in_the_same_write(self, make_store: MakeStore) -> None:
        store = make_store()
        t = store.create("INC", incident(), actor="ana")
        assert store.outbox() == []
        after = store.update(t["id"], _resolve, actor="bea", queue=_one_update)
        (item,) = make_store().outbox()
        assert item["id"] == 1 and item["ticket"] == t["id"] and item["state"] == "queued"
        assert item["subject"] == "INC1 resolve" and item["text"] == "resolved" and item["queued_by"] == "bea"
        assert after["status"] == "resolved" and item["attempts"] == 0

        def refuses(doc: dict[str, Any]) -> dict[str, Any]:
            raise OutboxConflict("no")

        with pytest.raises(OutboxConflict):
            store.update(t["id"], refuses, actor="bea", queue=_one_update)
        nothing = store.update(t["id"], lambda d: {"action": "note"}, actor="bea", queue=lambda b, a, e: [])
        assert len(make_store().outbox()) == 1 and len(nothing["history"]) == 3
        store.update(t["id"], lambda d: {"action": "note"}, actor="bea", queue=_one_update)
        assert [i["id"] for i in store.outbox(ticket_id="INC1")] == [1, 2] and store.outbox(
            ticket_id="INC9"
        ) == []

    def test_a_claim_takes_what_is_due_and_a_finish_records_it_on_the_ticket(
        self, make_store: MakeStore
    ) -> None:
        store = make_store()
        store.create("INC", incident(), actor="ana")
        store.update("INC1", _resolve, actor="bea", queue=_one_update)
        (claimed,) = make_store().outbox_claim(actor="worker", now=NOW + timedelta(days=400))
        assert claimed["state"] == "sending" and claimed["claimed_by"] == "worker" and claimed["claim"]
        assert make_store().outbox_claim(actor="other", now=NOW + timedelta(days=400)) == []  # never twice
        with pytest.raises(OutboxConflict):
            store.outbox_finish(1, "not-the-token", actor="worker", state="sent", fields={})
        done = store.outbox_finish(1, claimed["claim"], actor="worker", state="sent", fields={"to": ["x@y.example"]},
                                   event={"action": "update_sent", "outbox": 1})  # fmt: skip
        assert done["state"] == "sent" and done["sent_by"] == "worker" and "claim" not in done
        assert make_store().get("INC1")["history"][-1]["action"] == "update_sent"
        assert [i["state"] for i in make_store().outbox(states=["sent"])] == ["sent"]
        assert (
            make_store().outbox_claim(actor="w", now=NOW + timedelta(days=400), ids=[1]) == []
        )  # sent stays sent
        with pytest.raises(OutboxConflict):
            store.outbox_discard(1, actor="ana")
        with pytest.raises(UnknownItem):
            store.outbox_discard(99, actor="ana")

    def test_a_retry_waits_for_its_time_and_a_failure_is_claimed_only_by_name(
        self, make_store: MakeStore
    ) -> None:
        store = make_store()
        store.create("INC", incident(), actor="ana")
        store.update("INC1", _resolve, actor="bea", queue=_one_update)
        far = NOW + timedelta(days=400)
        (c,) = store.outbox_claim(actor="w", now=far)
        later = (far + timedelta(minutes=5)).isoformat()
        store.outbox_finish(
            1, c["claim"], actor="w", state="queued", fields={"attempts": 1, "next_at": later}
        )
        assert store.outbox_claim(actor="w", now=far) == []
        (c,) = store.outbox_claim(actor="w", now=far + timedelta(minutes=6))
        store.outbox_finish(
            1, c["claim"], actor="w", state="failed", fields={"last_error": "550 no such user"}
        )
        assert store.outbox_claim(actor="w", now=far + timedelta(days=1)) == []
        (again,) = store.outbox_claim(actor="w", now=far, ids=[1])
        assert again["state"] == "sending" and again["last_error"] == "550 no such user"
        real = datetime.now(UTC)  # claims are stamped by the store's clock
        assert store.outbox_claim(actor="x", now=far, ids=[1], stale_before=real - timedelta(hours=1)) == []
        stale = store.outbox_claim(actor="x", now=far, ids=[1], stale_before=real + timedelta(hours=1))
        assert [i["claimed_by"] for i in stale] == ["x"]
        with pytest.raises(OutboxConflict):  # the first claim went stale and was taken again
            store.outbox_finish(1, again["claim"], actor="w", state="sent", fields={})
        with pytest.raises(OutboxConflict, match="being sent"):
            store.outbox_discard(1, actor="ana", stale_before=real - timedelta(hours=1))
        assert (
            store.outbox_discard(1, actor="ana", stale_before=real + timedelta(hours=1))["state"]
            == "discarded"
        )

    def test_concurrent_claims_take_each_item_once(self, make_store: MakeStore) -> None:
        store = make_store()
        store.create("INC", incident(), actor="ana")
        for _ in range(12):
            store.update("INC1", lambda d: {"action": "note"}, actor="bea", queue=_one_update)
        got: list[int] = []
        errors: list[BaseException] = []

        def sender(n: int) -> None:
            try:
                for item in make_store().outbox_claim(actor=f"s{n}", now=NOW + timedelta(days=400)):
                    got.append(item["id"])
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        at_once(sender, 4)
        assert errors == [] and sorted(got) == list(range(1, 13))

    def test_named_items_claimed_as_due_are_taken_only_as_a_claim_of_what_is_due_takes_them(
        self, make_store: MakeStore
    ) -> None:
        """`due` (--notify: what a change queued, by number): decided in the claim's write, never
        an item a concurrent send deferred to its retry, gave up on, or is sending (stale or not)."""
        store = make_store()
        store.create("INC", incident(), actor="ana")
        for _ in range(4):
            store.update("INC1", lambda d: {"action": "note"}, actor="bea", queue=_one_update)
        far = NOW + timedelta(days=400)
        c = {i["id"]: i["claim"] for i in store.outbox_claim(actor="send", now=far)}
        later = (far + timedelta(minutes=5)).isoformat()
        store.outbox_finish(1, c[1], actor="send", state="queued", fields={"attempts": 1, "next_at": later})
        store.outbox_finish(2, c[2], actor="send", state="failed", fields={"last_error": "550 no such user"})
        store.outbox_finish(4, c[4], actor="send", state="queued", fields={})  # not attempted: due as it was
        stale = datetime.now(UTC) + timedelta(hours=1)  # item 3 is still being sent, its claim "stale"
        taken = make_store().outbox_claim(
            actor="notify", now=far, ids=[1, 2, 3, 4], due=True, stale_before=stale
        )
        assert [i["id"] for i in taken] == [4]
        assert make_store().outbox_claim(actor="notify", now=far, ids=[1, 2, 3, 4], due=True) == []
        (retry,) = make_store().outbox_claim(
            actor="notify", now=far + timedelta(minutes=6), ids=[1, 2], due=True
        )
        assert retry["id"] == 1 and retry["claimed_by"] == "notify"
        for _ in range(6):
            store.update("INC1", lambda d: {"action": "note"}, actor="bea", queue=_one_update)
        got: list[int] = []

        def notifier(n: int) -> None:
            got.extend(
                i["id"] for i in make_store().outbox_claim(actor=f"n{n}", now=far, ids=range(5, 11), due=True)
            )

        at_once(notifier, 3)
        assert sorted(got) == list(range(5, 11))  # each once

    def test_a_whole_store_moved_in_brings_its_outbox_numbered_after_the_own(
        self, make_store: MakeStore
    ) -> None:
        from sdcli.store.base import Dump

        store = make_store()
        store.create("INC", incident(), actor="ana")
        store.update("INC1", _resolve, actor="bea", queue=_one_update)
        dump = make_store().export_all()
        assert [(i["id"], i["ticket"], i["state"]) for i in dump.outbox] == [(1, "INC1", "queued")]
        theirs = {**dump.outbox[0], "ticket": "INC7", "subject": "INC7 resolve", "state": "failed"}
        store.import_all(
            Dump([{**dump.tickets[0], "id": "INC7"}], [], {"INC": 8}, [theirs]), actor="t", merge=True
        )
        got = make_store().outbox()
        assert [(i["id"], i["ticket"], i["state"]) for i in got] == [
            (1, "INC1", "queued"),
            (2, "INC7", "failed"),
        ]
        store.import_all(
            Dump([], [], {}, [{**dump.outbox[0], "state": "discarded"}, theirs]), actor="t", merge=True
        )
        assert [i["state"] for i in make_store().outbox()] == ["discarded", "failed"]  # the same ones, once
        store.update("INC1", lambda d: {"action": "note"}, actor="bea", queue=_one_update)
        assert [i["id"] for i in make_store().outbox()] == [1, 2, 3]

    def test_the_message_id_key_finds_the_ticket_a_message_made(self, make_store: MakeStore) -> None:
        store = make_store()
        first = store.upsert_many("INC", [incident(message_id="<a@x>"), incident(message_id="<b@x>"),
                                          incident(message_id="<a@x>")],
                                  key="message_id", on_conflict="skip", actor="inbox", event={})  # fmt: skip
        assert first.by_doc == ["INC1", "INC2", "INC1"] and first.created == ["INC1", "INC2"]
        again = make_store().upsert_many("INC", [incident(message_id="<c@x>"), incident(message_id="<b@x>")],
                                         key="message_id", on_conflict="skip", actor="inbox", event={})  # fmt: skip
        assert again.by_doc == ["INC3", "INC2"] and again.skipped == ["INC2"]
        assert make_store().find_refs("<a@x>") == []  # not a number a caller quotes
        fails = store.upsert_many("INC", [incident(message_id="<a@x>"), incident(message_id="<d@x>")],
                                  key="message_id", on_conflict="fail", actor="i", event={}, all_or_nothing=False)  # fmt: skip
        assert fails.by_doc == [None, "INC4"]

    def test_a_key_unique_across_kinds_names_the_ticket_of_the_other_kind(
        self, make_store: MakeStore
    ) -> None:
        """`across`: one ticket per message whichever kind it was read as; decided inside the write,
        so two runs at once that read it as different kinds still make one ticket."""
        store = make_store()
        store.upsert_many("SSR", [incident(message_id="<s@x>")], key="message_id", on_conflict="skip",
                          actor="inbox", event={}, across=True)  # fmt: skip
        got = make_store().upsert_many("INC", [incident(message_id="<s@x>"), incident(message_id="<i@x>")],
                                       key="message_id", on_conflict="skip", actor="inbox", event={}, across=True)  # fmt: skip
        assert got.by_doc == ["SSR1", "INC1"] and got.created == ["INC1"] and got.skipped == ["SSR1"]
        plain = store.upsert_many("INC", [incident(message_id="<s@x>")], key="message_id", on_conflict="skip",
                                  actor="import", event={})  # fmt: skip
        assert plain.created == ["INC2"]  # without across a key is a kind's own, as before
        with pytest.raises(ValueError):
            store.upsert_many("INC", [incident(message_id="<t@x>")], key="message_id", on_conflict="update",
                              actor="inbox", event={}, across=True)  # fmt: skip
        made: list[str] = []

        def reader(n: int) -> None:
            prefix = ("INC", "SSR")[n % 2]
            made.extend(make_store().upsert_many(prefix, [incident(message_id="<race@x>")], key="message_id",
                                                 on_conflict="skip", actor=f"inbox{n}", event={}, across=True).created)  # fmt: skip

        at_once(reader, 4)
        assert len(made) == 1, made
