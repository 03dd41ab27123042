"""An open index of an older shape, read until the next write rebuilds it (tiny_prepare.py):
by the reference semantics over its summaries, given what its shape lacks. No CLI imports.

Version 1 had no incomplete column (its summaries name missing_answers); version 2 had no
escalation_from, in its column or its summaries: that one comes from the incidents' documents
(the shards), the SLA pauses of each read once a process and only the start kept. Version 3 had
no active_level nor owed columns (its summaries' escalation names the active level).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sdcli.model import format_id
from sdcli.pauses import escalation_from
from sdcli.store.files import loads
from sdcli.store.openindex_sql import where
from sdcli.store.query import OpenQuery, Page, page

#: the documents of ticket ids as the shards have them (None: no such ticket)
Tickets = Callable[[list[str]], dict[str, dict[str, Any] | None]]


class Older:
    """The answers of an index of an older shape; `moved`: each incident's escalation_from as
    its document gives it (None: opened_at), read once."""

    def __init__(self) -> None:
        self.moved: dict[str, str | None] = {}
        self.every = False  # whether every open incident's is in moved

    def page(self, db: sqlite3.Connection, q: OpenQuery, tickets: Tickets | None) -> Page:
        """The page as this sdcli's index gives it: for a query by the escalation clock, every open
        incident's start read first (once: a shift asks a window per severity and level); for
        any other, the rows shown given theirs."""
        # the columns every shape has (version 3 had no active_level nor owed: their summaries name them)
        condition, args = where(replace(q, incomplete=False, escalation=None, active_levels=(), owed=False))
        found = [loads(r[0]) for r in db.execute(f"SELECT summary FROM open WHERE {condition}", args)]
        if tickets is None:
            return page(q, found)
        if q.escalation is not None or q.sort == "escalation_from":
            if not self.every:
                self._read(tickets, [format_id("INC", n) for (n,) in db.execute(
                    "SELECT number FROM open WHERE prefix = 'INC' ORDER BY number")])  # fmt: skip
                self.every = True
            return page(q, self._given(found))
        shown = page(q, found)
        self._read(
            tickets, [s["id"] for s in shown.rows if s["id"][:3] == "INC" and s["id"] not in self.moved]
        )
        return Page(self._given(shown.rows), shown.total)

    def _read(self, tickets: Tickets, ids: list[str]) -> None:
        for tid, doc in tickets(ids).items():
            self.moved[tid] = None if doc is None else escalation_from(doc)

    def _given(self, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            s if (start := self.moved.get(s["id"])) is None else {**s, "escalation_from": start}
            for s in found
        ]
