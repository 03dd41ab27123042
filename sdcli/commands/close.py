"""sdcli close ID [--at TIME]"""

from __future__ import annotations

import typer

from sdcli import clock, sla
from sdcli.commands._notify import NOTIFY_OPTION
from sdcli.commands._workflow import happened_at, run
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(None, "--note", help="Optional closing note."),
    at: str | None = typer.Option(None, "--at", help="When it was closed (default now; site time)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Close a resolved incident (the customer confirmed, or the waiting time passed).

    Example: sdcli close INC12
    """
    when = happened_at(ctx, ticket_id, "close", at, dayfirst)
    closed = when or clock.now()
    run(
        ctx,
        ticket_id,
        "close",
        note=note,
        as_json=as_json,
        notify_now=notify_now,
        apply=lambda d: d.__setitem__("closed_at", sla.on_site_clock(d, closed)),
        at=when,
    )
