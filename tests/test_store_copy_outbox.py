"""`sdcli store copy` carries the outbox: the customer updates a desk's writes queued and had
not sent yet went nowhere (the copy took tickets, customers and counters only, the source then
refused the send that would have taken them), so a customer never heard that their incident
was classified, put on hold or resolved. Both directions and both backends; a copy back does
not queue an update twice, nor again one the other store sent or discarded meanwhile."""

from __future__ import annotations

import json

import pytest
from conftest import BACKEND, err

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana Díaz <ana@acme.pe> +51 1 4117000"]  # fmt: skip


def _queued(sdcli, *store: str) -> list[dict]:
    r = sdcli(*store, "outbox", "list", "--all", "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _desk_with_updates(sdcli, store: tuple[str, ...]) -> list[dict]:
    assert sdcli(*store, *OPEN).exit_code == 0
    assert sdcli(*store, "classify", "INC1", "--severity", "2", "--reason", "caída").exit_code == 0
    assert sdcli(*store, "hold", "INC1", "--reason", "esperando al cliente").exit_code == 0
    items = _queued(sdcli, *store)
    assert [(i["ticket"], i["action"], i["state"]) for i in items] == [
        ("INC1", "classify", "queued"), ("INC1", "hold", "queued")]  # fmt: skip
    return items


def test_a_copy_takes_the_updates_still_to_be_sent(sdcli, home, another_store):
    source = ("--store", another_store("old"))
    before = _desk_with_updates(sdcli, source)
    r = sdcli("store", "copy", "--from", source[1])
    assert r.exit_code == 0, r.output
    assert "2 customer update(s) of the outbox, 2 of them still to be sent" in r.stdout, r.stdout
    after = _queued(sdcli)
    assert after == before  # numbers, addresses, texts, Message-IDs, states: as they were
    assert sdcli("hold", "INC1", "--reason", "x").exit_code == 1  # on hold already: nothing queued
    assert sdcli("resume", "INC1").exit_code == 0
    assert [i["id"] for i in _queued(sdcli)] == [1, 2, 3]  # the next one after them, none overwritten


def test_copying_back_queues_no_update_twice_nor_one_discarded_meanwhile(sdcli, home, another_store):
    old = another_store("old")
    _desk_with_updates(sdcli, ("--store", old))
    assert sdcli("store", "copy", "--from", old).exit_code == 0
    discarded = sdcli("outbox", "discard", "1")
    assert discarded.exit_code == 0, discarded.output
    back = sdcli("store", "copy", "--to", old, "--merge")
    assert back.exit_code == 0, err(back)
    there = _queued(sdcli, "--store", old)
    assert [(i["id"], i["action"], i["state"]) for i in there] == [(1, "classify", "discarded"),
                                                                    (2, "hold", "queued")]  # fmt: skip


def test_a_merge_numbers_the_copied_updates_after_the_targets_own(sdcli, home, store):
    from sdcli.store import open_store
    from sdcli.store.base import Dump

    assert sdcli(*OPEN).exit_code == 0
    assert (
        sdcli("classify", "INC1", "--severity", "3", "--reason", "lento").exit_code == 0
    )  # the target's update 1
    copied = open_store(home=home).get("INC1") | {"id": "INC7", "customer": "Beta"}
    theirs = dict(_queued(sdcli)[0], id=1, ticket="INC7", to=["rosa@beta.pe"], message_id="<b1@beta>")
    open_store(home=home).import_all(Dump([copied], [], {"INC": 8}, [theirs]), actor="lead", merge=True)
    got = _queued(sdcli)
    assert [(i["id"], i["ticket"], i["to"]) for i in got] == [(1, "INC1", ["ana@acme.pe"]),
                                                              (2, "INC7", ["rosa@beta.pe"])]  # fmt: skip
    assert sdcli("hold", "INC1", "--reason", "x").exit_code == 0
    assert [i["id"] for i in _queued(sdcli)] == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.skipif(BACKEND != "tinydb", reason="the embedded store is the test's own here")
def test_both_directions_between_the_embedded_store_and_postgresql(sdcli, home, pg_url, tmp_path):
    before = _desk_with_updates(sdcli, ())
    assert sdcli("store", "copy", "--to", pg_url).exit_code == 0
    assert _queued(sdcli, "--store", pg_url) == before
    back = f"tinydb://{tmp_path / 'back'}"
    assert sdcli("--store", pg_url, "store", "copy", "--to", back).exit_code == 0
    assert _queued(sdcli, "--store", back) == before


def test_a_copy_into_an_outbox_whose_counter_was_left_behind_replaces_none_of_its_updates():
    """A target whose next number was left at 2 while it held updates 1 and 2 (a restore gone wrong,
    as doctor reports) took a copied update as number 2, over its own queued "hold" update, without
    a word. The copy numbers after every item the target holds, whatever its counter says (both
    backends number through outbox.to_copy)."""
    from sdcli.store import outbox

    own = [{"id": 1, "ticket": "INC1", "action": "classify", "state": "queued", "message_id": "<a1@x>"},
           {"id": 2, "ticket": "INC1", "action": "hold", "state": "queued", "message_id": "<a2@x>"}]  # fmt: skip
    theirs = [{"id": 1, "ticket": "INC7", "action": "classify", "state": "queued", "message_id": "<b1@y>"}]
    added, replaced, nxt = outbox.to_copy(theirs, own, 2)
    assert [i["id"] for i in added] == [3] and replaced == [] and nxt == 4


@pytest.mark.files_only("the outbox file")
def test_a_merge_into_a_store_whose_outbox_counter_is_low_keeps_its_queued_updates(sdcli, home):
    from sdcli.store import open_store
    from sdcli.store.base import Dump

    _desk_with_updates(sdcli, ())
    path = home / "store" / "outbox.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "next": 2}))  # left behind
    copied = open_store(home=home).get("INC1") | {"id": "INC7", "customer": "Beta"}
    theirs = dict(_queued(sdcli)[0], id=1, ticket="INC7", to=["rosa@beta.pe"], message_id="<b1@beta>")
    open_store(home=home).import_all(Dump([copied], [], {"INC": 8}, [theirs]), actor="lead", merge=True)
    got = [(i["id"], i["ticket"], i["action"]) for i in _queued(sdcli)]
    assert got == [(1, "INC1", "classify"), (2, "INC1", "hold"), (3, "INC7", "classify")], got


def test_no_copy_while_an_update_is_being_sent(sdcli, home, another_store):
    """An update a sender held ("sending") was copied with its claim: the sender's finish was then
    refused by the source (moved), the target showed it "sending" for ever, and a send of it named
    there sent it twice. The copy is refused while a live claim is held, nothing copied and the
    source still the live store; once the send is over, the copy goes."""
    from datetime import datetime

    from sdcli.store import open_store

    _desk_with_updates(sdcli, ())
    store = open_store(home=home)
    now = datetime.fromisoformat("2026-12-01T10:00:00-05:00")
    (claimed,) = store.outbox_claim(actor="night-shift", now=now, ids=[1])
    target = another_store("new")
    r = sdcli("store", "copy", "--to", target, env={"SDCLI_NOW": "2026-12-01T10:05:00-05:00"})
    assert r.exit_code == 1 and "being sent right now (by night-shift)" in err(r), r.output
    assert sdcli("resume", "INC1").exit_code == 0  # the source is still the live store
    store.outbox_finish(claimed["id"], claimed["claim"], actor="night-shift", state="sent", fields={})
    r = sdcli("store", "copy", "--to", target, env={"SDCLI_NOW": "2026-12-01T10:06:00-05:00"})
    assert r.exit_code == 0, r.output
    assert [i["state"] for i in _queued(sdcli, "--store", target)][:1] == ["sent"]
