"""sdcli escalate ID"""

from __future__ import annotations

from typing import Any

import typer

from sdcli import escalation, escalation_table
from sdcli.commands._notify import NOTIFY_OPTION, notify, queue_of
from sdcli.errors import UnknownTicket, UsageProblem
from sdcli.escalation_table import OUTCOMES
from sdcli.i18n import Localized, Message, t, word
from sdcli.store.base import version
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION, NO_INPUT_OPTION, app_of, emit_json, info, interactive, warn


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
    at: str | None = typer.Option(
        None, "--at", help="When the call was made (default now; site time): the level is judged by it."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    no_input: bool = NO_INPUT_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the escalation table for an incident, with the level due now; record each attempt.

    --at gives the time a call was made, when that was before now: the level correct then and the
    failed calls before it decide, as if it had been recorded at once.

    Example: sdcli escalate INC12 --call "Carla Mendes" --outcome no-answer --at "01/12/2026 03:10"
    """

    app = app_of(ctx)
    store = app.store()
    try:
        doc = store.get(ticket_id)
    except UnknownTicket:
        raise UnknownTicket("error.not_registered", id=ticket_id.strip().upper()) from None
    table = escalation_table.load_table(app.home, store.customers())
    escalation.check_escalable(doc, app.home)
    now = store.now()  # the store's clock: agents' machines disagree
    name = call or email
    if at is not None and name is None:
        raise UsageProblem("error.at_needs_call")
    made = _made_at(doc, at, dayfirst)
    chan = channel or ("email" if email and not call else "phone")
    if name is None and channel and channel.strip().lower() in escalation_table.FORBIDDEN:
        escalation.check_channel(channel)  # refused even when no call is recorded
    if name is None and interactive(app, no_input=no_input) and not as_json:
        _loop(app, store, doc, table, notify_now=notify_now)
        return
    if name is not None:
        from sdcli.escalation_calls import Call  # deferred: the write machinery, not on escalate --json

        doc = _record(
            app, doc, table, now, Call(name, chan, outcome, note, force, reason, made), notify_now=notify_now
        )
        if not as_json:
            return
    st = escalation.state(doc, table, now, app.home)  # once a run: the JSON or the view is made from it
    if as_json:
        emit_json(st)
    else:
        from sdcli.views.escalation import show  # deferred: Rich, not on escalate --json

        show(doc, table, st, now)


def _made_at(doc: dict[str, Any], at: str | None, dayfirst: bool | None) -> Any:
    """--at: when the call was made, in the site's zone unless it names an offset; refused in the
    future or before a step it follows (the opening, a pause's ends, the previous call: told at
    once, checked again in the write); None without it."""
    if at is None:
        return None
    from sdcli import clock, happened, validate  # deferred: only with --at
    from sdcli.commands._workflow import flag_time

    when = flag_time("at", at, clock.get_tz(doc.get("timezone")), dayfirst, validate.PAST, site=True)
    happened.not_before(doc, "escalate", when)
    return when


def _record(app: Any, doc: dict[str, Any], table: Any, now: Any, call: Any, *, expect: int | None = None,
            notify_now: bool = False) -> dict[str, Any]:  # fmt: skip
    """One attempt saved (refused when the ticket changed since `expect`), its advice told."""
    from sdcli.escalation_calls import WARNING, record_call  # deferred: the write machinery, not on --json

    names = {lv.level: lv.name for lv in table.levels}
    doc, advice = record_call(app.store(), doc["id"], table, call, actor=app.agent, now=now, home=app.home,
                              expect=expect, queue=queue_of(app, names.get))  # fmt: skip
    if notify_now:
        notify(app, doc["id"])
    for a in advice:
        (warn if a.level == WARNING else info)(a.message)
    return doc


def _loop(app: Any, store: Any, doc: dict[str, Any], table: Any, *, notify_now: bool = False) -> None:
    """On a terminal: the table, a call recorded, then "another call?" on the refreshed level."""
    from sdcli.escalation_calls import Call  # deferred: the write machinery, not on escalate --json
    from sdcli.prompts import confirm  # deferred: questionary, only on a terminal
    from sdcli.views.escalation import show  # deferred: Rich, not on escalate --json

    while True:
        now = store.now()
        st = escalation.state(doc, table, now, app.home)  # once for what this round shows and offers
        show(doc, table, st, now)
        level = table.level(st["active_level"])
        _advise(level, now)
        name, chan, outcome, note = _ask(level, now)
        doc = _record(app, doc, table, now, Call(name, chan, outcome, note), expect=version(doc),
                      notify_now=notify_now)  # fmt: skip
        if confirm(t("escalate.another"), default=False) is not True:
            return


def _advise(level: Any, now: Any) -> None:
    """The active level's contacts that are out of hours, with what to do."""
    from sdcli.views.escalation import hours_text  # deferred: only on a terminal

    for c in level.contacts:
        if not c.available(now):
            warn(
                Message(
                    "escalate.out_of_hours_advice",
                    name=c.name,
                    hours=hours_text(c, now),
                    theirs=c.shown_time(now),
                )
            )


def _ask(level: Any, now: Any) -> tuple[str, str, str | None, str | None]:
    from sdcli.asking import columns
    from sdcli.prompts import line, select  # deferred: questionary, only on a terminal
    from sdcli.render import phone  # deferred: Rich, only on a terminal

    def title(c: Any) -> str:
        """Name, role, phone and the out-of-hours mark; the role left out where the line is too
        short for all (the mark is what must be seen: the table above names the role)."""
        mark = "" if c.available(now) else t("escalate.out_of_hours_choice")
        whole = f"{c.name} ({Localized(c.role).render()}) {phone(c.phone)}{mark}"
        return whole if len(whole) <= columns() - 4 else f"{c.name} {phone(c.phone)}{mark}"

    choices = [(title(c), c.name) for c in level.contacts]
    choices += [(t("escalate.email_choice", name=c.name, email=c.email), ("email", c.name))
                for c in level.contacts if c.email]  # fmt: skip
    chosen = select(t("escalate.call_whom", level=level.level, name=Localized(level.name)), choices)
    if isinstance(chosen, tuple):  # the e-mail backup: told what it is before it is recorded
        warn(Message("escalate.email_backup"))
        note = line(t("escalate.note"), lambda v: None, False)
        return chosen[1], "email", None, note.strip() or None
    outcome = select(t("escalate.outcome"), [(word("outcome", o), o) for o in OUTCOMES])
    note = line(t("escalate.note"), lambda v: None, False)
    return chosen, "phone", outcome, note.strip() or None
