"""The shared bodies of listing the tickets of a kind and showing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sdcli.ui import app_of, app_reading, emit_json
from sdcli.views.output import emit_rows, row_format


def list_kind(
    ctx: typer.Context,
    kind: str,
    *,
    status: list[str],
    customer: str | None,
    include_all: bool,
    as_json: bool,
    columns: tuple[str, ...],
    prepare: Callable[[dict[str, Any]], None] | None = None,
    fmt: str | None = None,
    quiet: bool = False,
) -> None:
    """A kind's `list` sub-command: whole tickets as JSON, rows as TSV/CSV, or a table (`prepare`
    adds its columns)."""
    from sdcli.tickets import build_filters, find  # deferred: ssr/change list only
    from sdcli.views.lists import ticket_table  # deferred: Rich tables, ssr/change list only

    app = app_reading(ctx)
    rows = find(
        app.store(),
        build_filters(kind=kind, status=status, customer=customer, include_all=include_all, home=app.home),
        full=True,
    )
    if prepare and row_format(fmt, as_json) != "json":  # JSON keeps the tickets as stored
        for r in rows:
            prepare(r)
    emit_rows(
        rows,
        columns,
        fmt=fmt,
        as_json=as_json,
        quiet=quiet,
        table=lambda: ticket_table(rows, columns, home=app.home),
    )


def show_doc(
    ctx: typer.Context,
    ticket_id: str,
    as_json: bool,
    extra_rows: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None,
) -> None:
    """A ticket as JSON, or its fields and timeline (with `extra_rows` of it)."""
    from sdcli.render import show_ticket  # deferred: Rich, show only

    app = app_of(ctx)
    doc = app.store().get(ticket_id)
    if as_json:
        emit_json(doc)
    else:
        show_ticket(doc, extra_rows=extra_rows(doc) if extra_rows else [], home=app.home)
