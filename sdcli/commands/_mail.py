"""What `ack --reply` and `ssr ack --reply` share: the reply written out, or claimed, sent and
only then recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sdcli.errors import SdcliError, UsageProblem
from sdcli.i18n import Literal, Message, t
from sdcli.ui import emit_json, say, warn

REPLY_OPTION = typer.Option(
    False, "--reply", help="Write the reply to the customer's message (stdout, or -o FILE.eml)."
)
OUTPUT_OPTION = typer.Option(
    None, "-o", "--output", help="With --reply: write the message to this .eml file."
)
SEND_OPTION = typer.Option(
    False,
    "--send",
    help="With --reply: send it through the desk's SMTP server (smtp_* settings); recorded once accepted.",
)


def check_flags(reply: bool, output: str | None, send: bool) -> None:
    """-o and --send go with --reply, and not together (usage errors, exit 2)."""
    if (output or send) and not reply:
        raise UsageProblem("reply.needs_reply")
    if output and send:
        raise UsageProblem("reply.not_both")


def reply(app: Any, doc: dict[str, Any], text: Callable[[dict[str, Any], str], str], *, kind: str,
          output: str | None, send: bool, refuse: Callable[[dict[str, Any]], None],
          record: Callable[[str, int], dict[str, Any]], as_json: bool) -> None:  # fmt: skip
    """Write the reply (stdout or -o), or send it: claimed in the ticket's write first
    (`refuse(ticket)` there: the kind, already acknowledged), then sent, then `record(note,
    claim)`; a send the server refused or could not take releases the claim, recording no ack
    (sdcli/replies.py)."""
    from sdcli.mail import compose, updates  # deferred: only with --reply (ack and ssr ack)

    def message(ticket: dict[str, Any]) -> Any:
        lang = updates.customer_lang(ticket, app.home, app.store().customers())
        return compose.reply(ticket, text(ticket, lang), lang, app.home, kind=kind)

    if send:
        from sdcli import replies
        from sdcli.mail import smtp  # deferred: only when sending

        store = app.store()
        smtp.server(app.home)  # a desk without a server (or its password) claims nothing
        claimed, mine = replies.claim(store, doc["id"], actor=app.agent, refuse=refuse)
        try:
            msg = message(claimed)
            refused = smtp.send_one(msg, app.home)  # MailError: one line, exit 1, no ack
        except SdcliError as e:
            replies.release(store, claimed["id"], mine, actor=app.agent, reason=e.render())
            raise
        # the recipients the server refused while the others took it did not get it: never "sent to" them
        from email.utils import getaddresses

        to = ", ".join(smtp.delivered([a for _, a in getaddresses([str(msg["To"])])], refused))
        note = t("reply.sent_note", to=to, message_id=str(msg["Message-ID"]))
        note = "; ".join([note, *(t("mail.refused_note", to=a, said=said) for a, said in refused.items())])
        done = record(note, mine)
        for address, said in refused.items():
            warn(Message("reply.refused_some", id=done["id"], to=address, said=Literal(said)))
        if as_json:
            emit_json(done)
        else:
            say("reply.sent", id=done["id"], to=to)
        return
    refuse(doc)
    msg = message(doc)
    from sdcli.outputs import write_text  # deferred: only with --output

    write_text(output or "-", [msg.as_string()])
    if output:
        again = "sdcli ssr ack" if kind == "ssr" else "sdcli ack"
        say("reply.written", id=doc["id"], path=output, command=again)
