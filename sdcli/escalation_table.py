"""The escalation table: its levels, their contacts and teams, validated as it is read. No CLI imports.

- the correct level follows the severity and the incident's age (the `after` thresholds, data);
- by phone; email is a backup that is not monitored 24x7; SMS and WhatsApp are refused;
- the sales / commercial team is never an escalation contact (by team, by role in es/pt/en, or
  as an account manager or commercial team of the customer directory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sdcli import clock, validate
from sdcli.errors import ConfigError, InvalidValue
from sdcli.home import load_data
from sdcli.i18n import Localized, Message
from sdcli.model import name_key

CALL_CHANNELS = ("phone", "email")
FORBIDDEN = {"sms": "SMS", "whatsapp": "WhatsApp"}
OUTCOMES = ("reached", "no-answer", "busy", "voicemail")
FAILED = frozenset({"no-answer", "busy", "voicemail"})
#: the team of every contact (escalation.toml `team`); the sales / commercial team is not one
TEAMS = ("service_desk", "operations", "engineering", "management")
SALES_TEAMS = ("sales", "commercial", "comercial", "ventas", "vendas")
#: the second line: a role or name that says sales, in es/pt/en, singular or plural (the source
#: calls that team "equipo Comercial y / o Gerente de Cuentas", and names the customer's
#: "Gerente de Relacionamiento" beside it)
_SALES = re.compile(
    r"""\b(?:
        sales | sales(?:person|people|man|men|woman|women)s?
      | commercial | comercial(?:es)? | comerciais
      | ventas? | vendas? | vendedor(?:a|es|as)?
      | pr[eé][\s-]?(?:ventas?|vendas?|sales)
      | (?:key\s+)?account\s+(?:manager|executive|director|representative|rep)s?
      | (?:gerente|ejecutiv[oa]|executiv[oa]|gestor(?:a|es|as)?)s?\s+(?:de\s+)?(?:cuenta|conta)s?
      | relacionamientos? | relacionamentos?
      | (?:gerente|ejecutiv[oa]|executiv[oa]|gestor(?:a|es|as)?|director(?:a|es|as)?|diretor(?:a|es|as)?)s?
        \s+(?:(?:de|da|das|del)\s+)?(?:relaci[oó]n(?:es)?|rela[cç][oõ]es)
      | (?:customer\s+|client\s+)?relation(?:ship)?s?\s+(?:manager|executive|director|lead|owner|representative|rep)s?
      | (?-i:KAMs?)
    )\b""",
    re.I | re.X,
)
RULE_SALES = "rule.sales"  # the sales / commercial team is not part of incident resolution
RULE_CHANNELS = "rule.channels"  # by phone; email is only a backup; SMS and WhatsApp are not used

#: the weekdays of `local_time` (JSON: English whatever the locale)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
    country: str | None = None  # of their zone (countries.toml): whose public holidays they keep

    def available(self, now: datetime) -> bool:
        """In their hours now, on their clock; hours that are not 24x7 are not kept on a public
        holiday of their country, a night shift by the day it starts, as the SLA's business hours
        are (sdcli.calendars: on call Thursday night, still at 02:00 on a Friday holiday)."""
        return self._calendar()[1].counts(now)

    def holiday(self, now: datetime) -> bool:
        """Is it a public holiday of their country that their hours do not keep (hours that are
        not 24x7), by the day of the span `now` falls in (a night by the day it starts), else by
        their date?"""
        if not self.country:
            return False
        always, calendar = self._calendar()  # judged as available() judges it: a night by its day
        return not always and calendar.holiday_at(now)

    def _calendar(self) -> tuple[bool, Any]:
        """(whether their hours are 24x7, the calendar of their hours on their clock, keeping
        their country's public holidays unless 24x7): one for available() and holiday()."""
        from sdcli import calendars  # deferred: the holidays library, for a contact in hours

        spans = validate.parse_hours(self.hours) or []
        always = _always(spans)
        return always, calendars.from_spans(clock.get_tz(self.tz), spans, None if always else self.country)

    def local_time(self, now: datetime) -> str:
        """Their clock now, as JSON gives it (English, stable): Tue 09:45 -03, the offset always
        (never an abbreviation: Mexico City's "CST" is China's and Cuba's too)."""
        from sdcli.dates import offset

        local = now.astimezone(clock.get_tz(self.tz))
        return f"{_DAYS[local.weekday()]} {local:%H:%M} {offset(local)}"

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
class EscalationTable:
    levels: list[Level]
    max_failed: int = 3
    by_name: dict[str, list[Contact]] = field(default_factory=dict)  # model.name_key(name) → its contacts

    def level(self, n: int) -> Level:
        return self.levels[n - 1]

    @property
    def top(self) -> int:
        return len(self.levels)

    def contact(self, name: str, level: int | None = None) -> Contact:
        """The contact a name picks: its whole name, else a part of one, compared without case or
        accents ('lucia' is Lucía Ferreyra, as people type it); a name that picks two contacts is
        refused naming them (the call would be recorded against one of them by chance). One person
        the table lists at several levels is their entry at `level` (the level being called), else
        the nearest below it, else the lowest above it."""
        key = name_key(name)
        matches = self.by_name.get(key) or [
            x for k, xs in self.by_name.items() if key and key in k for x in xs
        ]
        if len({name_key(x.name) for x in matches}) == 1 and len(matches) > 1 and level is not None:
            below = [x for x in matches if x.level <= level]
            return max(below, key=lambda x: x.level) if below else min(matches, key=lambda x: x.level)
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise InvalidValue("contact", name, "invalid.contact_ambiguous",
                               matches=", ".join(f"{x.name} ({x.level})" for x in matches))  # fmt: skip
        raise InvalidValue("contact", name, "invalid.contact_unknown",
                           known=", ".join(x.name for xs in self.by_name.values() for x in xs))  # fmt: skip


def _contact(
    c: dict[str, Any], where: Any, level: int, sales: dict[str, Any], zones: dict[str, str]
) -> Contact | None:
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
        if ch not in CALL_CHANNELS:
            raise ConfigError("error.table_channel", where=where, channel=repr(ch))
    if not c.get("phone"):
        return None
    try:
        phone = validate.phone(f"{where} phone", c["phone"])
        email = validate.email(f"{where} email", c["email"]) if c.get("email") else None
        clock.get_tz(c.get("tz", "UTC"))
    except InvalidValue as e:
        raise ConfigError(e.message) from None
    spans = validate.parse_hours(c.get("hours", "24x7"))
    if spans is None:
        raise ConfigError("error.table_hours", where=where, hours=repr(c.get("hours")))
    if not c.get("tz") and not _always(spans):  # hours are kept on the contact's clock: never UTC by default
        raise ConfigError("error.table_no_tz", where=where, hours=repr(c.get("hours")))
    for key in (name_key(cname), phone, (email or "").casefold()):
        if key and key in sales:
            raise ConfigError(
                "error.table_sales_person", where=where, who=sales[key], rule=Message(RULE_SALES)
            )
    tz = c.get("tz", "UTC")
    return Contact(cname, role, phone, email, c.get("hours", "24x7"), tz, level, team, zones.get(tz))


def _always(spans: list[tuple[int, int, int]]) -> bool:
    """Hours that are every minute of every day (24x7)."""
    return len(spans) == 7 and all((a, b) == (0, 24 * 60) for _, a, b in spans)


def _all(texts: Any) -> str:
    """Every language's text of a name or role (the sales check reads them all)."""
    return " ".join(map(str, texts.values())) if isinstance(texts, dict) else str(texts)


def _sales_staff(directory: list[dict[str, Any]]) -> dict[str, Message]:
    """Names (model.name_key), phones and emails (casefolded) of the directory's account managers and
    commercial teams."""
    out: dict[str, Message] = {}
    for customer in directory:
        am = customer.get("account_manager") or {}
        what = Message("error.is_account_manager", customer=customer.get("name", "?"))
        for key in (name_key(am.get("name")), am.get("phone"), str(am.get("email") or "").casefold()):
            if key:
                out.setdefault(str(key), what)
        if customer.get("commercial_team"):
            out.setdefault(
                name_key(customer["commercial_team"]),
                Message("error.is_commercial_team", customer=customer.get("name", "?")),
            )
    return out


def load_table(home: Path | None = None, directory: list[dict[str, Any]] | None = None) -> EscalationTable:
    """The escalation table, validated (against the customer directory when given); every refusal
    names the entry."""
    return parse_table(load_data("escalation", home), directory, home)


def _countries_of_zones(home: Path | None) -> dict[str, str]:
    """IANA zone → the country (countries.toml) it is a zone of: a contact's public holidays."""
    from sdcli import sites

    out: dict[str, str] = {}
    known = load_data("countries", home)["countries"]
    for code in known:
        for zone in sites.accepted(known, code):  # a zone an entry stands for too (America/Recife: BR)
            out.setdefault(zone, code)
    return out


def parse_table(
    data: dict[str, Any], directory: list[dict[str, Any]] | None = None, home: Path | None = None
) -> EscalationTable:
    raw_levels = data.get("level", [])
    if not raw_levels:
        raise ConfigError("error.table_no_levels")
    levels: list[Level] = []
    by_name: dict[str, list[Contact]] = {}
    sales = _sales_staff(directory or [])
    zones = _countries_of_zones(home)
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
                c, Message("error.table_contact", where=where, name=repr(c.get("name", "?"))), i, sales, zones
            )
            if contact is not None:
                contacts.append(contact)
                by_name.setdefault(name_key(contact.name), []).append(contact)
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
    return EscalationTable(levels, int(data.get("max_failed_attempts", 3)), by_name)
