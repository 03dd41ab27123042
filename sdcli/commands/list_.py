"""sdcli list"""

from __future__ import annotations

import typer

from sdcli.tickets import build_filters, find, find_page, sla_filter, unacked_filter
from sdcli.ui import JSON_OPTION, app_reading
from sdcli.views.lists import ESSENTIAL, WIDER, screenful, ticket_table
from sdcli.views.output import FORMAT_OPTION, QUIET_OPTION, emit_rows, row_format

#: the columns of `--format tsv|csv` (and of a pipe); a terminal's table chooses by width
COLUMNS = ("id", "status", "severity", "customer", "site", "opened_at", "problem", "recovery_due")


def command(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, "--kind", help="incident, ssr or change."),
    status: list[str] = typer.Option([], "--status", help="Only this status (repeatable)."),
    severity: list[int] = typer.Option(
        [], "--severity", help="Only this severity (severity.toml's levels: 1-4 as shipped; repeatable)."
    ),
    customer: str | None = typer.Option(None, "--customer", help="Customer name contains this."),
    site: str | None = typer.Option(None, "--site", help="Site contains this."),
    since: str | None = typer.Option(None, "--since", help="Opened since: ISO date or relative (2h, 3d)."),
    until: str | None = typer.Option(None, "--until", help="Opened until: ISO date or relative."),
    include_all: bool = typer.Option(False, "--all", help="Include finished tickets (closed, done...)."),
    sort: str = typer.Option(
        "opened_at",
        "--sort",
        help="opened_at, id, severity, status, customer, updated_at, recovery_due, ack_due, escalation_from.",
    ),
    reverse: bool = typer.Option(False, "--reverse", help="Reverse the order."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many."),
    unacked: bool = typer.Option(
        False, "--unacked", help="Email reports not yet acknowledged, most urgent first."
    ),
    due: str | None = typer.Option(
        None, "--due", help="Incidents whose recovery is due within this (2h, 30m), soonest first."
    ),
    breached: bool = typer.Option(False, "--breached", help="Incidents past their recovery deadline."),
    search: str | None = typer.Option(
        None, "--search", metavar="TEXT", help="Words of the ticket (as sdcli search)."
    ),
    all_rows: bool = typer.Option(
        False, "--all-rows", help="On a terminal, every row (else a screenful and how many more)."
    ),
    as_json: bool = JSON_OPTION,
    fmt: str | None = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """List tickets (by default those not finished), with filters.

    On a terminal a table of at most a screenful (the count of the rest, and --all-rows to see
    them all); in a pipe tab-separated rows with a header.

    Example: sdcli list --kind incident --severity 1 --since 3d --json id,status,customer
    """
    app = app_reading(ctx)
    filters = build_filters(
        kind=kind, status=status, severity=severity, customer=customer, site=site, since=since,
        until=until, include_all=include_all, sort=sort, reverse=reverse, limit=limit, text=search, home=app.home,
    )  # fmt: skip
    explicit_sort = sort != "opened_at"
    if unacked:
        unacked_filter(filters, explicit_sort=explicit_sort)
    if due or breached:
        sla_filter(filters, due=due, breached=breached, explicit_sort=explicit_sort)

    total = None
    if not quiet and not all_rows and row_format(fmt, as_json) == "table":  # read only what is shown
        cap = screenful()
        filters.limit = min(limit, cap) if limit else cap
        found = find_page(app.store(), filters)
        rows = found.rows
        total = min(found.total, limit) if limit else found.total
    else:
        rows = find(app.store(), filters)
    emit_rows(rows, COLUMNS, fmt=fmt, as_json=as_json, quiet=quiet,
              table=lambda: ticket_table(rows, ESSENTIAL, wider=WIDER, total=total, home=app.home))  # fmt: skip
