"""sdcli store copy"""

from __future__ import annotations

import typer

from sdcli.errors import UsageProblem
from sdcli.i18n import t
from sdcli.moving import copy_store
from sdcli.store import open_store
from sdcli.ui import JSON_OPTION, app_of, clean, emit_json, say, warn

app = typer.Typer(
    help="The store itself: move a desk's queue to another store.\n\n"
    "Example: sdcli store copy --to postgresql://desk@db.example/sdcli",
    no_args_is_help=True,
)


@app.command("copy")
def copy(
    ctx: typer.Context,
    to: str | None = typer.Option(None, "--to", help="Copy this store's tickets into the store at URL."),
    source: str | None = typer.Option(None, "--from", help="Copy the store at URL into this one."),
    merge: bool = typer.Option(False, "--merge", help="Add to a target that already holds tickets."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Copy every ticket, customer and counter to another store, verified, then mark the
    source moved: it refuses writes from then on, so agents still pointed at it cannot split
    the queue. Either direction, between any two backends.

    Example: sdcli store copy --to 'postgresql://sdcli@db.example/desk?sslmode=verify-full'
    """
    app = app_of(ctx)
    if (to is None) == (source is None):
        raise UsageProblem("store.name_one")
    here = app.store()
    other = open_store(to or source, home=app.home)
    try:
        src, dst = (here, other) if to else (other, here)
        done = copy_store(src, dst, actor=app.agent, merge=merge)
    finally:
        for line in other.warnings:
            warn(line)
        other.close()
    if as_json:
        emit_json(done.as_dict())
        return
    counters = ", ".join(f"{p} {n}" for p, n in done.counters.items())
    typer.echo(clean(t("store.copied", tickets=done.tickets, customers=done.customers, target=done.target,
                       counters=counters, checksum=done.checksum[:16])))  # fmt: skip
    if done.updates:
        typer.echo(clean(t("store.copied_outbox", n=done.updates, waiting=done.waiting)))
    say("store.marked_moved", source=done.source, target=done.target)
