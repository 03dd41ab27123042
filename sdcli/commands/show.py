"""sdcli show ID"""

from __future__ import annotations

import typer

from sdcli.ui import JSON_OPTION, app_of, emit_json


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID", help="INC, SSR or CHG id (case does not matter)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show every field of a ticket and its whole timeline.

    Example: sdcli show INC12 --json
    """
    from sdcli.render import show_ticket

    app = app_of(ctx)
    doc = app.store().get(ticket_id)
    if as_json:
        emit_json(doc)
        return
    extra = []
    if doc.get("kind") == "incident":
        from sdcli import clock, sla

        extra.append(("SLA", sla.status_line(doc, clock.now())))
    show_ticket(doc, extra_rows=extra)
