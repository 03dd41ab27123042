"""sdcli note ID TEXT"""

from __future__ import annotations

import sys

import typer

from sdcli.commands._workflow import text_or_ask
from sdcli.tickets import add_note
from sdcli.ui import JSON_OPTION, app_of, emit_json, say


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    note: str | None = typer.Argument(
        None,
        metavar="TEXT",
        help="The note; use - to read it from stdin (asked on a terminal when left out).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a note to a ticket's timeline.

    Example: sdcli note INC12 "Customer confirms the router was rebooted"
    """
    app = app_of(ctx)
    if note == "-":
        note = sys.stdin.read()
    note = text_or_ask(ctx, ticket_id, note, flag="TEXT", field="note", label="prompt.note_text")
    doc = add_note(app.store(), ticket_id, note, actor=app.agent)
    if as_json:
        emit_json(doc)
    else:
        say("ticket.noted", id=doc["id"])
