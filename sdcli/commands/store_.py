"""sdcli store copy"""

from __future__ import annotations

import typer

from sdcli.errors import UsageProblem
from sdcli.moving import copy_store
from sdcli.store import open_store
from sdcli.ui import JSON_OPTION, app_of, emit_json, info, warn

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
        raise UsageProblem("name one other store: --to URL (from this one) or --from URL (into this one)")
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
    typer.echo(f"copied {done.tickets} tickets and {done.customers} customers to {done.target} "
               f"(next numbers: {counters}); verified, sha256 {done.checksum[:16]}")  # fmt: skip
    info(f"{done.source} is marked moved to {done.target} and refuses writes from now on")
