"""The PostgreSQL backend's schema: named, versioned migrations applied in order by `sdcli db
migrate` (one transaction, serialized by an advisory lock), and the check every connection makes:
an older schema is refused with the command to run, a newer one refused too.

Tickets carry typed columns for what listings, the shift view and imports look up, and the
document as JSON text (``json``/text keeps the key order; ``jsonb`` would not), its history a
length placeholder. History is its own append-only table: a trigger refuses UPDATE and DELETE,
so a long history is never rewritten.
"""

from __future__ import annotations

from typing import Any

from sdcli.errors import StoreDamaged
from sdcli.store.base import StoreUnavailable

INITIAL = """
CREATE TABLE meta (key text PRIMARY KEY, value text);
CREATE TABLE counters (prefix text PRIMARY KEY, next bigint NOT NULL CHECK (next >= 1));
INSERT INTO counters VALUES ('INC', 1), ('SSR', 1), ('CHG', 1);
CREATE TABLE tickets (
    id text PRIMARY KEY,
    prefix text NOT NULL,
    number bigint NOT NULL,
    kind text NOT NULL,
    status text,
    customer text,
    site text,
    severity integer,
    opened_at timestamptz,
    recovery_due timestamptz,
    ack_due timestamptz,
    external_id text,
    customer_reference text,
    finished boolean NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz,
    summary text,
    doc text NOT NULL,
    UNIQUE (prefix, number)
);
CREATE INDEX tickets_open ON tickets (prefix, number) WHERE NOT finished;
CREATE INDEX tickets_external_id ON tickets (prefix, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX tickets_customer_reference ON tickets (prefix, customer_reference) WHERE customer_reference IS NOT NULL;
CREATE INDEX tickets_customer ON tickets (lower(customer));
CREATE INDEX tickets_recovery_due ON tickets (recovery_due) WHERE NOT finished;
CREATE INDEX tickets_ack_due ON tickets (ack_due) WHERE NOT finished;
CREATE TABLE history (
    ticket_id text NOT NULL REFERENCES tickets (id),
    seq integer NOT NULL,
    at timestamptz,
    by text,
    login text NOT NULL DEFAULT current_user,
    entry text NOT NULL,
    PRIMARY KEY (ticket_id, seq)
);
CREATE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sdcli history is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION history_is_append_only();
CREATE TABLE customers (key text PRIMARY KEY, doc text NOT NULL);
"""

REQUESTS = """
ALTER TABLE tickets ADD COLUMN request_id text UNIQUE;
CREATE TABLE writes (request_id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),
                     login text NOT NULL DEFAULT current_user);
INSERT INTO meta VALUES ('moved', NULL);
"""

MAIL = """
ALTER TABLE tickets ADD COLUMN message_id text;
CREATE INDEX tickets_message_id ON tickets (prefix, message_id) WHERE message_id IS NOT NULL;
CREATE TABLE outbox (
    id bigint PRIMARY KEY,
    ticket_id text NOT NULL REFERENCES tickets (id),
    state text NOT NULL,
    next_at timestamptz,
    doc text NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_at) WHERE state = 'queued';
CREATE INDEX outbox_ticket ON outbox (ticket_id);
INSERT INTO counters VALUES ('OUT', 1);
"""

REFERENCE_FOLDS = """
ALTER TABLE tickets ADD COLUMN external_id_fold text, ADD COLUMN customer_reference_fold text;
CREATE INDEX tickets_external_id_fold ON tickets (external_id_fold) WHERE external_id_fold IS NOT NULL;
CREATE INDEX tickets_customer_reference_fold ON tickets (customer_reference_fold)
    WHERE customer_reference_fold IS NOT NULL;
"""


def fill_reference_folds(cur: Any) -> None:
    """The folds of the references already stored (Python's fold: the one lookups use)."""
    from sdcli.store.query import fold

    _fill_references(cur, REFERENCE_FOLDS, "fold", lambda v: fold(v.strip()))


def _fill_references(cur: Any, ddl: str, suffix: str, of: Any) -> None:
    """Add the columns `ddl` makes, filled for the references already stored (`of` each one)."""
    cur.execute(ddl)
    cur.execute("SELECT id, external_id, customer_reference FROM tickets "
                "WHERE external_id IS NOT NULL OR customer_reference IS NOT NULL")  # fmt: skip
    rows = [(None if e is None else of(e), None if c is None else of(c), tid) for tid, e, c in cur.fetchall()]
    if rows:
        cur.executemany(
            f"UPDATE tickets SET external_id_{suffix} = %s, customer_reference_{suffix} = %s WHERE id = %s",
            rows,
        )


REFERENCE_COMPACTS = """
ALTER TABLE tickets ADD COLUMN external_id_compact text, ADD COLUMN customer_reference_compact text;
CREATE INDEX tickets_external_id_compact ON tickets (external_id_compact) WHERE external_id_compact IS NOT NULL;
CREATE INDEX tickets_customer_reference_compact ON tickets (customer_reference_compact)
    WHERE customer_reference_compact IS NOT NULL;
"""


def fill_reference_compacts(cur: Any) -> None:
    """The compact forms of the references already stored (query.compact: the one lookups use)."""
    from sdcli.store.query import compact

    _fill_references(cur, REFERENCE_COMPACTS, "compact", compact)


def fill_query_columns(cur: Any) -> None:
    """Listings answered by SQL: the open index's keys as columns (postgres_query.py)."""
    from sdcli.store.postgres_query import fill

    fill(cur)


def fill_incomplete(cur: Any) -> None:
    """The shift view's incomplete section answered by SQL (postgres_query.py)."""
    from sdcli.store.postgres_query import fill_incomplete

    fill_incomplete(cur)


def fill_escalation_from(cur: Any) -> None:
    """The shift view's escalation windows answered by SQL on the running time (postgres_query.py)."""
    from sdcli.store.postgres_query import fill_escalation_from

    fill_escalation_from(cur)


def fill_active_level(cur: Any) -> None:
    """The shift view's escalations owed by failed calls answered by SQL (postgres_query.py)."""
    from sdcli.store.postgres_query import fill_active_level

    fill_active_level(cur)


#: (version, name, SQL or a function of a cursor), applied in order; the schema this sdcli needs is the last one's
MIGRATIONS: list[tuple[int, str, Any]] = [
    (1, "tickets-history-customers-counters", INITIAL),
    (2, "request-ids-write-markers-moved-mark", REQUESTS),
    (3, "reference-folds-indexed", fill_reference_folds),
    (4, "message-ids-outbox", MAIL),
    (5, "open-query-columns", fill_query_columns),
    (6, "open-incomplete-column", fill_incomplete),
    (7, "open-escalation-from-column", fill_escalation_from),
    (8, "open-active-level-columns", fill_active_level),
    (9, "reference-compacts-indexed", fill_reference_compacts),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

#: what an agent's login needs (sdcli db grant ROLE): history only ever appended to
GRANTS = (
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT, INSERT, UPDATE ON {schema}.tickets, {schema}.counters, {schema}.customers, {schema}.outbox TO {role}",
    "GRANT SELECT, INSERT ON {schema}.history, {schema}.writes TO {role}",
    "GRANT SELECT, UPDATE ON {schema}.meta TO {role}",
    "GRANT SELECT ON {schema}.migrations TO {role}",
)
#: (table, privilege) an agent's login must have: what doctor checks
NEEDED = [(t, p) for t in ("tickets", "counters", "customers", "outbox") for p in ("SELECT", "INSERT", "UPDATE")] + [
    ("history", "SELECT"), ("history", "INSERT"), ("writes", "INSERT"), ("meta", "SELECT"), ("meta", "UPDATE"),
]  # fmt: skip


def one(cur: Any) -> Any:
    """The row a query always returns (an aggregate, a RETURNING, a row just locked)."""
    found = cur.fetchone()
    if found is None:
        raise StoreDamaged("the PostgreSQL server returned no row where one is always returned")
    return found


def installed(cur: Any, schema: str) -> int | None:
    """The schema version in the database; None when sdcli's tables are not there."""
    cur.execute("SELECT n.oid IS NOT NULL AND NOT has_schema_privilege(n.oid, 'USAGE'), current_user "
                "FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = %s", (schema,))  # fmt: skip
    barred, login = cur.fetchone()
    if barred:
        raise StoreUnavailable("postgres.may_not_use", login=login, schema=schema)
    cur.execute("SELECT to_regclass(%s)", (f"{schema}.migrations",))
    table = one(cur)[0]
    if table is None:
        return None
    cur.execute("SELECT max(version) FROM migrations")
    return one(cur)[0] or 0


def check(version: int | None, shown: str) -> None:
    if version is None:
        raise StoreUnavailable("postgres.no_schema", store=shown)
    if version < SCHEMA_VERSION:
        raise StoreUnavailable("postgres.schema_older", store=shown, version=version, needed=SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        raise StoreDamaged("postgres.schema_newer", store=shown, version=version, known=SCHEMA_VERSION)


def migrate(conn: Any, schema: str, shown: str, upto: int | None = None) -> list[str]:
    """Apply the missing migrations (up to `upto`, for tests of older schemas) in one transaction."""
    applied: list[str] = []
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sdcli-migrate:{schema}",))
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        cur.execute(
            "CREATE TABLE IF NOT EXISTS migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)"
        )
        version = installed(cur, schema) or 0
        if version > SCHEMA_VERSION:
            check(version, shown)
        for number, name, sql in MIGRATIONS:
            if number > version and (upto is None or number <= upto):
                sql(cur) if callable(sql) else cur.execute(sql)
                cur.execute("INSERT INTO migrations (version, name) VALUES (%s, %s)", (number, name))
                applied.append(name)
    return applied
