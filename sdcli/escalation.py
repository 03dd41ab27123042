"""The escalation table and the source's calling rules. No CLI imports.

- escalate only registered incidents, never resolved or closed ones;
- the correct level follows the severity and the incident's age (thresholds as data);
- calling above the correct level needs an explicit, recorded reason;
- by phone; email is a backup that is not monitored 24x7; SMS and WhatsApp are refused;
- after 3 consecutive failed calls at a level: leave a voicemail and go to the next level;
- the sales / commercial team is never an escalation contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sdcli import clock, sla, states, validate
from sdcli.errors import ConfigError, InvalidValue, RefusedTransition, RuleViolation
from sdcli.home import load_data
from sdcli.i18n import Localized, Message

CHANNELS = ("phone", "email")
FORBIDDEN = {"sms": "SMS", "whatsapp": "WhatsApp"}
OUTCOMES = ("reached", "no-answer", "busy", "voicemail")
FAILED = frozenset({"no-answer", "busy", "voicemail"})
#: the team of every contact (escalation.toml `team`); the sales / commercial team is not one
TEAMS = ("service_desk", "operations", "engineering", "management")
SALES_TEAMS = ("sales", "commercial", "comercial", "ventas", "vendas")
#: the second line: a role or name that says sales, in es/pt/en, singular or plural (the source
#: calls that team "equipo Comercial y / o Gerente de Cuentas")
_SALES = re.compile(
    r"""\b(?:
        sales | sales(?:person|people|man|men|woman|women)s?
      | commercial | comercial(?:es)? | comerciais
      | ventas? | vendas? | vendedor(?:a|es|as)?
      | pr[eé][\s-]?(?:ventas?|vendas?|sales)
      | (?:key\s+)?account\s+(?:manager|executive|director|representative|rep)s?
      | (?:gerente|ejecutiv[oa]|executiv[oa]|gestor(?:a|es|as)?)s?\s+(?:de\s+)?(?:cuenta|conta)s?
      | (?-i:KAMs?)
    )\b""",
    re.I | re.X,
)
RULE_SALES = "rule.sales"  # the sales / commercial team is not part of incident resolution
RULE_CHANNELS = "rule.channels"  # by phone; email is only a backup; SMS and WhatsApp are not used


@dataclass(frozen=True)
class Contact:
    name: str
    role: Any  # a text, or a table of texts per language
    phone: str
    email: str | None
    hours: str
    tz: str
    level: int
    team: str

    def available(self, now: datetime) -> bool:
        spans = validate.parse_hours(self.hours) or []
        local = now.astimezone(clock.get_tz(self.tz))
        minute = local.hour * 60 + local.minute
        return any(day == local.weekday() and start <= minute < end for day, start, end in spans)

    def local_time(self, now: datetime) -> str:
        """Their clock now, as JSON gives it (English, stable): Tue 09:45 -03."""
        return now.astimezone(clock.get_tz(self.tz)).strftime("%a %H:%M %Z")

    def shown_time(self, now: datetime, lang: str | None = None) -> str:
        """Their clock now, in a language, naming their zone: Mar 09:45 São Paulo."""
        from sdcli.dates import city
        from sdcli.i18n import template

        local = now.astimezone(clock.get_tz(self.tz))
        days = (template("date.weekdays", lang) or "Mon Tue Wed Thu Fri Sat Sun").split()
        return f"{days[local.weekday()]} {local:%H:%M} {city(self.tz)}"

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {"name": self.name, "team": self.team, "role": str(Localized(self.role)), "phone": self.phone, "email": self.email,
                "hours": self.hours, "tz": self.tz, "available_now": self.available(now), "local_time": self.local_time(now)}  # fmt: skip


@dataclass(frozen=True)
class Level:
    level: int
    name: Any  # a text, or a table of texts per language (JSON gives the English one)
    after: dict[int, int]
    contacts: tuple[Contact, ...]


@dataclass
class Table:
    levels: list[Level]
    max_failed: int = 3
    by_name: dict[str, Contact] = field(default_factory=dict)

    def level(self, n: int) -> Level:
        return self.levels[n - 1]

    @property
    def top(self) -> int:
        return len(self.levels)

    def contact(self, name: str) -> Contact:
        c = self.by_name.get(name.strip().casefold())
        if c is None:
            matches = [x for k, x in self.by_name.items() if name.strip().casefold() in k]
            if len(matches) == 1:
                return matches[0]
            raise InvalidValue("contact", name, "invalid.contact_unknown",
                               known=", ".join(x.name for x in self.by_name.values()))  # fmt: skip
        return c


def _contact(c: dict[str, Any], where: Any, level: int, sales: dict[str, Any]) -> Contact | None:
    """One contact of the table; None for one without a phone (not callable)."""
    cname, role = str(c.get("name", "?")), c.get("role", "")
    team = str(c.get("team", "")).strip().lower()
    if team in SALES_TEAMS or _SALES.search(f"{cname} {_all(role)}"):
        raise ConfigError("error.table_rule", where=where, rule=Message(RULE_SALES))
    if team not in TEAMS:
        got = (
            Message("error.team_unknown", team=repr(c["team"])) if c.get("team") else Message("error.no_team")
        )
        raise ConfigError("error.table_team", where=where, got=got, teams=", ".join(TEAMS))
    for ch in c.get("channels", ["phone", "email"]):
        if ch in FORBIDDEN:
            raise ConfigError(
                "error.table_channel_unused", where=where, channel=repr(ch), rule=Message(RULE_CHANNELS)
            )
        if ch not in CHANNELS:
            raise ConfigError("error.table_channel", where=where, channel=repr(ch))
    if not c.get("phone"):
        return None
    try:
        phone = validate.phone(f"{where} phone", c["phone"])
        email = validate.email(f"{where} email", c["email"]) if c.get("email") else None
        clock.get_tz(c.get("tz", "UTC"))
    except InvalidValue as e:
        raise ConfigError(e.message) from None
    if validate.parse_hours(c.get("hours", "24x7")) is None:
        raise ConfigError("error.table_hours", where=where, hours=repr(c.get("hours")))
    for key in (cname.casefold(), phone, (email or "").casefold()):
        if key and key in sales:
            raise ConfigError(
                "error.table_sales_person", where=where, who=sales[key], rule=Message(RULE_SALES)
            )
    return Contact(cname, role, phone, email, c.get("hours", "24x7"), c.get("tz", "UTC"), level, team)


def _all(texts: Any) -> str:
    """Every language's text of a name or role (the sales check reads them all)."""
    return " ".join(map(str, texts.values())) if isinstance(texts, dict) else str(texts)


def _sales_staff(directory: list[dict[str, Any]]) -> dict[str, Message]:
    """Names, phones and emails (casefolded) of the directory's account managers and commercial teams."""
    out: dict[str, Message] = {}
    for customer in directory:
        am = customer.get("account_manager") or {}
        what = Message("error.is_account_manager", customer=customer.get("name", "?"))
        for key in (am.get("name"), am.get("phone"), am.get("email")):
            if key:
                out.setdefault(str(key).casefold(), what)
        if customer.get("commercial_team"):
            out.setdefault(
                str(customer["commercial_team"]).casefold(),
                Message("error.is_commercial_team", customer=customer.get("name", "?")),
            )
    return out


def load_table(home: Path | None = None, directory: list[dict[str, Any]] | None = None) -> Table:
    """The escalation table, validated (against the customer directory when given); every refusal
    names the entry."""
    return parse_table(load_data("escalation", home), directory)


def parse_table(data: dict[str, Any], directory: list[dict[str, Any]] | None = None) -> Table:
    raw_levels = data.get("level", [])
    if not raw_levels:
        raise ConfigError("error.table_no_levels")
    levels: list[Level] = []
    by_name: dict[str, Contact] = {}
    sales = _sales_staff(directory or [])
    for i, raw in enumerate(raw_levels, start=1):
        name = raw.get("name", f"{i}")
        where = Message("error.table_level", level=i, name=Localized(name))
        if int(raw.get("level", i)) != i:
            raise ConfigError("error.table_order", where=where)
        if _SALES.search(_all(name)):
            raise ConfigError("error.table_rule", where=where, rule=Message(RULE_SALES))
        contacts = []
        for c in raw.get("contacts", []):
            contact = _contact(
                c, Message("error.table_contact", where=where, name=repr(c.get("name", "?"))), i, sales
            )
            if contact is not None:
                contacts.append(contact)
                by_name[contact.name.casefold()] = contact
        if not contacts:
            raise ConfigError("error.table_no_phone", where=where)
        after = {int(k): int(v) for k, v in raw.get("after", {}).items()}
        levels.append(Level(i, name, after, tuple(contacts)))
    for sev in sorted({s for lv in levels for s in lv.after}):
        prev = None
        for lv in levels:
            if sev not in lv.after:
                continue
            if prev is not None and lv.after[sev] < prev[1]:
                raise ConfigError("error.table_backwards", level=lv.level, name=Localized(lv.name), minutes=lv.after[sev],
                                  severity=sev, before=prev[0], before_minutes=prev[1])  # fmt: skip
            prev = (lv.level, lv.after[sev])
    return Table(levels, int(data.get("max_failed_attempts", 3)), by_name)


# --------------------------------------------------------------------------- state of one incident


def severity_of(doc: dict[str, Any], home: Path | None = None) -> tuple[int, bool]:
    """(severity, classified?) — an unclassified incident escalates on its suggestion."""
    if doc.get("severity"):
        return int(doc["severity"]), True
    return sla.suggest(doc, home=home).severity, False


def correct_level(table: Table, severity: int, age: timedelta) -> int:
    minutes = age.total_seconds() / 60
    level = 1
    for lv in table.levels:
        if severity in lv.after and lv.after[severity] <= minutes:
            level = max(level, lv.level)
    return level


def next_level_at(table: Table, severity: int, opened: datetime, now: datetime) -> datetime | None:
    """When the next level above the current correct one becomes correct by time."""
    current = correct_level(table, severity, now - opened)
    later = [
        opened + timedelta(minutes=lv.after[severity])
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


def state(doc: dict[str, Any], table: Table, now: datetime, home: Path | None = None) -> dict[str, Any]:
    """current_level (by severity and age), active_level (raised by failed calls), next_level_at."""
    severity, classified = severity_of(doc, home)
    opened = clock.from_iso(doc["opened_at"])
    current = correct_level(table, severity, now - opened)
    esc = doc.get("escalation", {})
    active = max(current, int(esc.get("active_level", 1)))
    nxt = next_level_at(table, severity, opened, now)
    hist = attempts(doc)
    return {
        "id": doc["id"],
        "severity": severity,
        "severity_classified": classified,
        "age_minutes": int((now - opened).total_seconds() // 60),
        "recovery_due": doc.get("recovery_due"),
        "current_level": current,
        "active_level": min(active, table.top),
        "next_level_at": sla.site_iso(doc, nxt, opened.tzinfo) if nxt else None,
        "owner": esc.get("owner"),
        "levels": [
            {
                "level": lv.level,
                "name": str(Localized(lv.name)),
                "after_minutes": lv.after.get(severity),
                "correct": lv.level == current,
                "active": lv.level == min(active, table.top),
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
    if ch not in CHANNELS:
        raise InvalidValue("channel", channel, "invalid.escalation_channel")
    return ch


def record_attempt(
    doc: dict[str, Any],
    table: Table,
    *,
    contact_name: str,
    channel: str,
    outcome: str | None,
    note: str | None,
    force: bool,
    reason: str | None,
    actor: str,
    now: datetime,
    home: Path | None = None,
) -> tuple[dict[str, Any], list[Any]]:
    """Apply one contact attempt to doc (in place). Returns (history event, messages for the agent)."""
    check_escalable(doc, home)
    ch = check_channel(channel)
    contact = table.contact(contact_name)
    st = state(doc, table, now, home)
    messages: list[Message] = []
    if contact.level > st["active_level"]:
        if not force or not (reason or "").strip():
            raise RuleViolation("error.above_level", name=contact.name, level=contact.level, active=st["active_level"],
                                level_name=Localized(table.level(st["active_level"]).name))  # fmt: skip
        messages.append(Message("escalate.skipped", reason=reason))
    if ch == "email":
        outcome = "sent"
        messages.append(Message("escalate.email_backup"))
    elif outcome not in OUTCOMES:
        raise InvalidValue("outcome", outcome or "", "invalid.use_one_of", choices=", ".join(OUTCOMES))
    entry: dict[str, Any] = {"at": clock.iso(now), "by": actor, "level": contact.level, "contact": contact.name,
                             "channel": ch, "outcome": outcome}  # fmt: skip
    if note:
        entry["note"] = note
    if force and reason:
        entry["forced_reason"] = reason
    doc.setdefault("escalation_attempts", []).append(entry)
    esc = dict(doc.get("escalation", {}))
    esc["active_level"] = max(int(esc.get("active_level", 1)), contact.level, st["current_level"])
    esc["last_level_attempted"] = max(int(esc.get("last_level_attempted", 0)), contact.level)
    event: dict[str, Any] = {"action": "escalation-attempt", "contact": contact.name, "level": contact.level,
                             "channel": ch, "outcome": outcome}  # fmt: skip
    if note:
        event["note"] = note
    if outcome == "reached":
        esc["owner"] = {"name": contact.name, "level": contact.level, "since": clock.iso(now)}
        messages.append(Message("escalate.owner", name=contact.name, level=contact.level))
    elif ch == "phone":
        fails = consecutive_failures(doc["escalation_attempts"], contact.level)
        if fails >= table.max_failed:
            if contact.level < table.top:
                esc["active_level"] = max(esc["active_level"], contact.level + 1)
                nxt = table.level(contact.level + 1)
                who = ", ".join(f"{c.name} {validate.shown_phone(c.phone)}" for c in nxt.contacts)
                messages.append(Message("escalate.move_up", fails=fails, level=contact.level, next=nxt.level,
                                        name=Localized(nxt.name), contacts=who))  # fmt: skip
                event["moved_to_level"] = nxt.level
            else:
                messages.append(
                    Message(
                        "escalate.last_level", fails=fails, name=Localized(table.level(contact.level).name)
                    )
                )
        else:
            left = table.max_failed - fails
            key = "escalate.failed" if contact.level < table.top else "escalate.failed_top"
            messages.append(Message(key, fails=fails, level=contact.level, left=left))
    doc["escalation"] = esc
    return event, messages


def due_now(
    now: datetime,
    incidents: list[dict[str, Any]],
    home: Path | None = None,
    directory: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Open incidents whose correct level (by time) is above the highest level already attempted,
    the longest due first. Raises ConfigError for a table that cannot be used."""
    table = load_table(home, directory)
    running = states.flow("incident", home).running
    out = []
    for s in incidents:
        if s.get("status") not in running or not s.get("severity"):
            continue
        opened = clock.from_iso(s["opened_at"])
        current = correct_level(table, int(s["severity"]), now - opened)
        done = int((s.get("escalation") or {}).get("last_level_attempted", 0))
        if current > max(done, 1):
            since = opened + timedelta(minutes=table.level(current).after[int(s["severity"])])
            shown = sla.site_iso(s, since, opened.tzinfo)
            out.append((since, {**s, "next_level_at": shown, "due_level": current}))
    return [d for _, d in sorted(out, key=lambda x: x[0])]
