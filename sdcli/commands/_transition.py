"""The shared bodies of commands: moving a ticket through its workflow, listing a kind, showing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sdcli import clock, validate
from sdcli.errors import MissingFlag, RefusedTransition, SdcliError
from sdcli.i18n import Joined, Literal, Message, from_data, t
from sdcli.model import PREFIXES, parse_id
from sdcli.ui import app_of, app_reading, emit_json, interactive, say, warn
from sdcli.views.output import emit_rows, row_format

NOTIFY_OPTION = typer.Option(
    False, "--notify", help="Send the customer's update now (else `sdcli outbox send`)."
)


def queue_of(app: Any, level_name: Callable[[int], Any] | None = None) -> Any:
    """The customer update a change of an incident queues in its write (mail/updates.py)."""
    from sdcli.mail import updates  # deferred: writes only (not show, escalate --json)

    return updates.queue_for(app.home, app.store().customers(), level_name)


def notify(app: Any, ticket_id: str) -> None:
    """Send now what the change queued for the ticket; a failure leaves it in the outbox."""
    from sdcli.commands.outbox import STATE_WORDS  # deferred: only with --notify
    from sdcli.mail import smtp  # deferred: only with --notify

    store = app.store()
    ids = [i["id"] for i in store.outbox(ticket_id=ticket_id, states=["queued"])]
    if not ids:
        return
    try:
        done, stopped = smtp.send_outbox(store, app.home, actor=app.agent, now=store.now(), ids=ids)
    except SdcliError as e:
        warn(Message("outbox.notify_failed", reason=e.message))
        return
    for item in done:
        if item["state"] == "sent":
            say("outbox.notify_sent", to=Joined(item.get("to", [])))
        else:
            why = from_data(item["why"]) if item.get("why") else Literal(str(item.get("last_error") or ""))
            warn(Message("outbox.notify_item_failed", reason=why, state=Message(STATE_WORDS[item["state"]])))
    if stopped is not None:
        warn(Message("outbox.notify_stopped", reason=stopped.message))


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
    **kw: Any,
) -> dict[str, Any]:
    from sdcli.tickets import check_text, transition  # deferred: not on show or escalate --json

    app = app_of(ctx)
    if note is not None:
        note = check_text("note", note)
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
    **fields: Any,
) -> dict[str, Any]:
    """An action of a kind's sub-commands (ssr, change): set `fields`, record them in the event."""
    if parse_id(ticket_id)[0] != prefix:
        raise RefusedTransition("error.not_of_kind", id=ticket_id, kind=PREFIXES[prefix], prefix=prefix)
    return run(
        ctx,
        ticket_id,
        action,
        note=note,
        as_json=as_json,
        apply=lambda d: d.update(fields),
        extra=fields or None,
    )


def list_kind(
    ctx: typer.Context,
    kind: str,
    *,
    status: list[str],
    customer: str | None,
    include_all: bool,
    as_json: bool,
    columns: tuple[str, ...],
    prepare: Callable[[dict[str, Any]], None] | None = None,
    fmt: str | None = None,
    quiet: bool = False,
) -> None:
    """A kind's `list` sub-command: whole tickets as JSON, rows as TSV/CSV, or a table (`prepare`
    adds its columns)."""
    from sdcli.tickets import build_filters, find  # deferred: ssr/change list only
    from sdcli.views.lists import ticket_table  # deferred: Rich tables, ssr/change list only

    app = app_reading(ctx)
    rows = find(
        app.store(),
        build_filters(kind=kind, status=status, customer=customer, include_all=include_all, home=app.home),
        full=True,
    )
    if prepare and row_format(fmt, as_json) != "json":  # JSON keeps the tickets as stored
        for r in rows:
            prepare(r)
    emit_rows(rows, columns, fmt=fmt, as_json=as_json, quiet=quiet, table=lambda: ticket_table(rows, columns))


def show_doc(
    ctx: typer.Context,
    ticket_id: str,
    as_json: bool,
    extra_rows: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None,
) -> None:
    """A ticket as JSON, or its fields and timeline (with `extra_rows` of it)."""
    from sdcli.render import show_ticket  # deferred: Rich, show only

    app = app_of(ctx)
    doc = app.store().get(ticket_id)
    if as_json:
        emit_json(doc)
    else:
        show_ticket(doc, extra_rows=extra_rows(doc) if extra_rows else [], home=app.home)


def site_time(ctx: typer.Context, ticket_id: str, at: str, dayfirst: bool | None) -> str:
    """A time for a ticket's site, read in the site's zone, not in the past (ISO, as stored)."""
    doc = app_of(ctx).store().get(ticket_id)
    return validate.when(
        "at", at, clock.get_tz(doc.get("timezone")), dayfirst=dayfirst, tense=validate.FUTURE
    )
