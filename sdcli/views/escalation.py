"""The escalation table of an incident, for a headset and 80 columns: one block per level (the
level, when it is due, what was tried), each contact on lines of its own with the phone grouped
for dialling and the whole e-mail, whether they are in hours, their time and yours. The level
to call now is marked and highlighted. Nothing an agent dials or reads is cut."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sdcli.folding import hanging
from sdcli.i18n import Localized, render, t
from sdcli.ui import console, text


def show(doc: dict[str, Any], table: Any, st: dict[str, Any], now: datetime) -> None:
    """The table of `doc` from its escalation state `st` (escalation.state, computed by the caller)."""
    out = console()
    for line, style in head_lines(doc, st, now):
        out.print(text(line, style))
    for lv, level in zip(st["levels"], table.levels, strict=True):
        out.print()
        for line, style in level_lines(lv, level, now, out.width):
            out.print(text(line, style), no_wrap=False, overflow="fold")
    out.print()
    if st["next_level_at"]:
        from sdcli.dates import When

        out.print(text(t("escalate.next_at", when=When(st["next_level_at"], doc.get("timezone")))))
    out.print(text(t("escalate.rules")))


def head_lines(doc: dict[str, Any], st: dict[str, Any], now: datetime) -> list[tuple[str, str]]:
    from sdcli import clock, sla
    from sdcli.dates import When

    sev = (
        str(st["severity"])
        if st["severity_classified"]
        else t("escalate.suggested_only", severity=st["severity"])
    )
    age = clock.humanize(timedelta(minutes=st["age_minutes"]))  # running time: on hold excluded
    lines = [
        (t("escalate.head", id=doc["id"], customer=doc.get("customer", ""), site=doc.get("site", ""), severity=sev,
           age=age), "bold"),
        (t("escalate.sla", line=render(sla.status_line(doc, now))), ""),
    ]  # fmt: skip
    owner = st["owner"]
    if owner:
        since = When(owner["since"], doc.get("timezone"))
        lines.append((t("escalate.owner_line", name=owner["name"], level=owner["level"], since=since), ""))
    lines.append((t("escalate.title", current=st["current_level"], active=st["active_level"]), "bold"))
    return lines


def level_lines(lv: dict[str, Any], level: Any, now: datetime, width: int) -> list[tuple[str, str]]:
    """A level's block: its head line, then each contact's lines."""
    style = "bold reverse" if lv["active"] else ""
    mark = t("escalate.now") if lv["active"] else (t("escalate.correct") if lv["correct"] else " ")
    name = Localized(level.name)
    if lv["after_minutes"] is None:  # a severity this level's `after` leaves out: never reached by time
        head = t("escalate.level_head_untimed", mark=mark, level=lv["level"], name=name)
    else:
        after = t("escalate.minutes", n=lv["after_minutes"])
        head = t("escalate.level_head", mark=mark, level=lv["level"], name=name, after=after)
    if lv["attempts"]:
        head += " · " + t("escalate.tried_head", n=len(lv["attempts"]), fails=lv["consecutive_failures"])
    lines = [(head, style)]
    for c in level.contacts:
        lines += contact_lines(c, now, width, bold=lv["active"])
    return lines


def contact_lines(c: Any, now: datetime, width: int, *, bold: bool = False) -> list[tuple[str, str]]:
    from sdcli.render import phone

    style = "bold" if bold else ""
    lines = [(f"  {c.name} ({render(Localized(c.role))})", style)]
    dial = f"    {phone(c.phone)}"
    mail = c.email or ""
    if mail and len(dial) + 3 + len(mail) <= width:
        lines.append((f"{dial}   {mail}", style))
    else:
        lines.append((dial, style))
        if mail:
            lines.append((f"    {mail}", style))
    available = c.available(now)
    free = t("escalate.in_hours") if available else t("escalate.off_hours")
    when = t("escalate.when_line", available=free, hours=hours_text(c, now), theirs=c.shown_time(now),
             mine=mine(now, c.tz))  # fmt: skip
    lines += [(one, "" if available else "yellow") for one in hanging(when, width)]
    return lines


def hours_text(c: Any, now: datetime) -> str:
    """A contact's hours in the session's language, saying so when today is a public holiday of
    their country (hours that are not 24x7 are not kept on one)."""
    from sdcli import hours

    shown = hours.shown(c.hours)
    return t("escalate.holiday_hours", hours=shown) if c.holiday(now) else shown


def mine(now: datetime, theirs: str | None = None) -> str:
    """The agent's clock now, naming their zone: 07:45 Lima (with the day when it is not the
    contact's day)."""
    from sdcli import clock
    from sdcli.dates import agent_zone, city

    here = now.astimezone(agent_zone())
    zone = city(getattr(here.tzinfo, "key", None)) or here.strftime("%Z")
    if theirs and now.astimezone(clock.get_tz(theirs)).weekday() == here.weekday():
        return f"{here:%H:%M} {zone}"
    days = t("date.weekdays").split()
    day = days[here.weekday()] if len(days) == 7 else here.strftime("%a")
    return f"{day} {here:%H:%M} {zone}"
