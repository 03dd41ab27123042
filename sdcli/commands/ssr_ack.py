"""sdcli ssr ack ID [--at TIME | --reply [-o FILE.eml | --send]]"""

from __future__ import annotations

import typer

from sdcli.commands import _mail
from sdcli.commands._workflow import happened_at
from sdcli.dates import When
from sdcli.errors import RefusedTransition, UsageProblem
from sdcli.tickets import check_text
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION, app_of, emit_json, say

IDARG = typer.Argument(..., metavar="ID", help="SSR id.")


def ack(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    note: str | None = typer.Option(None, "--note", help="e.g. how the confirmation was sent."),
    reply: bool = _mail.REPLY_OPTION,
    output: str | None = _mail.OUTPUT_OPTION,
    send: bool = _mail.SEND_OPTION,
    at: str | None = typer.Option(
        None, "--at", help="When the customer was told, e.g. by phone (default now; site time)."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that the customer was sent the confirmation of receipt with the SSR id.

    With --reply, the confirmation is written as a reply to the form's message (stdout or
    -o FILE.eml); --send sends it and records the confirmation only once the server took it.
    --at records a confirmation given earlier (by phone).

    Example: sdcli ssr ack SSR3 --reply --send
    """
    from sdcli import ssr  # deferred: ssr list/show import this module too

    a = app_of(ctx)
    store = a.store()
    note = check_text("note", note, required=False) or None
    _mail.check_flags(reply, output, send)
    if at is not None and reply:
        raise UsageProblem("reply.not_with_at")
    when = happened_at(ctx, ticket_id, "confirm", at, dayfirst)

    def record(how: str | None, claim: int | None = None) -> dict:
        return ssr.confirm(store, ticket_id, actor=a.agent, note=note or how, at=when, claim=claim)

    if reply:

        def refuse(doc: dict) -> None:  # inside the claim's write with --send
            if doc.get("kind") != "ssr":
                raise RefusedTransition("reply.not_ssr", id=doc["id"])
            if send and doc.get("confirmed_at"):
                raise RefusedTransition("reply.already_confirmed", id=doc["id"])

        _mail.reply(a, store.get(ticket_id), lambda doc, lang: ssr.confirmation(doc, lang, a.home), kind="ssr",
                    output=output, send=send, refuse=refuse, record=record, as_json=as_json)  # fmt: skip
        return
    doc = record(None)
    if as_json:
        emit_json(doc)
    else:
        say("reply.confirmed", id=doc["id"], at=When(doc["confirmed_at"], doc.get("timezone")))
