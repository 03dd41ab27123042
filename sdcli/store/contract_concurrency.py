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

        threads = [threading.Thread(target=agent, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(ids, key=lambda x: int(x[3:])) == [f"INC{n}" for n in range(1, 41)]
        assert len(list(make_store().all_tickets())) == 40

    def test_concurrent_updates_of_one_ticket_lose_none(self, make_store: MakeStore) -> None:
        make_store().create("INC", incident(notes=0), actor="t")

        def agent() -> None:
            store = make_store()
            for _ in range(10):
                store.update(
                    "INC1", lambda d: {"action": "bump", "n": d.update(notes=d["notes"] + 1)}, actor="a"
                )

        threads = [threading.Thread(target=agent) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        doc = make_store().get("INC1")
        assert doc["notes"] == 40 and len(doc["history"]) == 41

    def test_concurrent_upserts_of_one_file_create_each_ticket_once(self, make_store: MakeStore) -> None:
        rows = [incident(external_id=f"E{i}") for i in range(60)]
        results = []

        def importer() -> None:
            results.append(
                make_store().upsert_many(
                    "INC", rows, key="external_id", on_conflict="skip", actor="i", event={}
                )
            )

        threads = [threading.Thread(target=importer) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        docs = list(make_store().all_tickets())
        assert len(docs) == 60 and sorted(d["external_id"] for d in docs) == sorted(
            r["external_id"] for r in rows
        )
        assert sorted(len(r.created) for r in results) == [0, 0, 60]
