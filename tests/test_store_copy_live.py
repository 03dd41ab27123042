"""`store copy --merge` into a store agents already work in: the copy is read back after its
write committed, and an agent's write in between (a note on a copied ticket, a new ticket) is
not taken for a bad copy; once the copy is in, the source stays marked moved whatever the
read-back finds, so the queue is never split between the two. The agent's write lands in the
window by a target store whose import is followed by it (real stores and writes, on the test's
backend: SDCLI_TEST_BACKEND)."""

from __future__ import annotations

import pytest

from sdcli.errors import StoreDamaged
from sdcli.moving import copy_store
from sdcli.store import open_store
from sdcli.tickets import add_note

LIVE = {"status": "open", "customer": "ACME", "site": "Lima HQ", "problem": "link_down"}


def _stores(home, another_store):
    source = open_store(another_store("old"), home=home)
    source.create("INC", dict(LIVE), actor="ana")
    source.create("INC", dict(LIVE), actor="ana")
    target = open_store(home=home)  # the test's store: agents already work in it
    target.create("SSR", {"status": "received"}, actor="bea")
    return source, target


def test_an_agents_write_to_the_target_right_after_the_copy_keeps_the_copy_and_the_mark(home, another_store):
    source, target = _stores(home, another_store)
    base = type(target)

    class Busy(base):  # type: ignore[misc,valid-type]
        def import_all(self, dump, **kw):
            super().import_all(dump, **kw)
            agent = open_store(home=home)  # another agent's process, on the target
            add_note(agent, "INC2", "llamé al cliente", actor="bea")
            agent.create("INC", dict(LIVE), actor="bea")

    target.__class__ = Busy
    done = copy_store(source, target, actor="lead", merge=True)
    assert done.tickets == 2 and done.merged
    assert source.moved_to() is not None and source.moved_to()["to"] == target.describe()
    there = open_store(home=home)
    assert [h["action"] for h in there.get("INC2")["history"]] == ["opened", "note"]
    assert [d["id"] for d in there.all_tickets("INC")] == ["INC1", "INC2", "INC3"]


def test_a_copy_that_reads_back_wrong_keeps_the_source_marked_and_says_what_to_do(home, another_store):
    source, target = _stores(home, another_store)
    base = type(target)

    class Lossy(base):  # type: ignore[misc,valid-type]
        """A target whose read-back lost a field (what the read-back is there to catch)."""

        def export_all(self):
            dump = super().export_all()
            for d in dump.tickets:
                if d["id"] == "INC1":
                    d.pop("site")
            return dump

    target.__class__ = Lossy
    with pytest.raises(StoreDamaged) as e:
        copy_store(source, target, actor="lead", merge=True)
    said = e.value.render("en")
    assert "1 ticket(s) differ (INC1)" in said and "the source stays marked moved" in said, said
    assert source.moved_to() is not None  # the copy is in the target: the queue is not split
    assert open_store(home=home).get("INC1")["site"] == "Lima HQ"
