"""`sdcli doctor` on a PostgreSQL store: the connection, the schema version, the login's
permissions, counters above every ticket and outbox item, history lengths, open flags by the workflow, and the
money older versions stored (health_money: reported, never repaired). No CLI imports.

Problems and repairs are Messages (catalogue keys doctor.*): shown in the session's language,
English in str() (what `sdcli doctor --json` lists)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdcli.i18n import Message, Shown
from sdcli.model import PREFIXES, format_id, parse_id
from sdcli.store.files import loads
from sdcli.store.postgres_rows import SELECT_DOC, document
from sdcli.store.postgres_schema import GRANTS, NEEDED, SCHEMA_VERSION, one

if TYPE_CHECKING:
    from sdcli.store.postgres import PostgresStore


def about(store: PostgresStore) -> dict[str, Any]:
    store.connection()
    with store._reading() as cur:
        cur.execute(
            "SELECT current_setting('server_version'), current_user, (SELECT max(version) FROM migrations)"
        )
        server, login, schema = one(cur)
    return {"backend": "postgresql", "server": f"PostgreSQL {server}", "login": login, "schema": schema,
            "schema_needed": SCHEMA_VERSION}  # fmt: skip


def check(store: PostgresStore) -> list[Shown]:
    problems: list[Shown] = []
    store.connection()  # refuses a missing, older or newer schema with what to do
    with store._reading(snapshot=True) as cur:
        cur.execute("SELECT current_user")
        (login,) = one(cur)
        for table, privilege in NEEDED:
            cur.execute(
                "SELECT has_table_privilege(current_user, %s, %s)",
                (f"{store.target.schema}.{table}", privilege),
            )
            if not one(cur)[0]:
                problems.append(Message("doctor.may_not", login=login, privilege=privilege, table=table))
        if not problems:  # the data is checked with every privilege there
            problems += _counters(cur) + _versions(cur) + _open_flags(store, cur) + _money(store, cur)
            problems += _customers(cur)
    moved = store.moved_to()
    if moved:
        problems.append(Message("doctor.moved", to=str(moved.get("to")), at=str(moved.get("at"))))
    return problems


def _counters(cur: Any) -> list[Shown]:
    cur.execute(
        "SELECT c.prefix, c.next, (SELECT max(number) FROM tickets t WHERE t.prefix = c.prefix) FROM counters c"
    )
    found: list[Shown] = [
        Message("doctor.counter_not_above", prefix=p, next=n, id=format_id(p, top))
        for p, n, top in cur.fetchall()
        if top is not None and n <= top and p in PREFIXES
    ]
    cur.execute("SELECT c.next, (SELECT max(id) FROM outbox) FROM counters c WHERE c.prefix = 'OUT'")
    for n, top in cur.fetchall():  # a new customer update would be refused: its number is taken
        if top is not None and n <= top:
            found.append(Message("doctor.outbox_counter_low", path="outbox", next=n, n=top))
    return found


def _customers(cur: Any) -> list[Shown]:
    from sdcli.store.directory import same_names

    cur.execute("SELECT doc FROM customers ORDER BY key")
    return same_names((loads(d) for (d,) in cur.fetchall()), "customers")


def _versions(cur: Any) -> list[Shown]:
    cur.execute(
        "SELECT t.id FROM tickets t WHERE t.version <> (SELECT count(*) FROM history h WHERE h.ticket_id = t.id) "
        "ORDER BY t.id LIMIT 20"
    )
    return [Message("doctor.version_mismatch", id=tid) for (tid,) in cur.fetchall()]


def _stale(store: PostgresStore, cur: Any) -> list[str]:
    cur.execute("SELECT id, kind, status, finished FROM tickets")
    return [tid for tid, kind, status, finished in cur.fetchall()
            if store.vocabulary.is_finished({"kind": kind, "status": status}) != finished]  # fmt: skip


def _open_flags(store: PostgresStore, cur: Any) -> list[Shown]:
    stale = _stale(store, cur)
    return [Message("doctor.open_flags", n=len(stale), ids=", ".join(stale[:5]))] if stale else []


def _money(store: PostgresStore, cur: Any) -> list[Shown]:
    """What the embedded store's check says of the money older versions stored (health_money)."""
    from sdcli.store.health_money import FIELDS, money_problems

    picks = ", ".join(f"t.doc::jsonb -> '{f}'" for f in FIELDS)
    cur.execute(f"SELECT t.id, {picks} FROM tickets t WHERE t.prefix <> 'INC'")
    rows = sorted(cur.fetchall(), key=lambda r: (list(PREFIXES).index(parse_id(r[0])[0]), parse_id(r[0])[1]))
    return money_problems(store.home, ((r[0], dict(zip(FIELDS, r[1:], strict=True))) for r in rows))


def repair(store: PostgresStore) -> list[Shown]:
    from sdcli.store.postgres_bulk import rewrite

    done: list[Shown] = []

    def work(cur: Any, now: Any) -> bool:
        for p in PREFIXES:
            cur.execute(
                "UPDATE counters SET next = (SELECT max(number) + 1 FROM tickets WHERE prefix = %s) WHERE prefix = %s "
                "AND next <= (SELECT coalesce(max(number), 0) FROM tickets WHERE prefix = %s) RETURNING next",
                (p, p, p),
            )
            for (n,) in cur.fetchall():
                done.append(Message("doctor.counter_set", prefix=p, n=n))
        cur.execute(
            "UPDATE counters SET next = (SELECT max(id) + 1 FROM outbox) WHERE prefix = 'OUT' "
            "AND next <= (SELECT coalesce(max(id), 0) FROM outbox) RETURNING next"
        )
        done.extend(Message("doctor.outbox_counter_raised", n=n) for (n,) in cur.fetchall())
        stale = _stale(store, cur)
        if stale:
            cur.execute("SELECT 1 FROM tickets WHERE id = ANY(%s) FOR UPDATE", (stale,))
            cur.execute(f"SELECT {SELECT_DOC} FROM tickets t WHERE t.id = ANY(%s)", (stale,))
            for text, entries in cur.fetchall():
                rewrite(cur, document(text, entries), store.vocabulary)
            done.append(Message("doctor.open_flags_fixed", n=len(stale)))
        cur.execute("DELETE FROM writes WHERE at < now() - interval '30 days'")
        if cur.rowcount:
            done.append(Message("doctor.markers_removed", n=cur.rowcount))
        return True

    store.marked(work, lambda: True, moved_ok=True)
    return done


def grant(store: PostgresStore, role: str) -> list[str]:
    """Give a role (an agent's login, or a group of them) what sdcli needs, history append-only."""
    from psycopg import sql

    statements = [s.format(schema=store.target.schema, role="{role}") for s in GRANTS]
    c = store.connection()
    with c.transaction(), c.cursor() as cur:
        for text in statements:
            cur.execute(sql.SQL(text).format(role=sql.Identifier(role)))
    return [s.replace("{role}", role) for s in statements]
