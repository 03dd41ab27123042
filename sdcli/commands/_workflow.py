"""The shared body of the commands that move a ticket through its workflow (hold, resolve, ...)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import typer

from sdcli import clock, validate
from sdcli.commands._notify import notify, queue_of
from sdcli.errors import MissingFlag, RefusedTransition
from sdcli.i18n import t
from sdcli.model import PREFIXES, parse_id
from sdcli.ui import after_success, app_of, emit_json, interactive, say


def text_or_ask(
    ctx: typer.Context, ticket_id: str, value: str | None, *, flag: str, field: str, label: str
) -> str:
    """A command's required text: as given; else asked on a terminal (in the session's language,
    re-asked while empty; the ticket looked up first, so a wrong id is told before any typing);
    else named as missing."""
    if value is not None:
        return value

    if not interactive(app_of(ctx)):
        raise MissingFlag([flag])
    app_of(ctx).store().get(ticket_id)
    from sdcli.prompts import line  # deferred: questionary, only on a terminal
    from sdcli.tickets import check_text  # deferred: not on show or escalate --json

    return line(t(label), lambda v: check_text(field, v), required=True)


def run(
    ctx: typer.Context,
    ticket_id: str,
    action: str,
    *,
    note: str | None,
    as_json: bool,
    notify_now: bool = False,
    at: datetime | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """Move the ticket through `action`; `at`: when it happened (--at), refused before a step of
    its life it follows (happened.not_before), checked in the write that records it."""
    from sdcli.tickets import check_text, transition  # deferred: not on show or escalate --json

    app = app_of(ctx)
    if note is not None:
        note = check_text("note", note)
    if at is not None:
        from sdcli import happened

        inner = kw.pop("apply", None)

        def apply(doc: dict[str, Any]) -> None:
            happened.not_before(doc, action, at)
            if inner is not None:
                inner(doc)

        kw["apply"] = apply
    doc = transition(app.store(), ticket_id, action, actor=app.agent, home=app.home, note=note, queue=queue_of(app),
                     **kw)  # fmt: skip
    if notify_now:
        notify(app, doc["id"])
    if as_json:
        emit_json(doc)
    else:
        say("ticket.now", id=doc["id"], status=doc["status"])
    return doc


def move(
    ctx: typer.Context,
    ticket_id: str,
    action: str,
    as_json: bool,
    *,
    prefix: str,
    note: str | None = None,
    check: Callable[[dict[str, Any]], Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An action of a kind's sub-commands (ssr, change): set `fields`, record them in the event.
    `check`: a refusal of the ticket as the write finds it, once the workflow allows the action
    (the time a step happened against the steps it follows: never against a copy read before)."""
    if parse_id(ticket_id)[0] != prefix:
        raise RefusedTransition("error.not_of_kind", id=ticket_id, kind=PREFIXES[prefix], prefix=prefix)

    def apply(doc: dict[str, Any]) -> None:
        if check is not None:
            check(doc)
        doc.update(fields)

    return run(ctx, ticket_id, action, note=note, as_json=as_json, apply=apply, extra=fields or None)


def happened_at(
    ctx: typer.Context, ticket_id: str, action: str, at: str | None, dayfirst: bool | None
) -> datetime | None:
    """--at of a step that already happened: in the ticket's site zone unless it names an offset,
    not in the future (happened.read), nor before a step it follows (told before any typing; `run`
    checks it again in the write); None when not given."""
    if at is None:
        return None
    from sdcli import happened

    doc = app_of(ctx).store().get(ticket_id)
    notes: list[Any] = []
    when = happened.read(at, doc.get("timezone"), dayfirst=dayfirst, notes=notes)
    happened.not_before(doc, action, when)  # a ticket of another kind is refused by the action
    told(notes)
    return when


def told(notes: list[Any]) -> None:
    """How a flag's date that reads two ways was read (02/12/2026: 2 December), said back on
    stderr once the command succeeded, as every date of a guessed day order is (a refusal stays
    its one line)."""
    for note in notes:
        after_success(note)


def site_time(ctx: typer.Context, ticket_id: str, at: str, dayfirst: bool | None) -> str:
    """A time for a ticket's site, read in the site's zone, not in the past (ISO, as stored)."""
    doc = app_of(ctx).store().get(ticket_id)
    notes: list[Any] = []
    got = validate.when(
        "at", at, clock.get_tz(doc.get("timezone")), dayfirst=dayfirst, tense=validate.FUTURE, notes=notes
    )
    told(notes)
    return got
