"""sdcli outbox list|send|discard"""

from __future__ import annotations

import typer

from sdcli.errors import InvalidValue
from sdcli.i18n import Joined, Literal, Message, from_data, render, t, word
from sdcli.model import format_id, parse_id
from sdcli.render import ticket_table
from sdcli.store.outbox import STATES
from sdcli.ui import JSON_OPTION, app_of, app_reading, emit_json, say, warn

#: an outbox item's state in words (the catalogue's outbox.state.*)
STATE_WORDS = {"queued": "outbox.state.queued", "sending": "outbox.state.sending", "sent": "outbox.state.sent",
               "failed": "outbox.state.failed", "discarded": "outbox.state.discarded"}  # fmt: skip

app = typer.Typer(help="Customer updates queued by changes of incidents, and their sending.\n\n"
                  "Example: sdcli outbox send",
                  no_args_is_help=True)  # fmt: skip


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
    for s in state:
        if s not in STATES:
            raise InvalidValue("state", s, "invalid.outbox_state", states=", ".join(STATES))
    states = state or (None if include_all else ["queued", "sending", "failed"])
    tid = format_id(*parse_id(ticket)) if ticket else None
    items = app_reading(ctx).store().outbox(states=states, ticket_id=tid)
    if as_json:
        emit_json(items)
        return
    rows = [{**i, "to": ", ".join(i.get("to", [])), "error": _error(i), "action": word("event", i.get("action", "")),
             "state": t(STATE_WORDS[i["state"]])} for i in items]  # fmt: skip
    ticket_table(rows, ("id", "ticket", "action", "state", "to", "next_at", "attempts", "error"),
                 sparse=("error",), none="outbox.none", count="outbox.count")  # fmt: skip


@app.command("send")
def send(
    ctx: typer.Context,
    ids: list[int] = typer.Argument(
        None, metavar="[N...]", help="Only these items (also failed ones, or one a stopped sender left)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Send the updates that are due through the desk's SMTP server; each is sent once, also when
    two `outbox send` run at once. A temporary failure is retried later; a permanent one
    stays failed (shown in `sdcli shift`).

    Example: sdcli outbox send
    """
    from sdcli.mail import smtp  # deferred: only when sending (not outbox list)

    app = app_of(ctx)
    store = app.store()
    done, stopped = smtp.send_outbox(store, app.home, actor=app.agent, now=store.now(), ids=ids or None)
    if as_json:
        emit_json({"items": done, "stopped": str(stopped) if stopped else None})
    else:
        for item in done:
            shown = {
                "n": item["id"],
                "ticket": item["ticket"],
                "action": word("event", item.get("action", "")),
            }
            if item["state"] == "sent":
                say("outbox.sent", **shown, to=Joined(item.get("delivered_to") or item.get("to", [])))
                for address, said in (item.get("refused") or {}).items():  # the others got it; not these
                    warn(Message("outbox.refused_some", **shown, to=address, said=Literal(said)))
            else:
                warn(Message("outbox.not_sent", **shown, state=Message(STATE_WORDS[item["state"]]),
                             error=_error(item) or Message("outbox.not_attempted")))  # fmt: skip
        if not done:
            say("outbox.nothing")
    if stopped is not None:
        raise stopped  # the error boundary: one line, exit 1


@app.command("discard")
def discard(
    ctx: typer.Context, item_id: int = typer.Argument(..., metavar="N"), as_json: bool = JSON_OPTION
) -> None:
    """Discard an update: it is never sent (a sent one cannot be).

    Example: sdcli outbox discard 7
    """
    from sdcli.mail import smtp  # deferred: only when sending (not outbox list)

    app = app_of(ctx)
    store = app.store()
    item = store.outbox_discard(item_id, actor=app.agent, stale_before=store.now() - smtp.LEASE)
    if as_json:
        emit_json(item)
    else:
        say("outbox.discarded", n=item["id"], ticket=item["ticket"])


def _error(item: dict) -> str:
    """Why an update was not sent, in the session's language (the server's own words as it said them)."""
    if item.get("why"):
        return render(from_data(item["why"]))
    return str(item.get("last_error") or "")
