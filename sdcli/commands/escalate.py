"""sdcli escalate ID"""

from __future__ import annotations

from typing import Any

import typer

from sdcli import escalation
from sdcli.commands._transition import NOTIFY_OPTION, notify, queue_of
from sdcli.errors import UnknownTicket
from sdcli.hours import shown
from sdcli.i18n import Localized, Message, t, word
from sdcli.store.base import version
from sdcli.ui import JSON_OPTION, NO_INPUT_OPTION, app_of, emit_json, info, interactive, warn


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
    chan = channel or ("email" if email and not call else "phone")
    if name is None and channel and channel.strip().lower() in escalation.FORBIDDEN:
        escalation.check_channel(channel)  # refused even when no call is recorded
    if name is None and interactive(app, no_input=no_input) and not as_json:
        _loop(app, store, doc, table, notify_now=notify_now)
        return
    if name is None:
        st = escalation.state(doc, table, now, app.home)
        if as_json:
            emit_json(st)
        else:
            from sdcli.views.escalation import show  # deferred: Rich, not on escalate --json

            show(doc, table, now, app.home)
        return
    doc = _record(app, store, doc, table, now, name=name, chan=chan, outcome=outcome, note=note, force=force,
                  reason=reason, notify_now=notify_now)  # fmt: skip
    if as_json:
        emit_json(escalation.state(doc, table, now, app.home))


def _record(app: Any, store: Any, doc: dict[str, Any], table: Any, now: Any, *, name: str, chan: str,
            outcome: str | None, note: str | None, force: bool = False, reason: str | None = None,
            expect: int | None = None, notify_now: bool = False) -> dict[str, Any]:  # fmt: skip
    """One attempt saved (refused when the ticket changed since `expect`), its advice told."""
    from sdcli.tickets import check_text  # deferred: only when an attempt is recorded

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
        (warn if m.key in WARNINGS else info)(m)
    return doc


#: what an attempt says as a warning: a backup channel, a level to leave, the top reached
WARNINGS = ("escalate.email_backup", "escalate.move_up", "escalate.last_level", "escalate.failed_top")


def _loop(app: Any, store: Any, doc: dict[str, Any], table: Any, *, notify_now: bool = False) -> None:
    """On a terminal: the table, a call recorded, then "another call?" on the refreshed level."""
    from sdcli.prompts import confirm  # deferred: questionary, only on a terminal
    from sdcli.views.escalation import show  # deferred: Rich, not on escalate --json

    while True:
        now = store.now()
        show(doc, table, now, app.home)
        _advise(doc, table, now, app.home)
        name, chan, outcome, note = _ask(doc, table, now, app.home)
        doc = _record(app, store, doc, table, now, name=name, chan=chan, outcome=outcome, note=note,
                      expect=version(doc), notify_now=notify_now)  # fmt: skip
        if confirm(t("escalate.another"), default=False) is not True:
            return


def _advise(doc: dict[str, Any], table: Any, now: Any, home: Any) -> None:
    """The active level's contacts that are out of hours, with what to do."""
    st = escalation.state(doc, table, now, home)
    for c in table.level(st["active_level"]).contacts:
        if not c.available(now):
            warn(
                Message(
                    "escalate.out_of_hours_advice",
                    name=c.name,
                    hours=shown(c.hours),
                    theirs=c.shown_time(now),
                )
            )


def _ask(doc: dict[str, Any], table: Any, now: Any, home: Any) -> tuple[str, str, str | None, str | None]:
    from sdcli.prompts import line, select  # deferred: questionary, only on a terminal
    from sdcli.render import phone  # deferred: Rich, only on a terminal

    st = escalation.state(doc, table, now, home)
    level = table.level(st["active_level"])
    choices = [(f"{c.name} ({Localized(c.role).render()}) {phone(c.phone)}" + ("" if c.available(now) else t("escalate.out_of_hours_choice")), c.name)
               for c in level.contacts]  # fmt: skip
    choices += [(t("escalate.email_choice", name=c.name, email=c.email), ("email", c.name))
                for c in level.contacts if c.email]  # fmt: skip
    chosen = select(t("escalate.call_whom", level=level.level, name=Localized(level.name)), choices)
    if isinstance(chosen, tuple):  # the e-mail backup: told what it is before it is recorded
        warn(Message("escalate.email_backup"))
        note = line(t("escalate.note"), lambda v: None, False)
        return chosen[1], "email", None, note.strip() or None
    outcome = select(t("escalate.outcome"), [(word("outcome", o), o) for o in escalation.OUTCOMES])
    note = line(t("escalate.note"), lambda v: None, False)
    return chosen, "phone", outcome, note.strip() or None
