"""sdcli resume ID"""

from __future__ import annotations

import typer

from sdcli import clock, sla
from sdcli.commands._notify import NOTIFY_OPTION
from sdcli.commands._workflow import run
from sdcli.ui import JSON_OPTION, app_of


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(None, "--note", help="Optional note."),
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Resume an incident on hold: its SLA clock runs again and the deadline moves by the pause.

    Example: sdcli resume INC12 --note "customer answered"
    """
    now, home = clock.now(), app_of(ctx).home
    run(
        ctx,
        ticket_id,
        "resume",
        note=note,
        as_json=as_json,
        notify_now=notify_now,
        apply=lambda d: sla.unpause(d, now, home),
    )
