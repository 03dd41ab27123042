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
        raise UnknownTicket(
            f"{ticket_id.strip().upper()} is not registered: register it first: sdcli open"
        ) from None
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
    messages: list[str] = []

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
        (warn if "backup" in m or "voicemail" in m else info)(m)
    if as_json:
        emit_json(escalation.state(doc, table, now, app.home))


def _render(doc: dict[str, Any], table: Any, now: Any, home: Any) -> None:
    from rich.table import Table

    from sdcli import clock, escalation, sla

    st = escalation.state(doc, table, now, home)
    out = console()
    sev = f"{st['severity']}" + ("" if st["severity_classified"] else " (suggested; not classified yet)")
    head = f"{doc['id']}  {doc.get('customer', '')} / {doc.get('site', '')}  severity {sev}  age {clock.humanize(now - clock.from_iso(doc['opened_at']))}"
    out.print(text(head, "bold"))
    out.print(text("SLA: " + sla.status_line(doc, now)))
    owner = st["owner"]
    if owner:
        out.print(text(f"Owner: {owner['name']} (level {owner['level']}) since {owner['since']}"))
    local = now.astimezone().strftime("%a %H:%M %Z")
    t = Table(title=f"Escalation table — correct level now: {st['current_level']}, calling level: {st['active_level']}",
              title_justify="left")  # fmt: skip
    for col in (
        "",
        "level",
        "after",
        "contact",
        "phone",
        "email",
        "available now",
        f"their time / yours ({local})",
        "attempts",
    ):
        t.add_column(col)
    for lv in st["levels"]:
        style = "bold reverse" if lv["active"] else ""
        mark = "▶ now" if lv["active"] else ("correct" if lv["correct"] else "")
        fails = lv["consecutive_failures"]
        tried = f"{len(lv['attempts'])} ({fails} failed in a row)" if lv["attempts"] else ""
        for i, c in enumerate(lv["contacts"]):
            after = "" if i else ("—" if lv["after_minutes"] is None else f"{lv['after_minutes']} min")
            t.add_row(text(mark if not i else "", style), text(f"{lv['level']} {lv['name']}" if not i else "", style),
                      text(after, style), text(f"{c['name']} ({c['role']})", style), text(c["phone"], style),
                      text(c["email"] or "", style), text("yes" if c["available_now"] else "no (out of hours)", style),
                      text(c["local_time"], style), text(tried if not i else "", style))  # fmt: skip
    out.print(t)
    if st["next_level_at"]:
        out.print(text(f"Next level due at {st['next_level_at']}"))
    out.print(text("Escalate by phone. Email is a backup, not monitored 24x7. No SMS or WhatsApp."))


def _ask(doc: dict[str, Any], table: Any, now: Any, home: Any) -> tuple[str, str, str | None, str | None]:
    import questionary

    from sdcli import escalation

    st = escalation.state(doc, table, now, home)
    level = table.level(st["active_level"])
    choices = [questionary.Choice(f"{c.name} ({c.role}) {c.phone}" + ("" if c.available(now) else " — out of hours"), c.name)
               for c in level.contacts]  # fmt: skip
    name = questionary.select(
        f"Call whom at level {level.level} ({level.name})?", choices=choices
    ).unsafe_ask()
    outcome = questionary.select("Outcome of the call", choices=list(escalation.OUTCOMES)).unsafe_ask()
    note = questionary.text("Note (optional)").unsafe_ask()
    return name, "phone", outcome, note.strip() or None
