"""sdcli resume ID [--at TIME]"""

from __future__ import annotations

import typer

from sdcli import clock, sla
from sdcli.commands._notify import NOTIFY_OPTION
from sdcli.commands._workflow import happened_at, run
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION, app_of


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(None, "--note", help="Optional note."),
    at: str | None = typer.Option(None, "--at", help="When the clock ran again (default now; site time)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Resume an incident on hold: its SLA clock runs again and the deadline moves by the pause.

    Example: sdcli resume INC12 --note "customer answered"
    """
    when = happened_at(ctx, ticket_id, "resume", at, dayfirst)
    home = app_of(ctx).home
    run(
        ctx,
        ticket_id,
        "resume",
        note=note,
        as_json=as_json,
        notify_now=notify_now,
        apply=lambda d: sla.unpause(d, when or clock.now(), home),  # now: in the write, after those before it
        at=when,
    )
