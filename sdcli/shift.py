"""The start-of-shift view: what is breached, about to breach, or owed to a customer."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sdcli import clock, escalation, pauses, states
from sdcli.errors import ConfigError
from sdcli.escalation_table import EscalationTable, load_table
from sdcli.i18n import Message
from sdcli.store import Store
from sdcli.store.query import OpenQuery, Page, Range

#: the view's sections of tickets, in the order the command shows them
SECTIONS = ("breached", "due_soon", "unacked", "escalation_due", "unclassified", "on_hold", "incomplete")
_TICK = timedelta(microseconds=1)  # an inclusive upper bound as Range's exclusive one


def view(
    store: Store, now: datetime, within: timedelta, home: Path | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Sections of open incidents, each sorted by urgency (most urgent first), each answered
    by the store's open index (breached: due before now, due soon: now to now + within, both with
    the clock running). The
    states come from workflow.toml (states.py): breaches and escalations where the SLA clock
    runs, the on_hold section where it is paused, the rest wherever the desk still works.

    With a `limit` each section holds at most that many rows (what a terminal shows) and
    "counts" says how many each has in all; without, every row."""

    def section(statuses: frozenset[str], **filters: Any) -> Page:
        if not statuses:  # no state of that meaning in this desk's workflow (an empty filter is "any")
            return Page([], 0)
        return store.query_open(
            OpenQuery(prefix="INC", statuses=tuple(sorted(statuses)), limit=limit, **filters)
        )

    flow = states.flow("incident", home)
    soon = now + within + _TICK  # due within: now <= due <= now + within
    problems: list[Message] = []
    try:
        escalations = escalations_due(store, now, home, limit)
    except ConfigError as e:  # the rest of the view still serves; the agent is told why this part is empty
        escalations, problems = Page([], 0), [Message("shift.no_escalations", reason=e.message)]
    pages = {
        "breached": section(flow.running, unpaused=True, recovery_due=Range(None, now), sort="recovery_due"),
        "due_soon": section(flow.running, unpaused=True, recovery_due=Range(now, soon), sort="recovery_due"),
        "unacked": section(flow.active, ack_pending=True, sort="ack_due"),
        "escalation_due": escalations,
        "unclassified": section(flow.active, classified=False, sort="opened_at"),
        "on_hold": section(flow.paused, sort="id"),
        "incomplete": _incomplete(store, flow.active, limit),
    }
    return {
        "now": clock.iso(now),
        "within": f"{int(within.total_seconds() // 60)}m",
        **{key: pages[key].rows for key in SECTIONS if key != "escalation_due"},
        "updates_failed": store.outbox(states=("failed",)),
        "escalation_due": escalations.rows,
        "problems": problems,  # Messages: the command shows them, and gives JSON their English text
        "counts": {key: p.total for key, p in pages.items()},  # the command takes it out of JSON
    }


def _incomplete(store: Store, active: frozenset[str], limit: int | None) -> Page:
    """Active incidents opened without every answer the questionnaire requires, oldest first."""
    if not active:
        return Page([], 0)
    return store.query_open(
        OpenQuery(
            prefix="INC", statuses=tuple(sorted(active)), incomplete=True, sort="opened_at", limit=limit
        )
    )


def escalations_due(store: Store, now: datetime, home: Path | None = None, limit: int | None = None) -> Page:
    """escalation.due_now's answer (its reference) read from the open index: for each severity
    and each span of age in which the correct level is constant, the running classified
    incidents whose escalation clock started in that span (escalation_from: opened_at, later by
    the completed SLA pauses), whose highest level attempted is below it and whose active level
    is not above it, the longest running first; the incidents owed a level above that by failed
    calls (_owed_by_calls); merged by the instant each became due. Raises ConfigError for a
    table that cannot be used."""
    table = load_table(home, store.customers())
    running = tuple(sorted(states.flow("incident", home).running))
    if not running:
        return Page([], 0)
    streams: list[Iterator[tuple[tuple[Any, ...], dict[str, Any]]]] = []
    total = 0
    for severity, level, started in _windows(table, now):
        # an active level above this one (failed calls raised it) is owed instead: _owed_by_calls
        active = tuple(range(1, level + 1)) if level < table.top else ()
        q = OpenQuery(prefix="INC", statuses=running, severities=(severity,), levels_attempted=tuple(range(level)),
                      active_levels=active, escalation=started, sort="escalation_from", limit=limit)  # fmt: skip
        found = store.query_open(q)
        total += found.total
        streams.append(_due_rows(found.rows, timedelta(minutes=table.level(level).after[severity]), level))
    for extra in (
        _unclassified_due(store, table, running, now, home),
        _owed_by_calls(store, table, running, now),
    ):
        total += len(extra)
        streams.append(iter(extra))
    rows = (row for _, row in heapq.merge(*streams, key=lambda pair: pair[0]))
    return Page(list(rows if limit is None else itertools.islice(rows, limit)), total)


def _unclassified_due(
    store: Store, table: EscalationTable, running: tuple[str, ...], now: datetime, home: Path | None
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The running incidents not yet classified that are due on their suggested severity (what
    `escalate` calls them on), in due order. Each one's answers are read from its document; a desk
    classifies on intake, so these are the few of the last minutes."""
    q = OpenQuery(prefix="INC", statuses=running, classified=False, sort="opened_at")
    out = []
    for s in store.query_open(q).rows:
        doc = store.get(s["id"])
        entry = escalation.due_entry(table, s, escalation.severity_of(doc, home)[0], now, doc)
        if entry is not None:
            out.append(entry)
    return sorted(out, key=lambda e: e[0])


def _owed_by_calls(
    store: Store, table: EscalationTable, running: tuple[str, ...], now: datetime
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The running classified incidents whose active level, raised by failed calls, is above
    every level called (the index's owed column) and above the level correct by time (the
    windows list the others), in due order: each one due since its last failed call, read from
    its document. A desk calls the next level at once, so these are few."""
    q = OpenQuery(prefix="INC", statuses=running, classified=True, owed=True, sort="opened_at")
    out = []
    for s in store.query_open(q).rows:
        severity = escalation.severity_of(s)[0]
        _, by_time, active = escalation.owed_levels(table, s, severity, now)
        if active > by_time and (entry := escalation.due_entry(table, s, severity, now, store.get(s["id"]))):
            out.append(entry)
    return sorted(out, key=lambda e: e[0])


def _windows(table: EscalationTable, now: datetime) -> Iterator[tuple[int, int, Range]]:
    """(severity, the level correct by time, the range of escalation_from in which it is) for every
    level above 1: escalation.correct_level is constant between two consecutive thresholds."""
    # a severity of 0 is unclassified: never due
    for severity in sorted({s for lv in table.levels for s in lv.after if s}):
        points = sorted({lv.after[severity] for lv in table.levels if severity in lv.after})
        for i, minutes in enumerate(points):
            level = escalation.correct_level(table, severity, timedelta(minutes=minutes))
            if level < 2:
                continue
            older = now - timedelta(minutes=points[i + 1]) + _TICK if i + 1 < len(points) else None
            yield severity, level, Range(older, now - timedelta(minutes=minutes) + _TICK)


def _due_rows(
    rows: list[dict[str, Any]], after: timedelta, level: int
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """A window's rows (longest running first) with when their level became due, keyed as due_now
    orders them."""
    for s in rows:
        started, _ = pauses.escalation_clock(s)
        yield escalation.due_row(s, started, started + after, level)
