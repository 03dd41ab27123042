"""The SQL of the open index's queries (openindex.py): the condition of an OpenQuery, the index
that serves it, and the rows in page()'s order read from that index. No CLI imports."""

from __future__ import annotations

import sqlite3
from typing import Any

from sdcli.model import PREFIXES
from sdcli.store.query import TIME_SORTS, OpenQuery, fold

_RANKS = {p: i for i, p in enumerate(PREFIXES)}
_COLUMNS = {"opened_at", "updated_at", "recovery_due", "ack_due", "severity", "status", "customer",
            "escalation_from"}  # fmt: skip


def where(q: OpenQuery) -> tuple[str, list[Any]]:
    """The condition; with a prefix, the rank it implies too (so an index whose columns go on
    (rank, number) gives id order)."""
    parts: list[str] = ["1"]
    args: list[Any] = []
    if q.prefix is not None:
        parts.append("prefix = ?")
        args.append(q.prefix)
        if q.prefix in _RANKS:
            parts.append(f"rank = {_RANKS[q.prefix]}")
    if q.statuses:
        parts.append(f"status IN ({', '.join('?' * len(q.statuses))})")
        args.extend(q.statuses)
    if q.severities:
        parts.append(f"severity IN ({', '.join('?' * len(q.severities))})")
        args.extend(q.severities)
    parts += [f"{column} = {value}" for column, value in q.flags()]
    for name, text in (("customer_fold", q.customer), ("site_fold", q.site)):
        if text is not None:
            parts.append(f"instr({name}, ?) > 0")
            args.append(fold(text))
    ranges = (("opened_at", q.opened), ("recovery_due", q.recovery_due), ("escalation_from", q.escalation))
    for column, rng in ranges:
        if rng is not None:
            parts.append(f"{column} IS NOT NULL")
            if rng.low is not None:
                parts.append(f"{column} >= ?")
                args.append(rng.low.timestamp())
            if rng.high is not None:
                parts.append(f"{column} < ?")
                args.append(rng.high.timestamp())
    for column, levels in (("level_attempted", q.levels_attempted), ("active_level", q.active_levels)):
        if levels:
            parts.append(f"{column} IN ({', '.join('?' * len(levels))})")
            args.extend(levels)
    return " AND ".join(parts), args


def source(q: OpenQuery) -> str:
    """The table, with the index that serves the query named (INDEXED BY): chosen by the query's
    most selective filter, as the planner without statistics would not (it takes the primary
    key for `prefix = ?`, reading every open summary). Every named index covers what it filters
    by, so a count reads no summary; a partial one is named only where the condition implies it."""
    if q.recovery_due is not None:
        index = "open_due"
    elif q.ack_pending:
        index = "open_ack"
    elif q.incomplete:
        index = "open_incomplete"
    elif q.owed:
        index = "open_owed"
    elif q.classified is False:
        index = "open_unclassified"
    elif q.severities and q.escalation is not None:
        index = "open_escalation"
    elif q.statuses and q.sort == "id":
        index = "open_status"
    else:
        return "open"
    return f"open INDEXED BY {index}"


def rows(db: sqlite3.Connection, q: OpenQuery, source: str, where: str, args: list[Any]) -> list[bytes]:
    """The summaries in page()'s order: those with the sort's value by it (ties in id order),
    then those without it in id order; each part in an index's order (no `IS NULL` term to sort
    by). With a limit, the keys are found in the index alone and only the rows shown are read."""
    direction, limit = " DESC" if q.reverse else "", "" if q.limit is None else " LIMIT ?"
    select = f"SELECT {'summary' if q.limit is None else 'prefix, number'} FROM {source} WHERE {where}"
    if q.sort == "id":
        ids = db.execute(
            f"{select} ORDER BY rank{direction}, number{direction}{limit}", [*args, *_left(q, [])]
        )
        return _summaries(db, q, ids.fetchall())
    column = q.sort if q.sort in _COLUMNS else "opened_at"
    assert q.sort in TIME_SORTS | _COLUMNS
    order = f"{column}{direction}, rank, number"
    found = db.execute(f"{select} AND {column} IS NOT NULL ORDER BY {order}{limit}", [*args, *_left(q, [])])
    got = found.fetchall()
    if q.limit is None or len(got) < q.limit:
        rest = db.execute(
            f"{select} AND {column} IS NULL ORDER BY rank, number{limit}", [*args, *_left(q, got)]
        )
        got += rest.fetchall()
    return _summaries(db, q, got)


def _left(q: OpenQuery, got: list[Any]) -> list[int]:
    return [] if q.limit is None else [q.limit - len(got)]


def _summaries(db: sqlite3.Connection, q: OpenQuery, got: list[Any]) -> list[bytes]:
    if q.limit is None:
        return [r[0] for r in got]
    read = "SELECT summary FROM open WHERE prefix = ? AND number = ?"
    return [db.execute(read, key).fetchone()[0] for key in got]
