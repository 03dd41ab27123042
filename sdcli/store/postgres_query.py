"""Listings on PostgreSQL read only what they show: `query_open`'s filters, sort, limit and count
answered by SQL over typed query columns of the tickets table (schema 5). No CLI imports.

The columns hold the open index's keys (`openindex_keys.keys_of`: the same functions the reference
semantics in query.py use, computed from the ticket's summary when it is written), NULL for a
finished ticket. Partial indexes on the open tickets serve the sorts listings and the shift view
use (opened, SLA due, acknowledgement due, unclassified, id), so `list --limit 20` reads 20 rows
whatever the size of the open queue.
"""

from __future__ import annotations

from typing import Any

from sdcli.model import summary
from sdcli.store.files import dumps, loads
from sdcli.store.openindex_keys import KEYS, keys_of
from sdcli.store.query import TIME_SORTS, OpenQuery, Page, fold

_TYPES = "int2 text int8 int2 text text text float8 float8 float8 float8 int2 int2 int4 int2 float8 int4 int2".split()
#: (column, type: COPY's and the column's) of each key, in KEYS' order
COLUMNS = tuple((f"q_{k}", t) for k, t in zip(KEYS, _TYPES, strict=True))
_COLUMNS_5 = COLUMNS[:14]  # those migration 5 adds (q_rank ... q_level_attempted)
_SORTED = {"status", "severity", "customer", *TIME_SORTS}
_BITS = {"int2": 16, "int8": 64, "int4": 32}
#: frozen as applied (a change of the keys is a new migration): text a listing sorts by is
#: compared by code point (COLLATE "C"), as Python's str is, not by the server's locale
MIGRATION = """
ALTER TABLE tickets ADD COLUMN q_rank int2, ADD COLUMN q_status text COLLATE "C", ADD COLUMN q_severity int8,
    ADD COLUMN q_classified int2, ADD COLUMN q_customer text COLLATE "C", ADD COLUMN q_customer_fold text,
    ADD COLUMN q_site_fold text, ADD COLUMN q_opened_at float8, ADD COLUMN q_updated_at float8,
    ADD COLUMN q_recovery_due float8, ADD COLUMN q_ack_due float8, ADD COLUMN q_paused int2,
    ADD COLUMN q_ack_pending int2, ADD COLUMN q_level_attempted int4;
CREATE INDEX tickets_q_id ON tickets (q_rank, number) WHERE NOT finished;
CREATE INDEX tickets_q_opened ON tickets (q_opened_at, q_rank, number) WHERE NOT finished;
CREATE INDEX tickets_q_recovery_due ON tickets (q_recovery_due, q_rank, number)
    WHERE NOT finished AND q_recovery_due IS NOT NULL;
CREATE INDEX tickets_q_ack_due ON tickets (q_ack_due, q_rank, number) WHERE NOT finished AND q_ack_pending = 1;
CREATE INDEX tickets_q_unclassified ON tickets (q_opened_at, q_rank, number) WHERE NOT finished AND q_classified = 0;
"""
#: migration 6: whether an open ticket lacks answers the questionnaire requires (the shift view's
#: incomplete section), indexed in its order
MIGRATION_6 = """
ALTER TABLE tickets ADD COLUMN q_incomplete int2;
CREATE INDEX tickets_q_incomplete ON tickets (q_opened_at, q_rank, number) WHERE NOT finished AND q_incomplete = 1;
UPDATE tickets SET q_incomplete = 0 WHERE NOT finished AND summary IS NOT NULL;
"""
#: migration 7: when an open incident's escalation clock started (escalation_from: opened_at, later
#: by its completed SLA pauses), indexed for the shift view's escalation windows by severity
MIGRATION_7 = """
ALTER TABLE tickets ADD COLUMN q_escalation_from float8;
CREATE INDEX tickets_q_escalation ON tickets (q_severity, q_escalation_from, q_rank, number) WHERE NOT finished;
UPDATE tickets SET q_escalation_from = q_opened_at WHERE NOT finished AND summary IS NOT NULL;
"""

#: migration 8: the level to call (escalation's active_level, raised by failed calls) and whether it
#: is owed above every level called (the shift view's escalations owed whatever the time), indexed
MIGRATION_8 = """
ALTER TABLE tickets ADD COLUMN q_active_level int4, ADD COLUMN q_owed int2;
CREATE INDEX tickets_q_owed ON tickets (q_opened_at, q_rank, number) WHERE NOT finished AND q_owed = 1;
UPDATE tickets SET q_active_level = 1, q_owed = 0 WHERE NOT finished AND summary IS NOT NULL;
"""


def _fit(value: Any, kind: str) -> Any:
    """A key as its column takes it: text without NUL, integers in the column's range."""
    if value is None:
        return None
    if kind == "text":
        return value.replace("\x00", "")
    bits = _BITS.get(kind)
    if bits is not None and not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        return None
    return value


def values(prefix: str, summary: dict[str, Any] | None) -> tuple[Any, ...]:
    """The query columns of a ticket (its summary; None when it is finished: every column NULL)."""
    if summary is None:
        return (None,) * len(COLUMNS)
    return tuple(_fit(v, kind) for v, (_, kind) in zip(keys_of(prefix, summary), COLUMNS, strict=True))


def fill(cur: Any) -> None:
    """Migration 5: the columns and indexes, and the keys of the open tickets already stored
    (read in chunks by a server-side cursor, copied to a temporary table, set in one UPDATE)."""
    cur.execute(MIGRATION)
    names = ", ".join(c for c, _ in _COLUMNS_5)
    cur.execute(f"CREATE TEMP TABLE q_fill (id text PRIMARY KEY, {', '.join(f'{c} {t}' for c, t in _COLUMNS_5)}) "
                "ON COMMIT DROP")  # fmt: skip
    with cur.connection.cursor(name="sdcli_q_fill") as source:
        source.execute("SELECT id, prefix, summary FROM tickets WHERE NOT finished AND summary IS NOT NULL")
        while chunk := source.fetchmany(20_000):
            with cur.copy(f"COPY q_fill (id, {names}) FROM STDIN (FORMAT BINARY)") as cp:
                cp.set_types(["text", *(t for _, t in _COLUMNS_5)])
                for tid, prefix, text in chunk:
                    cp.write_row((tid, *values(prefix, loads(text))[: len(_COLUMNS_5)]))
    cur.execute(f"UPDATE tickets t SET ({names}) = ({', '.join(f'f.{c}' for c, _ in _COLUMNS_5)}) "
                "FROM q_fill f WHERE t.id = f.id")  # fmt: skip


def fill_incomplete(cur: Any) -> None:
    """Migration 6: the column, its index, and its value for the open tickets already stored (0,
    and 1 for those whose summary names missing answers: only those summaries are read)."""
    cur.execute(MIGRATION_6)
    at = KEYS.index("incomplete")
    cur.execute("SELECT id, prefix, summary FROM tickets WHERE NOT finished AND summary LIKE %s",
                ('%"missing_answers"%',))  # fmt: skip
    ids = [(tid,) for tid, prefix, text in cur.fetchall() if keys_of(prefix, loads(text))[at]]
    if ids:
        cur.executemany("UPDATE tickets SET q_incomplete = 1 WHERE id = %s", ids)


def fill_escalation_from(cur: Any) -> None:
    """Migration 7: the column, its index, and its value for the open tickets already stored
    (opened_at; for those whose document has SLA pauses, read only those, their summary made
    again with its escalation_from and the column set from it)."""
    cur.execute(MIGRATION_7)
    at = KEYS.index("escalation_from")
    cur.execute("SELECT id, prefix, doc FROM tickets WHERE NOT finished AND summary IS NOT NULL AND doc LIKE %s",
                ('%"sla_pauses"%',))  # fmt: skip
    rows = [(dumps(shown).decode("utf-8"), keys_of(prefix, shown)[at], tid)
            for tid, prefix, text in cur.fetchall() if "escalation_from" in (shown := summary(loads(text)))]  # fmt: skip
    if rows:
        cur.executemany("UPDATE tickets SET summary = %s, q_escalation_from = %s WHERE id = %s", rows)


def fill_active_level(cur: Any) -> None:
    """Migration 8: the columns, their index, and their values for the open tickets already stored
    (1 and 0; for those whose summary names an active level, read only those, set from it)."""
    cur.execute(MIGRATION_8)
    active, owed = KEYS.index("active_level"), KEYS.index("owed")
    cur.execute("SELECT id, prefix, summary FROM tickets WHERE NOT finished AND summary LIKE %s",
                ('%"active_level"%',))  # fmt: skip
    rows = [(k[active], k[owed], tid) for tid, prefix, text in cur.fetchall()
            if (k := values(prefix, loads(text)))[active] != 1 or k[owed]]  # fmt: skip
    if rows:
        cur.executemany("UPDATE tickets SET q_active_level = %s, q_owed = %s WHERE id = %s", rows)


def where(q: OpenQuery) -> tuple[str, list[Any]]:
    """The SQL condition of a query over the open tickets, and its parameters."""
    parts: list[str] = ["NOT finished"]
    args: list[Any] = []

    def among(column: str, options: tuple[Any, ...]) -> None:  # one value: an index gives its order
        parts.append(f"{column} = %s" if len(options) == 1 else f"{column} = ANY(%s)")
        args.append(options[0] if len(options) == 1 else list(options))

    if q.prefix is not None:
        parts.append("prefix = %s")
        args.append(q.prefix)
    if q.statuses:  # a status with a NUL is never stored (text cannot hold it)
        among("q_status", tuple(s for s in q.statuses if "\x00" not in s))
    if q.severities:
        among("q_severity", q.severities)
    parts += [f"q_{column} = {value}" for column, value in q.flags()]
    for column, text in (("q_customer_fold", q.customer), ("q_site_fold", q.site)):
        if text is not None:
            parts.append(f"strpos({column}, %s) > 0")
            args.append(fold(text).replace("\x00", ""))
    for column, rng in (("q_opened_at", q.opened), ("q_recovery_due", q.recovery_due),
                        ("q_escalation_from", q.escalation)):  # fmt: skip
        if rng is not None:
            parts.append(f"{column} IS NOT NULL")
            for bound, op in ((rng.low, ">="), (rng.high, "<")):
                if bound is not None:
                    parts.append(f"{column} {op} %s")
                    args.append(bound.timestamp())
    if q.levels_attempted:
        among("q_level_attempted", q.levels_attempted)
    if q.active_levels:
        among("q_active_level", q.active_levels)
    return " AND ".join(parts), args


def order(q: OpenQuery) -> str:
    """query.page's order: present values by the sort, ties in id order, the missing ones last."""
    direction = " DESC" if q.reverse else ""
    if q.sort == "id":
        return f"q_rank{direction}, number{direction}"
    assert q.sort in _SORTED
    return f"q_{q.sort}{direction} NULLS LAST, q_rank, number"


def answer(cur: Any, q: OpenQuery) -> Page:
    """The page of a query (its count and rows read in the caller's one snapshot)."""
    condition, args = where(q)
    cur.execute(f"SELECT count(*) FROM tickets WHERE {condition}", args)
    total = int(cur.fetchone()[0])
    if q.limit is not None and q.limit <= 0:
        return Page([], total)
    limit = "" if q.limit is None else f" LIMIT {int(q.limit)}"
    cur.execute(f"SELECT summary FROM tickets WHERE {condition} ORDER BY {order(q)}{limit}", args)
    return Page([loads(s) for (s,) in cur], total)
