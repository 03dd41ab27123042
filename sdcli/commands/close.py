"""sdcli close ID"""

from __future__ import annotations

import typer

from sdcli import clock
from sdcli.commands._notify import NOTIFY_OPTION
from sdcli.commands._workflow import run
from sdcli.ui import JSON_OPTION


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(None, "--note", help="Optional closing note."),
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Close a resolved incident (the customer confirmed, or the waiting time passed).

    Example: sdcli close INC12
    """
    stamp = clock.iso(clock.now())
    run(
        ctx,
        ticket_id,
        "close",
        note=note,
        as_json=as_json,
        notify_now=notify_now,
        apply=lambda d: d.__setitem__("closed_at", stamp),
    )
