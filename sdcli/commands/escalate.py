"""sdcli escalate ID"""

from __future__ import annotations

from typing import Any

import typer

from sdcli.commands._transition import NOTIFY_OPTION, notify, queue_of
from sdcli.ui import JSON_OPTION, NO_INPUT_OPTION, app_of, console, emit_json, info, interactive, text, warn


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    call: str | None = typer.Option(
        None, "--call", help="Record a phone call to this contact (name from the table)."
    ),
    email: str | None = typer.Option(
        None, "--email", help="Record an email to this contact (backup channel only)."
    ),
    channel: str | None = typer.Option(
        None, "--channel", help="phone (default) or email; sms and whatsapp are refused."
    ),
    outcome: str | None = typer.Option(None, "--outcome", help="reached, no-answer, busy or voicemail."),
    note: str | None = typer.Option(None, "--note", help="What was said or tried."),
    force: bool = typer.Option(False, "--force", help="Call above the correct level (needs --reason)."),
    reason: str | None = typer.Option(None, "--reason", help="Why a level is skipped (recorded)."),
    no_input: bool = NO_INPUT_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the escalation table for an incident, with the level due now; record each attempt.

    Example: sdcli escalate INC12 --call "Carla Mendes" --outcome no-answer
    """
    from sdcli import escalation
    from sdcli.errors import UnknownTicket
    from sdcli.store.base import version
    from sdcli.tickets import check_text

    app = app_of(ctx)
    store = app.store()
    try:
        doc = store.get(ticket_id)
    except UnknownTicket:
        raise UnknownTicket("error.not_registered", id=ticket_id.strip().upper()) from None
    table = escalation.load_table(app.home, store.customers())
    escalation.check_escalable(doc)
    now = store.now()  # the store's clock: agents' machines disagree
    name = call or email
    expect: int | None = None
    chan = channel or ("email" if email and not call else "phone")
    if name is None and channel and channel.strip().lower() in escalation.FORBIDDEN:
        escalation.check_channel(channel)  # refused even when no call is recorded
    if name is None and interactive(app, no_input=no_input) and not as_json:
        _render(doc, table, now, app.home)
        name, chan, outcome, note = _ask(doc, table, now, app.home)
        expect = version(doc)  # the call was chosen on this version: a change since refuses the save
    if name is None:
        st = escalation.state(doc, table, now, app.home)
        if as_json:
            emit_json(st)
        else:
            _render(doc, table, now, app.home)
        return
    note = check_text("note", note, required=False) or None
    messages: list[Any] = []

    def change(d: dict[str, Any]) -> dict[str, Any]:
        event, msgs = escalation.record_attempt(
            d, table, contact_name=name, channel=chan, outcome=outcome, note=note, force=force, reason=reason,
            actor=app.agent, now=now, home=app.home,
        )  # fmt: skip
        messages[:] = msgs
        return event

    names = {lv.level: lv.name for lv in table.levels}
    doc = store.update(doc["id"], change, actor=app.agent, expect=expect, queue=queue_of(app, names.get))
    if notify_now:
        notify(app, doc["id"])
    for m in messages:
        (warn if m.key in ("escalate.email_backup", "escalate.move_up", "escalate.last_level") else info)(m)
    if as_json:
        emit_json(escalation.state(doc, table, now, app.home))


def _render(doc: dict[str, Any], table: Any, now: Any, home: Any) -> None:
    from rich.table import Table

    from sdcli import clock, escalation, sla
    from sdcli.dates import When, agent_zone, city
    from sdcli.i18n import Localized, render, t
    from sdcli.render import phone

    st = escalation.state(doc, table, now, home)
    out = console()
    zone = doc.get("timezone")
    sev = (
        str(st["severity"])
        if st["severity_classified"]
        else t("escalate.suggested_only", severity=st["severity"])
    )
    age = clock.humanize(now - clock.from_iso(doc["opened_at"]))
    out.print(text(t("escalate.head", id=doc["id"], customer=doc.get("customer", ""), site=doc.get("site", ""),
                     severity=sev, age=age), "bold"))  # fmt: skip
    out.print(text(t("escalate.sla", line=render(sla.status_line(doc, now)))))
    owner = st["owner"]
    if owner:
        out.print(
            text(
                t(
                    "escalate.owner_line",
                    name=owner["name"],
                    level=owner["level"],
                    since=When(owner["since"], zone),
                )
            )
        )
    mine = now.astimezone(agent_zone())
    days = t("date.weekdays").split()
    local = f"{days[mine.weekday()] if len(days) == 7 else mine.strftime('%a')} {mine:%H:%M} {city(getattr(mine.tzinfo, 'key', None)) or mine.strftime('%Z')}"
    grid = Table(
        title=t("escalate.title", current=st["current_level"], active=st["active_level"]),
        title_justify="left",
    )
    for col in ("", t("escalate.col_level"), t("escalate.col_after"), t("escalate.col_contact"), t("escalate.col_phone"),
                t("escalate.col_available"), t("escalate.col_times", mine=local), t("escalate.col_attempts")):  # fmt: skip
        grid.add_column(col, overflow="fold")
    for lv, level in zip(st["levels"], table.levels, strict=True):
        style = "bold reverse" if lv["active"] else ""
        mark = t("escalate.now") if lv["active"] else (t("escalate.correct") if lv["correct"] else "")
        fails = lv["consecutive_failures"]
        tried = t("escalate.tried", n=len(lv["attempts"]), fails=fails) if lv["attempts"] else ""
        for i, c in enumerate(level.contacts):
            after = (
                ""
                if i
                else ("—" if lv["after_minutes"] is None else t("escalate.minutes", n=lv["after_minutes"]))
            )
            free = t("escalate.available") if c.available(now) else t("escalate.out_of_hours")
            grid.add_row(text(mark if not i else "", style), text(f"{lv['level']} {render(Localized(level.name))}" if not i else "", style),
                         text(after, style), text(f"{c.name} ({render(Localized(c.role))})", style),
                         text(phone(c.phone), style, no_wrap=True), text(free, style), text(c.shown_time(now), style),
                         text(tried if not i else "", style))  # fmt: skip
    out.print(grid)
    if st["next_level_at"]:
        out.print(text(t("escalate.next_at", when=When(st["next_level_at"], zone))))
    out.print(text(t("escalate.rules")))


def _ask(doc: dict[str, Any], table: Any, now: Any, home: Any) -> tuple[str, str, str | None, str | None]:
    from sdcli import escalation
    from sdcli.i18n import Localized, t, word
    from sdcli.prompts import line, select
    from sdcli.render import phone

    st = escalation.state(doc, table, now, home)
    level = table.level(st["active_level"])
    choices = [(f"{c.name} ({Localized(c.role).render()}) {phone(c.phone)}" + ("" if c.available(now) else t("escalate.out_of_hours_choice")), c.name)
               for c in level.contacts]  # fmt: skip
    name = select(t("escalate.call_whom", level=level.level, name=Localized(level.name)), choices)
    outcome = select(t("escalate.outcome"), [(word("outcome", o), o) for o in escalation.OUTCOMES])
    note = line(t("escalate.note"), lambda v: None, False)
    return name, "phone", outcome, note.strip() or None
