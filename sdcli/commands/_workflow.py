"""The shared body of the commands that move a ticket through its workflow (hold, resolve, ...)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, overload

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
    not in the future (flag_time), nor before a step it follows (told before any typing; `run`
    checks it again in the write); None when not given."""
    if at is None:
        return None
    from sdcli import happened

    doc = app_of(ctx).store().get(ticket_id)
    when = flag_time("at", at, clock.get_tz(doc.get("timezone")), dayfirst, validate.PAST, site=True)
    happened.not_before(doc, action, when)  # a ticket of another kind is refused by the action
    return when


@overload
def flag_time(
    name: str, text: str, zone: tzinfo | None, dayfirst: bool | None, tense: str, *, site: bool = False
) -> datetime: ...
@overload
def flag_time(
    name: str, text: str | None, zone: tzinfo | None, dayfirst: bool | None, tense: str, *, site: bool = False
) -> datetime | None: ...
def flag_time(
    name: str, text: str | None, zone: tzinfo | None, dayfirst: bool | None, tense: str, *, site: bool = False
) -> datetime | None:
    """A time a flag gives (--at, --start, --received-at): read in `zone` unless it names an offset,
    in `tense` (validate.PAST: never ahead; FUTURE: never past); `site`: returned in that zone. A
    date whose day order was a guess is said back once the command succeeded (told). None when
    the flag was not given. Every command's --at reader is this one."""
    if text is None:
        return None
    notes: list[Any] = []
    found = validate.instant(name, text, zone, dayfirst=dayfirst, tense=tense, notes=notes)
    told(notes)
    return found.astimezone(zone) if site and zone else found


def ticket_time(
    ctx: typer.Context, ticket_id: str, at: str | None, dayfirst: bool | None, tense: str, *, prefix: str
) -> tuple[dict[str, Any], datetime | None]:
    """A ticket of `prefix`'s kind ({} for another id: its action refuses it as such) and the
    time its --at gives, read in the ticket's site zone (flag_time; None without --at)."""
    doc = app_of(ctx).store().get(ticket_id) if parse_id(ticket_id)[0] == prefix else {}
    return doc, flag_time("at", at, clock.get_tz(doc.get("timezone")), dayfirst, tense)


def told(notes: list[Any]) -> None:
    """How a flag's date that reads two ways was read (02/12/2026: 2 December), said back on
    stderr once the command succeeded, as every date of a guessed day order is (a refusal stays
    its one line)."""
    for note in notes:
        after_success(note)


def site_time(ctx: typer.Context, ticket_id: str, at: str, dayfirst: bool | None) -> str:
    """A time for a ticket's site, read in the site's zone, not in the past (ISO, as stored)."""
    doc = app_of(ctx).store().get(ticket_id)
    return clock.iso(flag_time("at", at, clock.get_tz(doc.get("timezone")), dayfirst, validate.FUTURE))
