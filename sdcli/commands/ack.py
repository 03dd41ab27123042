"""sdcli ack ID [--at TIME | --reply [-o FILE.eml | --send]]"""

from __future__ import annotations

import typer

from sdcli import intake, sla
from sdcli.commands import _mail
from sdcli.commands._workflow import happened_at
from sdcli.dates import When
from sdcli.errors import RefusedTransition, UsageProblem
from sdcli.tickets import check_text
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION, app_of, emit_json, say


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(None, "--note", help="e.g. how the reply was sent."),
    reply: bool = _mail.REPLY_OPTION,
    output: str | None = _mail.OUTPUT_OPTION,
    send: bool = _mail.SEND_OPTION,
    at: str | None = typer.Option(
        None, "--at", help="When the customer was told, e.g. by phone (default now; site time)."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that the customer was sent the incident number (the 15-minute promise).

    With --reply, the acknowledgement is written as a reply to the customer's message (To the
    sender, Re: the subject [INC12], threaded, in the customer's language, text and HTML):
    to stdout or -o FILE.eml; --send sends it and records the ack only once the server took it.
    --at records an acknowledgement given earlier (by phone at 09:05, typed at 09:30): its
    lateness is judged by that time.

    Example: sdcli ack INC12 --reply --send
    """
    app = app_of(ctx)
    store = app.store()
    note = check_text("note", note, required=False) or None
    _mail.check_flags(reply, output, send)
    if at is not None and reply:
        raise UsageProblem("reply.not_with_at")
    when = happened_at(ctx, ticket_id, "ack", at, dayfirst)

    def record(how: str | None, claim: int | None = None) -> dict:
        return intake.acknowledge(store, ticket_id, actor=app.agent, note=note or how, at=when, claim=claim)

    if reply:

        def refuse(doc: dict) -> None:  # inside the claim's write with --send
            if doc.get("kind") != "incident":
                raise RefusedTransition("reply.not_incident", id=doc["id"])
            if send and doc.get("acked_at"):
                raise RefusedTransition(
                    "reply.already_acked", id=doc["id"], at=When(doc["acked_at"], doc.get("timezone"))
                )

        _mail.reply(app, store.get(ticket_id), lambda doc, lang: intake.ack_text(doc, lang, app.home),
                    kind="incident", output=output, send=send, refuse=refuse, record=record, as_json=as_json)  # fmt: skip
        return
    doc = record(None)
    if as_json:
        emit_json(doc)
        return

    zone = doc.get("timezone")
    if sla.ack_late(doc):
        say("ack.late", id=doc["id"], at=When(doc["acked_at"], zone), due=When(doc["ack_due"], zone))
    else:
        say("ack.done", id=doc["id"], at=When(doc["acked_at"], zone))
