"""The shared body of the commands that only move a ticket through its workflow."""

from __future__ import annotations

from typing import Any

import typer

from sdcli.ui import app_of, emit_json, info


def run(
    ctx: typer.Context, ticket_id: str, action: str, *, note: str | None, as_json: bool, **kw: Any
) -> dict[str, Any]:
    from sdcli.tickets import check_text, transition

    app = app_of(ctx)
    if note is not None:
        note = check_text("note", note)
    doc = transition(app.store(), ticket_id, action, actor=app.agent, home=app.home, note=note, **kw)
    if as_json:
        emit_json(doc)
    else:
        info(f"{doc['id']} is now {doc['status']}.")
    return doc


def move(
    ctx: typer.Context,
    ticket_id: str,
    action: str,
    as_json: bool,
    *,
    prefix: str,
    note: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An action of a kind's sub-commands (ssr, change): set `fields`, record them in the event."""
    from sdcli.errors import RefusedTransition
    from sdcli.store import PREFIXES, parse_id

    if parse_id(ticket_id)[0] != prefix:
        raise RefusedTransition(f"{ticket_id} is not a {PREFIXES[prefix]} ({prefix}...)")
    return run(
        ctx,
        ticket_id,
        action,
        note=note,
        as_json=as_json,
        apply=lambda d: d.update(fields),
        extra=fields or None,
    )
