"""Severity, recovery targets and the SLA clock (24x7 or business hours), with pauses.

No CLI imports. Time is counted on a calendar (sdcli.calendars) on instants; stored values are
ISO 8601 strings in the site's zone, with its offset at that instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sdcli import calendars, clock, validate
from sdcli.errors import ConfigError, InvalidValue, RefusedTransition
from sdcli.home import load_data

LEVELS_SCALE = {"high": "high", "h": "high", "1": "high", "medium": "medium", "med": "medium", "m": "medium",
                "2": "medium", "low": "low", "l": "low", "3": "low"}  # fmt: skip


# --------------------------------------------------------------------------- definitions


def levels(home: Path | None = None) -> dict[int, dict[str, Any]]:
    data = load_data("severity", home)
    out = {int(lv["level"]): lv for lv in data.get("level", [])}
    if not out:
        raise ConfigError("severity: no levels defined")
    return out


def level_name(level: int, lang: str, home: Path | None = None) -> str:
    lv = levels(home).get(level, {})
    return lv.get("name", {}).get(lang) or lv.get("name", {}).get("en") or str(level)


def matrix_level(impact: str, urgency: str, home: Path | None = None) -> int:
    """The ITIL impact x urgency matrix (high/medium/low or 1-3)."""
    i = LEVELS_SCALE.get(str(impact).strip().lower().split(" ")[0])
    u = LEVELS_SCALE.get(str(urgency).strip().lower().split(" ")[0])
    if i is None:
        raise InvalidValue("impact", impact, "use high, medium, low or 1-3")
    if u is None:
        raise InvalidValue("urgency", urgency, "use high, medium, low or 1-3")
    return int(load_data("severity", home)["matrix"][i][u])


@dataclass
class Suggestion:
    severity: int
    reasons: list[str]


def suggest(doc: dict[str, Any], lang: str = "en", home: Path | None = None) -> Suggestion:
    """The first classification rule (data) whose conditions hold for the intake answers."""
    for rule in load_data("classification", home).get("rule", []):
        conds = rule.get("when", {})
        if all(doc.get(k, "missing") in allowed for k, allowed in conds.items()):
            reason = rule.get("reason", {})
            text = reason.get(lang) or reason.get("en") or ""
            facts = [f"{k}={doc.get(k, 'missing')}" for k in conds]
            return Suggestion(int(rule["severity"]), [text + (f" ({', '.join(facts)})" if facts else "")])
    raise ConfigError("classification: no rule matched (add a last rule with empty `when`)")


def target_for(
    doc: dict[str, Any], level: int, home: Path | None = None, *, terms: Terms | None = None
) -> tuple[float, str]:
    """(target hours, clock) for a severity, after the most specific contract override (`terms`:
    the levels and contracts when the caller already loaded them)."""
    table, contracts = terms or desk_terms(home)
    lv = table.get(level)
    if lv is None:
        raise InvalidValue("severity", level, "use one of " + ", ".join(map(str, sorted(table))))
    hours, kind = float(lv["target_hours"]), str(lv.get("clock", "24x7"))
    contract = _best_contract(doc, contracts)
    if contract:
        hours = float(contract.get("targets", {}).get(str(level), hours))
        kind = str(contract.get("clock", {}).get(str(level), kind))
    if kind not in ("24x7", "business"):
        raise ConfigError(f"severity {level}: clock must be 24x7 or business, not {kind!r}")
    return hours, kind


Terms = tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]


def desk_terms(home: Path | None) -> Terms:
    """The severity levels and the contracts of <home>/contracts.toml (none without a home)."""
    return levels(home), (load_data("contracts", home).get("contract", []) if home is not None else [])


def _best_contract(doc: dict[str, Any], contracts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The contract that applies: customer+service beats customer beats service."""
    best, best_score = None, -1
    customer = str(doc.get("customer", "")).casefold()
    for c in contracts:
        score = 0
        if "customer" in c:
            if str(c["customer"]).casefold() != customer:
                continue
            score += 2
        if "service_type" in c:
            if c["service_type"] != doc.get("service_type"):
                continue
            score += 1
        if score > best_score:
            best, best_score = c, score
    return best


# --------------------------------------------------------------------------- the clock


def clock_for(doc: dict[str, Any], kind: str, home: Path | None = None) -> calendars.Calendar:
    """The calendar an incident's clock counts on: every second (24x7), or the site's business hours
    (its structured opening hours, else severity.toml's business_hours) on days that are not public
    holidays of its country."""
    tz = site_tz(doc)
    if kind == "24x7":
        return calendars.always(tz)
    spans = validate.parse_hours(doc.get("opening_hours") or "")
    if not spans:
        default_hours = load_data("severity", home).get("business_hours", "Mon-Fri 08:00-18:00")
        spans = validate.parse_hours(default_hours) or validate.parse_hours("Mon-Fri 08:00-18:00") or []
    return calendars.from_spans(tz, spans, doc.get("country"))


def site_tz(doc: dict[str, Any], default: tzinfo | None = None) -> tzinfo | None:
    """The site's zone (the ticket's timezone), else default, else the desk's."""
    return clock.get_tz(doc.get("timezone")) or default or clock.now().tzinfo


def site_iso(doc: dict[str, Any], at: datetime, default: tzinfo | None = None) -> str:
    """An instant as stored and shown: in the site's zone, with its offset at that instant."""
    return clock.iso(calendars.local(at, site_tz(doc, default)))


def due_at(doc: dict[str, Any], home: Path | None = None) -> datetime | None:
    """When the recovery target is reached (UTC), counting from opened_at and skipping pauses."""
    if not doc.get("severity"):
        return None
    hours, kind = doc.get("sla_target_hours"), doc.get("sla_clock")
    if hours is None or kind is None:
        hours, kind = target_for(doc, int(doc["severity"]), home)
    return _due(doc, clock_for(doc, kind, home), timedelta(hours=float(hours)))


def _due(doc: dict[str, Any], cal: calendars.Calendar, target: timedelta) -> datetime | None:
    left = target
    cur = calendars.instant(clock.from_iso(doc["opened_at"]))
    pauses = [(clock.from_iso(p["from"]), p.get("to")) for p in doc.get("sla_pauses", [])]
    for p_from, p_to in sorted(pauses, key=lambda p: p[0]):
        if p_to is None:
            return None  # paused now: no deadline until it resumes
        avail = cal.elapsed(cur, p_from)
        if avail >= left:
            return cal.add(cur, left)
        left -= avail
        cur = max(cur, calendars.instant(clock.from_iso(p_to)))
    return cal.add(cur, left)


def _set_due(doc: dict[str, Any], home: Path | None) -> datetime | None:
    due = due_at(doc, home)
    if due is not None:
        doc["recovery_due"] = site_iso(doc, due)
    return due


ACK_WINDOW = timedelta(minutes=15)


def ack_due(received: datetime, tz: tzinfo | None) -> str:
    """The acknowledgement deadline of an email report (15 minutes after it arrived), as stored."""
    return clock.iso(calendars.local(calendars.instant(received) + ACK_WINDOW, tz or received.tzinfo))


def ack_late(doc: dict[str, Any]) -> bool:
    """Was the acknowledgement recorded after its deadline? (instants, not their text)"""
    due, acked = doc.get("ack_due"), doc.get("acked_at")
    return bool(due and acked) and clock.from_iso(acked) > clock.from_iso(due)


def fill_deadlines(docs: Iterable[dict[str, Any]], home: Path | None = None) -> None:
    """Deadlines an incident gets from its own times (imports): ack_due for an email report, and
    for an open one with a severity its target, clock and recovery_due, exactly as classify sets
    them with the contract in force. Deadlines a document already has are kept."""
    targets: dict[tuple[Any, ...], tuple[float, str]] = {}
    terms = desk_terms(home)
    by_customer = any("customer" in c for c in terms[1])
    by_service = any("service_type" in c for c in terms[1])
    cals: dict[tuple[Any, ...], calendars.Calendar] = {}
    zones: dict[str | None, tzinfo | None] = {}  # imports repeat their few zones, contracts and calendars
    for doc in docs:
        if doc.get("channel") == "email" and not doc.get("ack_due") and doc.get("opened_at"):
            name = doc.get("timezone")
            if name not in zones:
                zones[name] = clock.get_tz(name)
            doc["ack_due"] = ack_due(clock.from_iso(doc["opened_at"]), zones[name])
        if not doc.get("severity") or doc.get("recovery_due") or not doc.get("opened_at"):
            continue
        if doc.get("status", "open") not in ("open", "on_hold"):
            continue
        level = int(doc["severity"])
        key = (str(doc.get("customer", "")).casefold() if by_customer else None,
               doc.get("service_type") if by_service else None, level)  # fmt: skip
        if key not in targets:
            targets[key] = target_for(doc, level, home, terms=terms)
        hours, kind = targets[key]
        doc.setdefault("sla_target_hours", hours)
        doc.setdefault("sla_clock", kind)
        kind = doc["sla_clock"]
        if kind not in ("24x7", "business"):
            continue
        ckey = (kind, doc.get("timezone"), doc.get("opening_hours"), doc.get("country"))
        if ckey not in cals:
            cals[ckey] = clock_for(doc, kind, home)
        due = _due(doc, cals[ckey], timedelta(hours=float(doc["sla_target_hours"])))
        if due is not None:
            doc["recovery_due"] = clock.iso(calendars.local(due, cals[ckey].tz))  # the site's zone


# --------------------------------------------------------------------------- operations on a ticket


def classify(
    doc: dict[str, Any],
    level: int,
    *,
    method: str,
    reason: str | None,
    suggested: Suggestion | None,
    home: Path | None = None,
    actor: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Set severity, target and recovery_due on doc (in place); returns the history event."""
    if doc.get("kind") != "incident":
        raise RefusedTransition(f"{doc['id']} is not an incident")
    if doc.get("status") not in ("open", "on_hold"):
        raise RefusedTransition(f"cannot classify {doc['id']}: it is {doc.get('status')}")
    reason = validate.text("reason", reason, limit=2000) if reason is not None else None
    hours, kind = target_for(doc, level, home)
    previous = doc.get("severity")
    doc["severity"] = level
    doc["sla_target_hours"] = hours
    doc["sla_clock"] = kind
    _set_due(doc, home)
    doc["classified_by"] = actor
    doc["classified_at"] = clock.iso(clock.now())
    doc["classification"] = {"method": method, "suggested": suggested.severity if suggested else None,
                             "reasons": suggested.reasons if suggested else [], **(extra or {})}  # fmt: skip
    if reason:
        doc["classification"]["reason"] = reason
    event: dict[str, Any] = {"action": "reclassify" if previous else "classify", "method": method}
    if reason:
        event["note"] = reason
    return event


def pause(doc: dict[str, Any], reason: str, at: datetime) -> None:
    doc.setdefault("sla_pauses", []).append({"from": clock.iso(at), "to": None, "reason": reason})
    doc["sla_paused_at"] = clock.iso(at)
    doc.pop("recovery_due", None)


def _end_pause(doc: dict[str, Any], at: datetime) -> None:
    for p in doc.get("sla_pauses", []):
        if p.get("to") is None:
            p["to"] = clock.iso(at)
    doc.pop("sla_paused_at", None)


def unpause(doc: dict[str, Any], at: datetime, home: Path | None = None) -> None:
    _end_pause(doc, at)
    _set_due(doc, home)


def on_resolve(doc: dict[str, Any], at: datetime, home: Path | None = None) -> None:
    """A resolve ends a pause; the target is met if the resolve comes by the deadline, paused time excluded."""
    _end_pause(doc, at)
    due = _set_due(doc, home)
    if due is not None:
        doc["sla_met"] = calendars.instant(at) <= due


def on_reopen(doc: dict[str, Any], at: datetime, home: Path | None = None) -> None:
    """Time spent resolved does not count: it becomes a closed pause, and the deadline moves."""
    since = doc.get("resolved_at")
    _end_pause(doc, clock.from_iso(since) if since else at)  # a pause a resolve left open (older tickets)
    if since:
        doc.setdefault("sla_pauses", []).append({"from": since, "to": clock.iso(at), "reason": "resolved"})
    doc.pop("sla_met", None)
    _set_due(doc, home)


def status_line(doc: dict[str, Any], now: datetime) -> str:
    """'2h 10m left (due ...)', 'breached 1h 05m ago', 'paused since ...', 'met'/'missed'."""
    if not doc.get("severity"):
        return "not classified yet: sdcli classify " + doc["id"]
    if doc.get("sla_paused_at"):
        return f"paused since {doc['sla_paused_at']} (waiting on the customer)"
    if "sla_met" in doc:
        return "recovery target met" if doc["sla_met"] else "recovery target missed"
    due = doc.get("recovery_due")
    if not due:
        return "no deadline"
    delta = clock.from_iso(due) - now
    if delta.total_seconds() >= 0:
        return f"{clock.humanize(delta)} left (due {due})"
    return f"breached {clock.humanize(delta)} ago (was due {due})"


def is_breached(doc: dict[str, Any], now: datetime) -> bool:
    due = doc.get("recovery_due")
    return (
        bool(due)
        and not doc.get("sla_paused_at")
        and doc.get("status") in ("open",)
        and clock.from_iso(due) < now
    )


def is_due_within(doc: dict[str, Any], now: datetime, window: timedelta) -> bool:
    due = doc.get("recovery_due")
    if not due or doc.get("sla_paused_at") or doc.get("status") != "open":
        return False
    return now <= clock.from_iso(due) <= now + window
