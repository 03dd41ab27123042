"""sdcli inbox FILE...|-"""

from __future__ import annotations

import sys

import typer

from sdcli.errors import InvalidValue
from sdcli.foreign import said
from sdcli.i18n import Joined, Literal, Message, render, t
from sdcli.mail import inbox, read
from sdcli.ui import JSON_OPTION, app_of, emit_json, info, one_line, warn


def command(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(
        ..., metavar="FILE...|-", help=".eml files, mbox files, Maildir folders; - for one message on stdin."
    ),
    kind: str | None = typer.Option(
        None, "--kind", help="incident or ssr (default: recognised from the labels)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Register the incidents and SSR forms that arrived by e-mail, one line per message.

    A filled questionnaire becomes an incident at once (channel email, the 15-minute ack
    deadline from its Date), naming in missing_answers what it lacks; the same Message-ID
    twice never makes a second ticket. Exit 0 when every message was handled, 1 when one
    could not be read.

    Example: sdcli inbox ~/Maildir/desk --json
    """
    if kind not in (None, "incident", "ssr"):
        raise InvalidValue("kind", kind, "invalid.inbox_kind")
    app = app_of(ctx)
    store = app.store()
    now = store.now()
    raws = list(read.sources(sources, sys.stdin.buffer if "-" in sources else None, now))
    reader = inbox.Reader(app.home, store.customers(), kind)
    outcomes = inbox.process(
        store, raws, reader=reader, actor=app.agent, now=now, progress=_progress(len(raws))
    )
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    if as_json:
        emit_json({"messages": [o.as_dict() for o in outcomes], "counts": counts})
        for o in outcomes:
            for w in o.warnings:  # on stderr, JSON or not
                warn(Message("inbox.warning", id=o.id, text=w))
    else:
        for o in outcomes:
            typer.echo(one_line(said(render(o.line()))))  # a file's OS reason in the session's language
            for w in o.warnings:
                warn(Message("inbox.warning", id=o.id, text=w))
        parts = [Message(inbox.COUNT_KEYS[k], n=n) for k, n in sorted(counts.items())]
        info(Joined(parts) if parts else Message("inbox.no_messages"))
    if any(o.outcome in ("unreadable", "not_saved") for o in outcomes):
        bad = [o.source for o in outcomes if o.outcome in ("unreadable", "not_saved")]
        shown = Message("inbox.not_handled", n=len(bad), sources=Literal(one_line(", ".join(bad[:5]))))
        typer.echo(render(Message("error.prefix", text=shown)), err=True)
        raise typer.Exit(1)


def _progress(total: int):
    """A Rich progress bar on a terminal for a large mailbox; None in a pipe or for a few messages."""
    if total < 200 or not sys.stderr.isatty():
        return None
    from rich.progress import Progress  # deferred: only on a terminal

    bar = Progress(transient=True)
    task = bar.add_task(t("inbox.reading", n=f"{total:,}"), total=total)
    bar.start()

    def tick(done: int) -> None:
        bar.update(task, completed=done)
        if done >= total:
            bar.stop()

    return tick
