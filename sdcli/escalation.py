"""An incident's escalation state and the source's calling rules. No CLI imports.

- escalate only registered incidents, never resolved or closed ones;
- the correct level follows the severity and the incident's age (thresholds as data): its running
  time, as the SLA clock counts it (time on hold, and resolved before a reopen, excluded);
- calling above the correct level needs an explicit, recorded reason;
- by phone; email is a backup that is not monitored 24x7; SMS and WhatsApp are refused;
- after 3 consecutive failed calls at a level: leave a voicemail and go to the next level;
- the sales / commercial team is never an escalation contact.

The table and its checks are escalation_table.py; recording an attempt (its store write and the
advice for the agent) is escalation_calls.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sdcli import clock, pauses, sla, states, suggesting
from sdcli.errors import InvalidValue, RefusedTransition, RuleViolation
from sdcli.escalation_table import (
    CALL_CHANNELS,
    FAILED,
    FORBIDDEN,
    RULE_CHANNELS,
    EscalationTable,
    load_table,
)
from sdcli.i18n import Localized, Message

# --------------------------------------------------------------------------- state of one incident


def severity_of(doc: dict[str, Any], home: Path | None = None) -> tuple[int, bool]:
    """(severity, classified?) — an unclassified incident escalates on its suggestion."""
    if doc.get("severity"):
        return int(doc["severity"]), True
    return suggesting.suggest(doc, home=home).severity, False


def correct_level(table: EscalationTable, severity: int, age: timedelta) -> int:
    minutes = age.total_seconds() / 60
    level = 1
    for lv in table.levels:
        if severity in lv.after and lv.after[severity] <= minutes:
            level = max(level, lv.level)
    return level


def next_level_at(table: EscalationTable, severity: int, started: datetime, now: datetime) -> datetime | None:
    """When the next level above the current correct one becomes correct by time, the escalation
    clock running from `started` (opened_at, later by the completed pauses: pauses.escalation_clock)."""
    current = correct_level(table, severity, now - started)
    later = [
        started + timedelta(minutes=lv.after[severity])
        for lv in table.levels
        if lv.level > current and severity in lv.after
    ]
    return min(later) if later else None


def attempts(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc.get("escalation_attempts", []))


def consecutive_failures(history: list[dict[str, Any]], level: int) -> int:
    """Failed phone calls at a level since the last success there."""
    n = 0
    for a in history:
        if a.get("level") != level or a.get("channel") != "phone":
            continue
        n = n + 1 if a.get("outcome") in FAILED else 0
    return n


@dataclass(frozen=True)
class Position:
    """Where an incident stands: its severity, the level correct by time and the one to call."""

    severity: int
    classified: bool  # False: an unclassified incident escalates on its suggestion
    started: datetime  # the escalation clock's start: opened_at, later by the completed SLA pauses
    stopped: datetime | None  # the start of the pause it is in (its age stands still), else None
    age: timedelta  # the running time: time on hold and resolved before a reopen excluded
    current: int  # the correct level, by severity and age
    active: int  # the level to call: the correct one, or higher after failed calls


def position(
    doc: dict[str, Any], table: EscalationTable, now: datetime, home: Path | None = None
) -> Position:
    severity, classified = severity_of(doc, home)
    started, stopped = pauses.escalation_clock(doc)
    age = (now if stopped is None else min(now, stopped)) - started
    current = correct_level(table, severity, age)
    active = max(current, int(doc.get("escalation", {}).get("active_level", 1)))
    return Position(severity, classified, started, stopped, age, current, min(active, table.top))


def state(
    doc: dict[str, Any], table: EscalationTable, now: datetime, home: Path | None = None
) -> dict[str, Any]:
    """current_level (by severity and age), active_level (raised by failed calls), next_level_at
    (none while a pause stands: the clock waits), the age and escalation_from the levels count
    from: what `escalate --json` gives and the table view shows (computed once per run and view)."""
    at = position(doc, table, now, home)
    severity, zone = at.severity, clock.from_iso(doc["opened_at"]).tzinfo
    nxt = next_level_at(table, severity, at.started, now) if at.stopped is None else None
    hist = attempts(doc)
    return {
        "id": doc["id"],
        "severity": severity,
        "severity_classified": at.classified,
        "age_minutes": int(at.age.total_seconds() // 60),
        "escalation_from": sla.site_iso(doc, at.started, zone),  # as pauses.escalation_from writes it
        "recovery_due": doc.get("recovery_due"),
        "current_level": at.current,
        "active_level": at.active,
        "next_level_at": sla.site_iso(doc, nxt, zone) if nxt else None,
        "owner": doc.get("escalation", {}).get("owner"),
        "levels": [
            {
                "level": lv.level,
                "name": str(Localized(lv.name)),
                "after_minutes": lv.after.get(severity),
                "correct": lv.level == at.current,
                "active": lv.level == at.active,
                "consecutive_failures": consecutive_failures(hist, lv.level),
                "contacts": [c.as_dict(now) for c in lv.contacts],
                "attempts": [a for a in hist if a.get("level") == lv.level],
            }
            for lv in table.levels
        ],
        "attempts": hist,
    }


def check_escalable(doc: dict[str, Any], home: Path | None = None) -> None:
    if doc.get("kind") != "incident":
        raise RefusedTransition("error.escalate_not_incident", id=doc["id"])
    if doc.get("status") not in states.flow("incident", home).escalable:
        raise RefusedTransition("error.escalate_finished", id=doc["id"], status=doc["status"])


def check_channel(channel: str) -> str:
    """phone or email; SMS and WhatsApp are refused citing the rule."""
    ch = channel.strip().lower()
    if ch in FORBIDDEN:
        raise RuleViolation("error.channel_forbidden", channel=FORBIDDEN[ch], rule=Message(RULE_CHANNELS))
    if ch not in CALL_CHANNELS:
        raise InvalidValue("channel", channel, "invalid.escalation_channel")
    return ch


def due_now(
    now: datetime,
    incidents: list[dict[str, Any]],
    home: Path | None = None,
    directory: list[dict[str, Any]] | None = None,
    documents: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Open incidents whose owed level (owed_levels: the correct one by time, or the active one
    failed calls raised) is above the highest level already attempted, the longest due first
    (then the longest running, then in id order). An unclassified incident is due on its
    suggested severity, as `escalate` calls it (severity_of), suggested from its whole document:
    `documents` (id → document) when `incidents` are summaries (a level owed by failed calls is
    due since the last of them, read from the document's attempts). Raises ConfigError for a
    table that cannot be used."""
    table = load_table(home, directory)
    running = states.flow("incident", home).running
    out = []
    for s in incidents:
        if s.get("status") not in running:
            continue
        doc = (documents or {}).get(s["id"], s)
        entry = due_entry(table, s, severity_of(doc, home)[0], now, doc)
        if entry is not None:
            out.append(entry)
    return [d for _, d in sorted(out, key=lambda x: x[0])]


def owed_levels(
    table: EscalationTable, s: dict[str, Any], severity: int, now: datetime
) -> tuple[datetime, int, int]:
    """(the escalation clock's start, the level correct by time, the active level) of a running
    incident: the level owed is the higher of the two, as `escalate` calls it (Position.active):
    the source's 3 failed calls at a level raise the active level (escalation_calls.py) whatever
    the time. Read from its summary as the open index keeps it (query.active_level)."""
    from sdcli.store.query import active_level  # deferred: the listings' module, not escalate ID's

    started, _ = pauses.escalation_clock(s)  # a running incident: no pause stands
    return started, correct_level(table, severity, now - started), min(active_level(s), table.top)


def due_entry(
    table: EscalationTable, s: dict[str, Any], severity: int, now: datetime, doc: dict[str, Any] | None = None
) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """(its order in the due list, the row with next_level_at and due_level) of an incident whose
    owed level (owed_levels) is above the highest attempted, else None. A level correct by time
    came due at its threshold; one owed by failed calls at the last failed call below it (in
    `doc`, the incident's document: a summary holds no attempts; without one, the clock's start)."""
    from sdcli.store.query import level_attempted

    started, by_time, active = owed_levels(table, s, severity, now)
    done = max(level_attempted(s), 1)
    if active > by_time:
        return None if active <= done else due_row(s, started, owed_since(doc or s, active, started), active)
    if by_time <= done:
        return None
    return due_row(s, started, started + timedelta(minutes=table.level(by_time).after[severity]), by_time)


def owed_since(doc: dict[str, Any], level: int, started: datetime) -> datetime:
    """When failed calls made `level` owed: the last failed phone call at the level below it (else
    the last attempt recorded; with none, the escalation clock's start)."""
    tried = attempts(doc)
    failed = [a for a in tried if a.get("level") == level - 1 and a.get("channel") == "phone"
              and a.get("outcome") in FAILED]  # fmt: skip
    instants = []
    for a in failed or tried:
        try:
            instants.append(clock.from_iso(a["at"]))
        except (KeyError, TypeError, ValueError):
            continue
    return max(instants) if instants else started


def due_row(
    s: dict[str, Any], started: datetime, since: datetime, level: int
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """An incident whose escalation clock started at `started` due at `level` since `since`: its
    order in the due list (longest due first, then the longest running, then in id order) and its
    row, with when the level came due in its site's zone."""
    from sdcli.store.query import id_order  # deferred: the listings' module, not escalate ID's

    zone = clock.from_iso(s["opened_at"]).tzinfo
    row = {**s, "next_level_at": sla.site_iso(s, since, zone), "due_level": level}
    return (since, started.timestamp(), id_order(s)), row
