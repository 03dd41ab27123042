"""sdcli search TEXT"""

from __future__ import annotations

import typer

from sdcli.errors import UsageProblem
from sdcli.render import ticket_table
from sdcli.tickets import build_filters, find
from sdcli.ui import JSON_OPTION, app_reading, emit_json


def command(
    ctx: typer.Context,
    text: str = typer.Argument(..., metavar="TEXT", help="Words to find (case and accents do not matter)."),
    kind: str | None = typer.Option(None, "--kind", help="incident, ssr or change."),
    open_only: bool = typer.Option(False, "--open", help="Only tickets not finished."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Find tickets by what the caller says: customer, site, contact, references, text.

    The text is looked for in the customer, site, description, a contact's name, e-mail or
    phone, the customer's reference and the external number. Finished tickets included
    (--open leaves them out); newest first.

    Example: sdcli search telefonica --json
    """
    if not text.strip():
        raise UsageProblem("error.empty_search")

    filters = build_filters(kind=kind, include_all=not open_only, sort="opened_at", reverse=True, limit=limit,
                            text=text)  # fmt: skip
    app = app_reading(ctx)
    rows = find(app.store(), filters)
    if as_json:
        emit_json(rows)
        return

    ticket_table(rows, SHOWN, wider=WIDER, home=app.home)


#: what a search shows on a terminal (newest first: when each was opened), and what while it fits:
#: all of list's columns at once cut every one, the times too ("3 dic 13:16 Li…")
SHOWN = ("id", "status", "severity", "customer", "site", "opened_at")
WIDER = ("recovery_due", "problem")
