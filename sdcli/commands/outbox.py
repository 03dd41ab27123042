"""sdcli outbox list|send|discard"""

from __future__ import annotations

import typer

from sdcli.ui import JSON_OPTION, app_of, emit_json, info, warn

app = typer.Typer(
    help="Customer updates queued by changes of incidents, and their sending.", no_args_is_help=True
)


@app.command("list")
def list_(
    ctx: typer.Context,
    state: list[str] = typer.Option(
        [], "--state", help="queued, sending, sent, failed or discarded (repeatable)."
    ),
    ticket: str | None = typer.Option(None, "--ticket", help="Only this ticket's updates."),
    include_all: bool = typer.Option(False, "--all", help="Include sent and discarded ones."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the outbox: what waits to be sent, what is being sent, what failed.

    Example: sdcli outbox list --state failed --json
    """
    from sdcli.errors import InvalidValue
    from sdcli.model import format_id, parse_id
    from sdcli.render import ticket_table
    from sdcli.store.outbox import STATES

    for s in state:
        if s not in STATES:
            raise InvalidValue("state", s, "use one of " + ", ".join(STATES))
    states = state or (None if include_all else ["queued", "sending", "failed"])
    tid = format_id(*parse_id(ticket)) if ticket else None
    items = app_of(ctx).store().outbox(states=states, ticket_id=tid)
    if as_json:
        emit_json(items)
        return
    rows = [{**i, "to": ", ".join(i.get("to", [])), "error": i.get("last_error") or ""} for i in items]
    ticket_table(rows, ("id", "ticket", "action", "state", "to", "next_at", "attempts", "error"),
                 none="outbox.none", count="outbox.count")  # fmt: skip


@app.command("send")
def send(
    ctx: typer.Context,
    ids: list[int] = typer.Argument(
        None, metavar="[N...]", help="Only these items (also failed ones, or one a stopped sender left)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Send the updates that are due through SMTP (mail.toml); each is sent once, also when
    two `outbox send` run at once. A temporary failure is retried later; a permanent one
    stays failed (shown in `sdcli shift`).

    Example: sdcli outbox send
    """
    from sdcli.mail import smtp

    app = app_of(ctx)
    store = app.store()
    done, stopped = smtp.send_outbox(store, app.home, actor=app.agent, now=store.now(), ids=ids or None)
    if as_json:
        emit_json({"items": done, "stopped": str(stopped) if stopped else None})
    else:
        for item in done:
            line = f"{item['id']} {item['ticket']} {item.get('action', '')}: {item['state']}"
            if item["state"] == "sent":
                info(f"{line} to {', '.join(item.get('to', []))}")
            else:
                warn(f"{line} ({item.get('last_error') or 'not attempted'})")
        if not done:
            info("nothing to send")
    if stopped is not None:
        typer.echo(f"Error: {stopped}", err=True)
        raise typer.Exit(1)


@app.command("discard")
def discard(
    ctx: typer.Context, item_id: int = typer.Argument(..., metavar="N"), as_json: bool = JSON_OPTION
) -> None:
    """Discard an update: it is never sent (a sent one cannot be).

    Example: sdcli outbox discard 7
    """
    from sdcli.mail import smtp

    app = app_of(ctx)
    store = app.store()
    item = store.outbox_discard(item_id, actor=app.agent, stale_before=store.now() - smtp.LEASE)
    if as_json:
        emit_json(item)
    else:
        info(f"outbox item {item['id']} ({item['ticket']}) discarded.")
