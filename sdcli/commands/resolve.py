"""sdcli resolve ID --note TEXT [--at TIME]"""

from __future__ import annotations

import typer

from sdcli import clock, sla
from sdcli.commands._notify import NOTIFY_OPTION
from sdcli.commands._workflow import happened_at, run, text_or_ask
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION, app_of


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(
        None, "--note", help="What fixed it (asked on a terminal when left out)."
    ),
    at: str | None = typer.Option(
        None, "--at", help="When it was fixed (default now; site time): the SLA is judged by it."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Mark an incident resolved; this stops its SLA clock.

    --at gives the time it was fixed, when that was before now: the target is judged by it.

    Example: sdcli resolve INC12 --note "Power restored at the site; link up" --at "01/12/2026 03:10"
    """
    when = happened_at(ctx, ticket_id, "resolve", at, dayfirst)
    note = text_or_ask(ctx, ticket_id, note, flag="--note", field="note", label="prompt.resolution")
    fixed, home = when or clock.now(), app_of(ctx).home

    def apply(doc: dict) -> None:
        doc["resolved_at"] = sla.on_site_clock(doc, fixed)
        doc["resolution"] = str(note).strip()
        sla.on_resolve(doc, fixed, home)

    run(ctx, ticket_id, "resolve", note=note, as_json=as_json, notify_now=notify_now, apply=apply, at=when)
