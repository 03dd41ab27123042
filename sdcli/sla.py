"""Severity, recovery targets and the SLA clock (24x7 or business hours), with pauses.

No CLI imports. Time is counted on a calendar (sdcli.calendars) on instants; stored values are
ISO 8601 strings in the site's zone, with its offset at that instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sdcli import calendars, clock, pauses, states, validate
from sdcli.errors import ConfigError, InvalidValue, RefusedTransition, RuleViolation
from sdcli.home import load_data
from sdcli.i18n import Localized, Message
from sdcli.model import name_key
from sdcli.suggesting import Suggestion

LEVELS_SCALE = {"high": "high", "h": "high", "1": "high", "medium": "medium", "med": "medium", "m": "medium",
                "2": "medium", "low": "low", "l": "low", "3": "low"}  # fmt: skip


# --------------------------------------------------------------------------- definitions


def levels(home: Path | None = None) -> dict[int, dict[str, Any]]:
    data = load_data("severity", home)
    out = {int(lv["level"]): lv for lv in data.get("level", [])}
    if not out:
        raise ConfigError("error.no_levels")
    return out


def level_name(level: int, lang: str | None = None, home: Path | None = None) -> str:
    lv = levels(home).get(level, {})
    return Localized(lv.get("name") or str(level)).render(lang)


def matrix_level(impact: str, urgency: str, home: Path | None = None) -> int:
    """The ITIL impact x urgency matrix (high/medium/low or 1-3)."""
    i = LEVELS_SCALE.get(str(impact).strip().lower().split(" ")[0])
    u = LEVELS_SCALE.get(str(urgency).strip().lower().split(" ")[0])
    if i is None:
        raise InvalidValue("impact", impact, "invalid.scale")
    if u is None:
        raise InvalidValue("urgency", urgency, "invalid.scale")
    return int(load_data("severity", home)["matrix"][i][u])


def target_for(
    doc: dict[str, Any], level: int, home: Path | None = None, *, terms: Terms | None = None
) -> tuple[float, str]:
    """(target hours, clock) for a severity, after the most specific contract override (`terms`:
    the levels and contracts when the caller already loaded them)."""
    table, contracts = terms or desk_terms(home)
    lv = table.get(level)
    if lv is None:
        raise InvalidValue(
            "severity", level, "invalid.use_one_of", choices=", ".join(map(str, sorted(table)))
        )
    hours, kind = float(lv["target_hours"]), str(lv.get("clock", "24x7"))
    contract = _best_contract(doc, contracts)
    if contract:
        hours = float(contract.get("targets", {}).get(str(level), hours))
        kind = str(contract.get("clock", {}).get(str(level), kind))
    if kind not in ("24x7", "business"):
        raise ConfigError("error.clock_kind", level=level, kind=repr(kind))
    return hours, kind


Terms = tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]


def desk_terms(home: Path | None) -> Terms:
    """The severity levels and the contracts of <home>/contracts.toml (none without a home)."""
    return levels(home), (load_data("contracts", home).get("contract", []) if home is not None else [])


def _best_contract(doc: dict[str, Any], contracts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The contract that applies: customer+service beats customer beats service."""
    best, best_score = None, -1
    customer = name_key(doc.get("customer"))
    for c in contracts:
        score = 0
        if "customer" in c:
            if name_key(c["customer"]) != customer:
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


def on_site_clock(doc: dict[str, Any], at: datetime | None = None) -> str:
    """An instant of a ticket's life (`at`, else now) as stored: on its site's clock, as its
    deadlines and --at times are (the machine's offset would mix two in one ticket's JSON, and a
    reader of it would misread the site's hour); at's own offset when the site's zone is not known.
    Every step a ticket records (ack, hold, resume, resolve, close, reopen, calls...) writes this."""
    when = at if at is not None else clock.now()
    return site_iso(doc, when, when.tzinfo)


def waits_for_zone(doc: dict[str, Any], kind: str) -> bool:
    """Whether a target on `kind` of clock waits for the site's zone: business hours of a site
    whose zone is not known would be counted on the machine's clock (a resolve judged met or
    missed by them, a resume telling the customer them), so no deadline until it is given
    (sdcli complete ID --tz); a 24x7 clock counts every hour whatever the zone."""
    return kind == "business" and not doc.get("timezone")


def due_at(doc: dict[str, Any], home: Path | None = None) -> datetime | None:
    """When the recovery target is reached (UTC), counting from opened_at and skipping pauses;
    None while it waits for the site's zone (waits_for_zone)."""
    if not doc.get("severity"):
        return None
    hours, kind = doc.get("sla_target_hours"), doc.get("sla_clock")
    if hours is None or kind is None:
        hours, kind = target_for(doc, int(doc["severity"]), home)
    if waits_for_zone(doc, kind):
        return None
    return _due(doc, clock_for(doc, kind, home), timedelta(hours=float(hours)))


def _due(doc: dict[str, Any], cal: calendars.Calendar, target: timedelta) -> datetime | None:
    if not doc.get("sla_pauses"):  # never paused (every import but a round trip): pauses.running's own start
        return cal.add(calendars.instant(clock.from_iso(doc["opened_at"])), target)
    left = target
    run = pauses.running(doc)
    for start, end in run.ran:
        avail = cal.elapsed(start, end)
        if avail >= left:
            return cal.add(start, left)
        left -= avail
    if run.stopped is not None:  # paused now: a deadline only if it ran out before the pause
        return cal.add(run.since, left) if cal.elapsed(run.since, run.stopped) >= left else None
    return cal.add(run.since, left)


def retarget(doc: dict[str, Any], home: Path | None = None) -> None:
    """A classified incident's target, clock and recovery_due made from its answers now: the
    contract of its customer and service for its severity, its site's calendar (classify, and an
    answer completed later that they depend on). A target that waits for the site's zone (an
    e-mailed report from a country of several: waits_for_zone) is refused until the zone is given
    (RuleViolation)."""
    hours, kind = target_for(doc, int(doc["severity"]), home)
    if waits_for_zone(doc, kind):
        raise RuleViolation("error.business_clock_no_zone", id=doc["id"])
    doc["sla_target_hours"], doc["sla_clock"] = hours, kind
    _set_due(doc, home)


def _ran_out_by(due: Any, at: datetime) -> bool:
    """Whether a stored deadline had passed at `at` (a clock stopped after it: breached, then held)."""
    return isinstance(due, str) and bool(due) and clock.from_iso(due) <= at


def _set_due(doc: dict[str, Any], home: Path | None) -> datetime | None:
    due = due_at(doc, home)
    if due is not None:
        doc["recovery_due"] = site_iso(doc, due)
    elif doc.get("sla_paused_at"):  # paused before the target was reached: no deadline until it runs again
        doc.pop("recovery_due", None)
    return due


ACK_WINDOW = timedelta(minutes=15)


def ack_due(received: datetime, tz: tzinfo | None) -> str:
    """The acknowledgement deadline of an email report (15 minutes after it arrived), as stored."""
    return clock.iso(calendars.local(calendars.instant(received) + ACK_WINDOW, tz or received.tzinfo))


def ack_late(doc: dict[str, Any]) -> bool:
    """Was the acknowledgement recorded after its deadline? (instants, not their text)"""
    due, acked = doc.get("ack_due"), doc.get("acked_at")
    return bool(due and acked) and clock.from_iso(str(acked)) > clock.from_iso(str(due))


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
    flow = states.flow("incident", home)
    for doc in docs:
        received = doc.get("received_at") or doc.get("opened_at")  # 15 minutes from receipt, as `open` counts
        if doc.get("channel") == "email" and not doc.get("ack_due") and received:
            name = doc.get("timezone")
            if name not in zones:
                zones[name] = clock.get_tz(name)
            doc["ack_due"] = ack_due(clock.from_iso(received), zones[name])
        if not doc.get("severity") or doc.get("recovery_due") or not doc.get("opened_at"):
            continue
        if doc.get("status", flow.initial) not in flow.active:
            continue
        level = int(doc["severity"])
        key = (name_key(doc.get("customer")) if by_customer else None,
               doc.get("service_type") if by_service else None, level)  # fmt: skip
        if key not in targets:
            targets[key] = target_for(doc, level, home, terms=terms)
        hours, kind = targets[key]
        doc.setdefault("sla_target_hours", hours)
        doc.setdefault("sla_clock", kind)
        kind = doc["sla_clock"]
        if kind not in ("24x7", "business"):
            continue
        if waits_for_zone(doc, kind):  # no deadline until the zone is given, as classify
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
        raise RefusedTransition("error.not_incident", id=doc["id"])
    if doc.get("status") not in states.flow("incident", home).active:
        raise RefusedTransition("error.cannot_classify", id=doc["id"], status=doc.get("status"))
    reason = validate.text("reason", reason, limit=2000) if reason is not None else None
    previous = doc.get("severity")
    doc["severity"] = level
    retarget(doc, home)
    doc["classified_by"] = actor
    doc["classified_at"] = on_site_clock(doc)
    doc["classification"] = {"method": method, "suggested": suggested.severity if suggested else None,
                             "reasons": suggested.reasons if suggested else [], **(extra or {})}  # fmt: skip
    if reason:
        doc["classification"]["reason"] = reason
    event: dict[str, Any] = {"action": "reclassify" if previous else "classify", "method": method}
    if reason:
        event["note"] = reason
    return event


def pause(doc: dict[str, Any], reason: str, at: datetime) -> None:
    """Stop the clock. A deadline still ahead goes (it moves by the pause, set again at resume); one
    already passed stays: the target was missed while the clock ran, and a hold does not hide it."""
    doc.setdefault("sla_pauses", []).append({"from": on_site_clock(doc, at), "to": None, "reason": reason})
    doc["sla_paused_at"] = on_site_clock(doc, at)
    if not _ran_out_by(doc.get("recovery_due"), at):
        doc.pop("recovery_due", None)


def _end_pause(doc: dict[str, Any], at: datetime) -> None:
    for p in doc.get("sla_pauses", []):
        if p.get("to") is None:
            p["to"] = on_site_clock(doc, at)
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
        doc.setdefault("sla_pauses", []).append(
            {"from": since, "to": on_site_clock(doc, at), "reason": "resolved"}
        )
    doc.pop("sla_met", None)
    _set_due(doc, home)


def status_line(doc: dict[str, Any], now: datetime) -> Message:
    """'2h 10m left (due ...)', 'breached 1h 05m ago', 'paused since ...', 'met'/'missed'."""
    from sdcli.dates import When

    zone = doc.get("timezone")
    if not doc.get("severity"):
        return Message("sla.unclassified", id=doc["id"])
    if doc.get("sla_paused_at"):
        due = doc.get("recovery_due")
        other = "" if pauses.waits_on_customer(reason := pauses.open_reason(doc)) else "_other"  # says so?
        if _ran_out_by(due, clock.from_iso(str(doc["sla_paused_at"]))):  # breached, then held
            return Message(f"sla.breached_paused{other}", span=clock.humanize(clock.from_iso(str(due)) - now),
                           due=When(str(due), zone), since=When(doc["sla_paused_at"], zone), reason=reason)  # fmt: skip
        return Message(f"sla.paused{other}", since=When(doc["sla_paused_at"], zone), reason=reason)
    if "sla_met" in doc:
        return Message("sla.met" if doc["sla_met"] else "sla.missed")
    due = doc.get("recovery_due")
    if not due:
        return Message("sla.no_deadline")
    delta = clock.from_iso(due) - now
    if delta.total_seconds() >= 0:
        return Message("sla.left", span=clock.humanize(delta), due=When(due, zone))
    return Message("sla.breached", span=clock.humanize(delta), due=When(due, zone))
