"""sdcli hold ID --reason TEXT [--at TIME]"""

from __future__ import annotations

import typer

from sdcli import clock, sla
from sdcli.commands._notify import NOTIFY_OPTION
from sdcli.commands._workflow import happened_at, run, text_or_ask
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    reason: str | None = typer.Option(
        None,
        "--reason",
        help="Why the clock stops, e.g. awaiting-customer (asked on a terminal when left out).",
    ),
    at: str | None = typer.Option(None, "--at", help="When the clock stopped (default now; site time)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Put an incident on hold: its SLA clock pauses until `sdcli resume`.

    Example: sdcli hold INC12 --reason awaiting-customer
    """
    when = happened_at(ctx, ticket_id, "hold", at, dayfirst)
    why = text_or_ask(ctx, ticket_id, reason, flag="--reason", field="reason", label="prompt.hold_reason")
    run(
        ctx,
        ticket_id,
        "hold",
        note=why,
        as_json=as_json,
        notify_now=notify_now,
        apply=lambda d: sla.pause(
            d, why.strip(), when or clock.now()
        ),  # now: in the write, after those before it
        at=when,
    )
