"""The PostgreSQL backend's writes of many tickets: imports (binary COPY, the create-or-update
decided inside the transaction under a lock per prefix) and moving a whole store in and out.
No CLI imports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sdcli import clock
from sdcli.model import PREFIXES, name_key, parse_id
from sdcli.store import postgres_outbox as outbox
from sdcli.store.base import (
    Dump,
    Event,
    KeyConflict,
    UpsertResult,
    check_upsert,
    found_keys,
    key_of,
    merge_counters,
    plan_upsert,
    tickets_to_copy,
    version,
)
from sdcli.store.directory import merge_in
from sdcli.store.files import dumps, loads
from sdcli.store.postgres_rows import (
    HISTORY,
    HISTORY_TYPES,
    KEY_COLUMNS,
    NAMES,
    SELECT_DOC,
    TYPES,
    _text,
    document,
    history_rows,
    row,
)
from sdcli.store.postgres_schema import one

if TYPE_CHECKING:
    from sdcli.model import Vocabulary
    from sdcli.store.postgres import Cursor, PostgresStore

_SET = ", ".join(
    f"{c} = %s" for c in NAMES.split(", ")[3:-1]
)  # every column but id, prefix, number, request_id


def allocate(cur: Cursor, prefix: str, count: int) -> int:
    """The first of `count` new numbers of prefix (its counter row locked until the commit): the
    counter, never at or below a ticket that exists."""
    cur.execute(
        "UPDATE counters SET next = GREATEST(next, (SELECT coalesce(max(number), 0) + 1 FROM tickets "
        "WHERE prefix = %s)) + %s WHERE prefix = %s RETURNING next - %s",
        (prefix, count, prefix, count),
    )
    return int(one(cur)[0])


def append_history(cur: Cursor, ticket_id: str, entries: list[dict[str, Any]], first_seq: int) -> None:
    cur.executemany(
        f"INSERT INTO history ({', '.join(HISTORY)}) VALUES (%s, %s, %s, %s, %s)",
        history_rows(ticket_id, entries, first_seq),
    )


def rewrite(cur: Cursor, doc: dict[str, Any], vocabulary: Vocabulary) -> None:
    values = row(doc, vocabulary)
    cur.execute(f"UPDATE tickets SET {_SET} WHERE id = %s", (*values[3:-1], doc["id"]))


def copy_in(cur: Cursor, docs: Iterable[dict[str, Any]], vocabulary: Vocabulary) -> None:
    """New tickets and their whole history by binary COPY."""
    docs = list(docs)
    with cur.copy(f"COPY tickets ({NAMES}) FROM STDIN (FORMAT BINARY)") as cp:
        cp.set_types(TYPES)
        for doc in docs:
            cp.write_row(row(doc, vocabulary))
    with cur.copy(f"COPY history ({', '.join(HISTORY)}) FROM STDIN (FORMAT BINARY)") as cp:
        cp.set_types(HISTORY_TYPES)
        for doc in docs:
            for r in history_rows(doc["id"], doc["history"], 0):
                cp.write_row(r)


def _existing(cur: Cursor, prefix: str, docs: list[dict[str, Any]], key: str | None) -> dict[str, int]:
    """key value → the lowest number of a ticket of prefix with it, for the values in docs."""
    wanted = {k for k in (key_of(d, key) for d in docs) if k is not None}
    if not wanted:
        return {}
    if key in KEY_COLUMNS:  # typed and indexed: the database matches them
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS incoming (k text) ON COMMIT DROP")
        cur.execute("TRUNCATE incoming")  # filled again for the next prefix (`across`)
        with cur.copy("COPY incoming (k) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(["text"])
            for k in wanted:
                cp.write_row((_text(k),))
        cur.execute(
            f"SELECT i.k, min(t.number) FROM incoming i JOIN tickets t ON t.prefix = %s AND t.{key} = i.k "
            "GROUP BY i.k",
            (prefix,),
        )
        return {k: int(n) for k, n in cur.fetchall()}
    out: dict[str, int] = {}
    cur.execute("SELECT number, doc FROM tickets WHERE prefix = %s ORDER BY number", (prefix,))
    for number, text in cur.fetchall():
        found = key_of(loads(text), key)
        if found is not None:
            out.setdefault(found, int(number))
    return out


class _DryRun(Exception):
    def __init__(self, result: UpsertResult) -> None:
        self.result = result


def upsert_many(store: PostgresStore, prefix: str, docs: list[dict[str, Any]], *, key: str | None, on_conflict: str,
                actor: str, event: Event, all_or_nothing: bool, dry_run: bool, across: bool = False) -> UpsertResult:  # fmt: skip
    check_upsert(prefix, on_conflict, key, across)
    if not docs:
        return UpsertResult()
    done: dict[str, UpsertResult] = {}

    def work(cur: Cursor, now: datetime) -> UpsertResult:
        if key is not None:  # two imports of one file at once: the second decides after the first
            cur.execute(  # a key unique across kinds: one lock for every prefix
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                (f"sdcli-upsert:{store.target.schema}:{'*' if across else prefix}",),
            )
        existing, elsewhere = found_keys(prefix, across, lambda p: _existing(cur, p, docs, key))
        first = allocate(cur, prefix, 0)
        before: dict[int, int] = {}

        def fetch(numbers: list[int]) -> dict[int, dict[str, Any]]:
            cur.execute(
                "SELECT 1 FROM tickets WHERE prefix = %s AND number = ANY(%s) FOR UPDATE", (prefix, numbers)
            )
            cur.execute(
                f"SELECT t.number, {SELECT_DOC} FROM tickets t WHERE t.prefix = %s AND t.number = ANY(%s)",
                (prefix, numbers),
            )
            found = {int(n): document(text, entries) for n, text, entries in cur.fetchall()}
            before.update((n, version(d)) for n, d in found.items())
            return found

        plan = plan_upsert(prefix, docs, key=key, on_conflict=on_conflict, actor=actor, event=event,
                           at=clock.iso(now), first=first, existing=existing, fetch=fetch,
                           elsewhere=elsewhere)  # fmt: skip
        if plan.result.conflicts and all_or_nothing:
            raise KeyConflict(key or "key", plan.result.conflicts)
        if dry_run:
            raise _DryRun(plan.result)
        if plan.created:
            copy_in(cur, plan.created.values(), store.vocabulary)
        for n, after in plan.changed.items():
            rewrite(cur, after, store.vocabulary)
            append_history(cur, after["id"], after["history"][before[n] :], before[n])
        cur.execute("UPDATE counters SET next = %s WHERE prefix = %s", (plan.next_number, prefix))
        done["result"] = plan.result
        return plan.result

    try:
        return store.marked(work, lambda: done["result"])
    except _DryRun as decided:  # decided, then rolled back
        return decided.result


def export_all(store: PostgresStore) -> Dump:
    store.connection()
    with store._reading(snapshot=True) as cur:
        tickets: list[dict[str, Any]] = []
        for p in PREFIXES:
            cur.execute(f"SELECT {SELECT_DOC} FROM tickets t WHERE t.prefix = %s ORDER BY t.number", (p,))
            tickets.extend(document(text, entries) for text, entries in cur.fetchall())
        cur.execute("SELECT doc FROM customers")
        customers = sorted((loads(d) for (d,) in cur.fetchall()), key=lambda c: c["name"].casefold())
        cur.execute("SELECT prefix, next FROM counters")
        counters = {p: int(n) for p, n in cur.fetchall()}
        items = outbox.everything(cur)
    return Dump(tickets, customers, merge_counters(counters), items)


def import_all(store: PostgresStore, dump: Dump, *, actor: str, merge: bool) -> None:
    def work(cur: Cursor, now: datetime) -> bool:
        cur.execute(
            "LOCK TABLE tickets, customers, counters, outbox IN EXCLUSIVE MODE"
        )  # no other write meanwhile
        cur.execute("SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM customers)")
        occupied = int(one(cur)[0])
        existing: dict[str, dict[str, Any]] = {}
        if occupied and merge:
            cur.execute(
                f"SELECT t.id, {SELECT_DOC} FROM tickets t WHERE t.id = ANY(%s)",
                ([d["id"] for d in dump.tickets],),
            )
            existing = {tid: document(text, entries) for tid, text, entries in cur.fetchall()}
        new = tickets_to_copy(dump, existing, occupied=occupied, merge=merge, where=store.describe())
        if new:
            copy_in(cur, new, store.vocabulary)
        for p in PREFIXES:
            numbers = [parse_id(d["id"])[1] for d in dump.tickets if parse_id(d["id"])[0] == p]
            cur.execute(
                "UPDATE counters SET next = GREATEST(next, %s, (SELECT coalesce(max(number), 0) + 1 FROM tickets "
                "WHERE prefix = %s)) WHERE prefix = %s",
                (max([dump.counters.get(p, 1), *(n + 1 for n in numbers)]), p, p),
            )
        _add_customers(cur, store, dump, at=clock.iso(now), actor=actor)
        outbox.copy_in(cur, dump.outbox)
        cur.execute("UPDATE meta SET value = NULL WHERE key = 'moved'")
        return True

    store.marked(work, lambda: True, moved_ok=True)


def _add_customers(cur: Cursor, store: PostgresStore, dump: Dump, *, at: str, actor: str) -> None:
    """The copy's customers saved as put_customer saves one (directory.merge_in), under the
    import's lock of the table; a new one keyed by its name_key, as put_customer keys it."""
    cur.execute("SELECT key, doc FROM customers")
    have = {k: loads(d) for k, d in cur.fetchall()}
    changed, added, warnings = merge_in(have, dump.customers, at=at, actor=actor)
    store.warnings.extend(warnings)
    for key, doc in changed.items():
        cur.execute("UPDATE customers SET doc = %s WHERE key = %s", (dumps(doc).decode("utf-8"), key))
    for doc in added:
        cur.execute(
            "INSERT INTO customers VALUES (%s, %s)", (name_key(doc["name"]), dumps(doc).decode("utf-8"))
        )
