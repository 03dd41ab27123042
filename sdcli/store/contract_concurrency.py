"""The contract's part on agents at once: creates, updates and upserts from several store
objects on one backing store, each made as another agent's process would open it. Mixed into
StoreContract; imported only by tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sdcli.store.base import Store

MakeStore = Callable[[], Store]


def incident(**fields: Any) -> dict[str, Any]:
    """The fields of a plain open incident, with `fields` over them (every contract module's)."""
    return {"status": "open", "customer": "ACME", "site": "Lima HQ", "problem": "link_down", **fields}


def at_once(agent: Callable[[int], None], n: int) -> None:
    """`agent(0)` ... `agent(n - 1)` in n threads at once, returned when all are done."""
    threads = [threading.Thread(target=agent, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class ConcurrencyContract:
    def test_concurrent_creates_get_unique_ids_and_none_is_lost(self, make_store: MakeStore) -> None:
        ids: list[str] = []
        errors: list[BaseException] = []

        def agent(n: int) -> None:
            store = make_store()
            try:
                for i in range(10):
                    ids.append(store.create("INC", incident(agent=n, i=i), actor=f"a{n}")["id"])
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        at_once(agent, 4)
        assert errors == []
        assert sorted(ids, key=lambda x: int(x[3:])) == [f"INC{n}" for n in range(1, 41)]
        assert len(list(make_store().all_tickets())) == 40

    def test_concurrent_updates_of_one_ticket_lose_none(self, make_store: MakeStore) -> None:
        make_store().create("INC", incident(notes=0), actor="t")

        def agent(_: int) -> None:
            store = make_store()
            for _ in range(10):
                store.update(
                    "INC1", lambda d: {"action": "bump", "n": d.update(notes=d["notes"] + 1)}, actor="a"
                )

        at_once(agent, 4)
        doc = make_store().get("INC1")
        assert doc["notes"] == 40 and len(doc["history"]) == 41

    def test_concurrent_upserts_of_one_file_create_each_ticket_once(self, make_store: MakeStore) -> None:
        rows = [incident(external_id=f"E{i}") for i in range(60)]
        results = []

        def importer(_: int) -> None:
            results.append(
                make_store().upsert_many(
                    "INC", rows, key="external_id", on_conflict="skip", actor="i", event={}
                )
            )

        at_once(importer, 3)
        docs = list(make_store().all_tickets())
        assert len(docs) == 60 and sorted(d["external_id"] for d in docs) == sorted(
            r["external_id"] for r in rows
        )
        assert sorted(len(r.created) for r in results) == [0, 0, 60]
