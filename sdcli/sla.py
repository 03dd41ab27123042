"""Severity, recovery targets and the SLA clock (24x7 or business hours), with pauses.

No CLI imports. Times are timezone-aware datetimes; stored values are ISO 8601 strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from sdcli import clock, validate
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


def target_for(doc: dict[str, Any], level: int, home: Path | None = None) -> tuple[float, str]:
    """(target hours, clock) for a severity, after the most specific contract override."""
    lv = levels(home).get(level)
    if lv is None:
        raise InvalidValue("severity", level, "use one of " + ", ".join(map(str, sorted(levels(home)))))
    hours, kind = float(lv["target_hours"]), str(lv.get("clock", "24x7"))
    contract = _best_contract(doc, home)
    if contract:
        hours = float(contract.get("targets", {}).get(str(level), hours))
        kind = str(contract.get("clock", {}).get(str(level), kind))
    if kind not in ("24x7", "business"):
        raise ConfigError(f"severity {level}: clock must be 24x7 or business, not {kind!r}")
    return hours, kind


def _best_contract(doc: dict[str, Any], home: Path | None) -> dict[str, Any] | None:
    """Contracts in <home>/contracts.toml; customer+service beats customer beats service."""
    if home is None or not (home / "contracts.toml").is_file():
        return None
    best, best_score = None, -1
    customer = str(doc.get("customer", "")).casefold()
    for c in load_data("contracts", home).get("contract", []):
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


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays

    try:
        return frozenset(holidays.country_holidays(country, years=year).keys())
    except (NotImplementedError, KeyError):
        return frozenset()


class SlaClock:
    """Counts time: every second (24x7), or only inside business hours on working days."""

    def __init__(
        self, kind: str, tz: tzinfo | None = None, hours: str | None = None, country: str | None = None
    ):
        self.kind = kind
        self.tz = tz
        self.country = country
        self.spans: dict[int, list[tuple[int, int]]] = {}
        if kind == "business":
            parsed = validate.parse_hours(hours or "") or validate.parse_hours("Mon-Fri 08:00-18:00") or []
            for day, start, end in parsed:
                self.spans.setdefault(day, []).append((start, end))

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        if self.country and day in _holidays(self.country, day.year):
            return []
        out = []
        for start, end in sorted(self.spans.get(day.weekday(), [])):
            midnight = datetime.combine(day, time(0), self.tz)
            out.append((midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)))
        return out

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return timedelta(0)
        if self.kind == "24x7":
            return end - start
        total = timedelta(0)
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for a, b in self._windows(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which `amount` of counted time has passed since start."""
        if self.kind == "24x7":
            return start + amount
        if not self.spans:
            raise ConfigError("business-hours clock with no business hours")
        left = amount
        day = start.astimezone(self.tz).date()
        for _ in range(3660):  # ten years of days at most
            for a, b in self._windows(day):
                lo = max(a, start)
                if b <= lo:
                    continue
                if b - lo >= left:
                    return lo + left
                left -= b - lo
            day += timedelta(days=1)
        raise ConfigError("business-hours clock: no working time found within ten years")


def clock_for(doc: dict[str, Any], kind: str, home: Path | None = None) -> SlaClock:
    tz = clock.get_tz(doc.get("timezone")) or clock.now().tzinfo
    hours = doc.get("opening_hours") if validate.parse_hours(doc.get("opening_hours") or "") else None
    default_hours = load_data("severity", home).get("business_hours", "Mon-Fri 08:00-18:00")
    return SlaClock(kind, tz, hours or default_hours, doc.get("country"))


def due_at(doc: dict[str, Any], home: Path | None = None) -> datetime | None:
    """When the recovery target is reached, counting from opened_at and skipping pauses."""
    if not doc.get("severity"):
        return None
    hours, kind = doc.get("sla_target_hours"), doc.get("sla_clock")
    if hours is None or kind is None:
        hours, kind = target_for(doc, int(doc["severity"]), home)
    c = clock_for(doc, kind, home)
    left = timedelta(hours=float(hours))
    cur = clock.from_iso(doc["opened_at"])
    for p in sorted(doc.get("sla_pauses", []), key=lambda p: p["from"]):
        p_from = clock.from_iso(p["from"])
        if p.get("to") is None:
            return None  # paused now: no deadline until it resumes
        avail = c.elapsed(cur, p_from)
        if avail >= left:
            return c.add(cur, left)
        left -= avail
        cur = max(cur, clock.from_iso(p["to"]))
    return c.add(cur, left)


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
    hours, kind = target_for(doc, level, home)
    previous = doc.get("severity")
    doc["severity"] = level
    doc["sla_target_hours"] = hours
    doc["sla_clock"] = kind
    due = due_at(doc, home)
    if due is not None:
        doc["recovery_due"] = clock.iso(due)
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


def unpause(doc: dict[str, Any], at: datetime, home: Path | None = None) -> None:
    for p in doc.get("sla_pauses", []):
        if p.get("to") is None:
            p["to"] = clock.iso(at)
    doc.pop("sla_paused_at", None)
    due = due_at(doc, home)
    if due is not None:
        doc["recovery_due"] = clock.iso(due)


def on_resolve(doc: dict[str, Any], at: datetime) -> None:
    if doc.get("recovery_due"):
        doc["sla_met"] = at <= clock.from_iso(doc["recovery_due"])


def on_reopen(doc: dict[str, Any], at: datetime, home: Path | None = None) -> None:
    """Time spent resolved does not count: it becomes a closed pause, and the deadline moves."""
    since = doc.get("resolved_at")
    if since:
        doc.setdefault("sla_pauses", []).append({"from": since, "to": clock.iso(at), "reason": "resolved"})
    doc.pop("sla_met", None)
    due = due_at(doc, home)
    if due is not None:
        doc["recovery_due"] = clock.iso(due)


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
