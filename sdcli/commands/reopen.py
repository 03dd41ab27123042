"""sdcli reopen ID [--at TIME]"""

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
        None, "--note", "--reason", help="Why it is reopened (asked on a terminal when left out)."
    ),
    at: str | None = typer.Option(
        None, "--at", help="When it failed again (default now; site time): the clock runs from it."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Reopen a resolved or closed incident; its SLA clock runs again.

    Example: sdcli reopen INC12 --note "Link down again after 10 minutes"
    """

    when = happened_at(ctx, ticket_id, "reopen", at, dayfirst)
    note = text_or_ask(ctx, ticket_id, note, flag="--note", field="note", label="prompt.reopen_reason")
    now, home = when or clock.now(), app_of(ctx).home

    def apply(doc: dict) -> None:
        sla.on_reopen(doc, now, home)
        doc.pop("resolved_at", None)
        doc.pop("closed_at", None)
        doc.pop("resolution", None)

    run(ctx, ticket_id, "reopen", note=note, as_json=as_json, notify_now=notify_now, apply=apply, at=when)
