"""What `ack --reply` and `ssr ack --reply` share: the reply written out, or sent and only then
recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sdcli.errors import UsageProblem
from sdcli.i18n import t
from sdcli.ui import emit_json, say

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


def reply(app: Any, doc: dict[str, Any], text: Callable[[str], str] | str, *, kind: str, output: str | None, send: bool,
          record: Callable[[str], dict[str, Any]], as_json: bool) -> None:  # fmt: skip
    """Write the reply (stdout or -o), or send it and then `record(note)` the acknowledgement."""
    from sdcli.mail import compose, updates  # deferred: only with --reply (ack and ssr ack)

    lang = updates.customer_lang(doc, app.home, app.store().customers())
    msg = compose.reply(doc, text(lang) if callable(text) else text, lang, app.home, kind=kind)
    if send:
        from sdcli.mail import smtp  # deferred: only when sending

        smtp.send_one(msg, app.home)  # MailError: one line, exit 1, nothing recorded
        done = record(t("reply.sent_note", to=str(msg["To"]), message_id=str(msg["Message-ID"])))
        if as_json:
            emit_json(done)
        else:
            say("reply.sent", id=done["id"], to=str(msg["To"]))
        return
    from sdcli.outputs import write_text  # deferred: only with --output

    write_text(output or "-", [msg.as_string()])
    if output:
        again = "sdcli ssr ack" if kind == "ssr" else "sdcli ack"
        say("reply.written", id=doc["id"], path=output, command=again)
