"""The customer update a command queues, and --notify sending it at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sdcli.errors import SdcliError
from sdcli.i18n import Joined, Literal, Message, from_data
from sdcli.ui import say, warn

NOTIFY_OPTION = typer.Option(
    False, "--notify", help="Send the customer's update now (else `sdcli outbox send`)."
)


def queue_of(app: Any, level_name: Callable[[int], Any] | None = None) -> Any:
    """The customer update a change of an incident queues in its write (mail/updates.py)."""
    from sdcli.mail import updates  # deferred: writes only (not show, escalate --json)

    return updates.queue_for(app.home, app.store().customers(), level_name)


def notify(app: Any, ticket_id: str) -> None:
    """Send now what the change queued for the ticket; a failure leaves it in the outbox."""
    from sdcli.commands.outbox import STATE_WORDS  # deferred: only with --notify
    from sdcli.mail import smtp  # deferred: only with --notify

    store = app.store()
    ids = [i["id"] for i in store.outbox(ticket_id=ticket_id, states=["queued"])]
    if not ids:
        return
    try:
        done, stopped = smtp.send_outbox(store, app.home, actor=app.agent, now=store.now(), ids=ids, due=True)
    except SdcliError as e:
        warn(Message("outbox.notify_failed", reason=e.message))
        return
    if not done:  # decided in the claim: another send has it, deferred it or gave up on it
        warn(Message("outbox.notify_not_now"))
    for item in done:
        if item["state"] == "sent":
            say("outbox.notify_sent", to=Joined(item.get("delivered_to") or item.get("to", [])))
            for address, said in (item.get("refused") or {}).items():  # the others got it; not these
                warn(Message("reply.refused_some", id=ticket_id, to=address, said=Literal(said)))
        else:
            why = from_data(item["why"]) if item.get("why") else Literal(str(item.get("last_error") or ""))
            warn(Message("outbox.notify_item_failed", reason=why, state=Message(STATE_WORDS[item["state"]])))
    if stopped is not None:
        warn(Message("outbox.notify_stopped", reason=stopped.message))
