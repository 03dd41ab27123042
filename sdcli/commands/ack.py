"""sdcli ack ID"""

from __future__ import annotations

import typer

from sdcli.ui import JSON_OPTION, app_of, emit_json, say


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(None, "--note", help="e.g. how the reply was sent."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that the customer was sent the incident number (the 15-minute promise).

    Example: sdcli ack INC12 --note "replied to mo.bud thread"
    """
    from sdcli import intake, sla  # noqa: F401 - intake: acknowledge
    from sdcli.tickets import check_text

    app = app_of(ctx)
    doc = intake.acknowledge(
        app.store(), ticket_id, actor=app.agent, note=check_text("note", note, required=False) or None
    )
    if as_json:
        emit_json(doc)
        return
    from sdcli.dates import When

    zone = doc.get("timezone")
    if sla.ack_late(doc):
        say("ack.late", id=doc["id"], at=When(doc["acked_at"], zone), due=When(doc["ack_due"], zone))
    else:
        say("ack.done", id=doc["id"], at=When(doc["acked_at"], zone))
