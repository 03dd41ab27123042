"""sdcli customer add|list|show"""

from __future__ import annotations

import typer

from sdcli.errors import InvalidValue
from sdcli.render import show_ticket, ticket_table
from sdcli.ui import JSON_OPTION, app_of, app_reading, emit_json, say

app = typer.Typer(
    help="The customer directory: project and account managers, for change routing.\n\n"
    "Example: sdcli customer show ACME",
    no_args_is_help=True,
)


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Customer name."),
    project_manager: str | None = typer.Option(None, "--project-manager", help="'Name <email> phone'."),
    account_manager: str | None = typer.Option(
        None, "--account-manager", help="'Name <email> phone' (commercial)."
    ),
    commercial_team: str | None = typer.Option(
        None, "--commercial-team", help="The commercial team's email."
    ),
    country: str | None = typer.Option(None, "--country", help="Country code for national phone numbers."),
    lang: str | None = typer.Option(
        None, "--customer-lang", help="The customer's language (es, en, pt): their replies and updates."
    ),
    contacts: list[str] = typer.Option(
        [],
        "--contact",
        help="A contact of the customer, 'Name <email> phone' (repeatable; replaces the list).",
    ),
    sites: list[str] = typer.Option(
        [], "--site", help="A site and its time zone, 'NAME=ZONE' (repeatable; replaces the list)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a customer or update its managers, contacts (who may accept a change) and sites (whose
    zone then needs no asking).

    Example: sdcli customer add "Banco Andino" --account-manager "Rita Paz <rita@example.com> +51 1 4117000"
    --site "Planta Cuiabá=America/Cuiaba"
    """
    from sdcli.changes import check_customer  # deferred: not needed by customer list

    a = app_of(ctx)
    raw = {"name": name, "project_manager": project_manager, "account_manager": account_manager,
           "commercial_team": commercial_team, "country": country, "contacts": contacts, "sites": sites,
           "lang": lang}  # fmt: skip
    record = a.store().put_customer(check_customer(raw, a.home), actor=a.agent)
    if as_json:
        emit_json(record)
    else:
        say("customer.saved", name=record["name"])


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List the customer directory.

    Example: sdcli customer list --json
    """
    rows = app_reading(ctx).store().customers()
    if as_json:
        emit_json(rows)
        return
    ticket_table(rows, ("name", "project_manager", "account_manager", "commercial_team"),
                 none="customer.none", count="customer.count")  # fmt: skip


@app.command("show")
def show(ctx: typer.Context, name: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """Show one customer.

    Example: sdcli customer show "Banco Andino"
    """
    from sdcli.changes import find_customer  # deferred: not needed by customer list

    record = find_customer(app_of(ctx).store(), name)
    if record is None:
        raise InvalidValue("customer", name, "invalid.not_in_directory")
    if as_json:
        emit_json(record)
    else:
        show_ticket(record)
