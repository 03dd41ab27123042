"""sdcli hold ID --reason TEXT"""

from __future__ import annotations

import typer

from sdcli.commands._transition import NOTIFY_OPTION, run
from sdcli.ui import JSON_OPTION


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="Why the clock stops, e.g. awaiting-customer."),
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Put an incident on hold: its SLA clock pauses until `sdcli resume`.

    Example: sdcli hold INC12 --reason awaiting-customer
    """
    from sdcli import clock, sla

    now = clock.now()
    run(
        ctx,
        ticket_id,
        "hold",
        note=reason,
        as_json=as_json,
        notify_now=notify_now,
        apply=lambda d: sla.pause(d, reason.strip(), now),
    )
