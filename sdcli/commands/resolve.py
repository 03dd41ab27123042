"""sdcli resolve ID --note TEXT"""

from __future__ import annotations

import typer

from sdcli import clock, sla
from sdcli.commands._notify import NOTIFY_OPTION
from sdcli.commands._workflow import run, text_or_ask
from sdcli.ui import JSON_OPTION, app_of


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Option(
        None, "--note", help="What fixed it (asked on a terminal when left out)."
    ),
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Mark an incident resolved; this stops its SLA clock.

    Example: sdcli resolve INC12 --note "Power restored at the site; link up"
    """
    note = text_or_ask(ctx, ticket_id, note, flag="--note", field="note", label="prompt.resolution")
    stamp, home = clock.iso(clock.now()), app_of(ctx).home

    def apply(doc: dict) -> None:
        doc["resolved_at"] = stamp
        doc["resolution"] = str(note).strip()
        sla.on_resolve(doc, clock.from_iso(stamp), home)

    run(ctx, ticket_id, "resolve", note=note, as_json=as_json, notify_now=notify_now, apply=apply)
