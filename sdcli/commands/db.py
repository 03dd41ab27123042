"""sdcli db migrate|status|grant|log"""

from __future__ import annotations

from typing import Any

import typer

from sdcli.errors import UsageProblem
from sdcli.i18n import t
from sdcli.ui import JSON_OPTION, app_of, clean, emit_json

app = typer.Typer(
    help="The store's database: schema migrations, status, agents' logins.\n\nExample: sdcli db status",
    no_args_is_help=True,
)


def _database(store: Any, what: str) -> Any:
    if not hasattr(getattr(store, "target", None), "schema"):
        raise UsageProblem("db.postgres_only", what=what, where=store.describe())
    return store


@app.command("migrate")
def migrate(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Create the store's schema, or bring it up to this sdcli's version (named migrations,
    applied in order in one transaction). Run it once per upgrade of sdcli, by the schema's owner.

    Example: SDCLI_STORE=postgresql://sdcli_owner@db.example/desk sdcli db migrate
    """
    store = app_of(ctx).store()
    applied = store.migrate()
    about = store.about()
    if as_json:
        emit_json({"store": store.describe(), "applied": applied, **about})
        return
    for name in applied:
        typer.echo(clean(t("db.applied", name=name)))
    where, schema = store.describe(), about.get("schema")
    if schema is None:  # a backend that migrates itself (the embedded one)
        typer.echo(clean(t("db.up_to_date", where=where)))
    else:
        typer.echo(clean(t("db.schema" if applied else "db.schema_current", where=where, schema=schema)))


@app.command("status")
def status(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """The backend, its server, the schema version and the login in use.

    Example: sdcli db status --json
    """
    store = app_of(ctx).store()
    about = {"store": store.describe(), **store.about()}
    if as_json:
        emit_json(about)
        return
    for key, value in about.items():  # each item named in the session's language (catalogue about.*)
        typer.echo(clean(t("db.status_item", name=key, value=value)))


@app.command("grant")
def grant(
    ctx: typer.Context, role: str = typer.Argument(..., help="A login, or a group role of agents.")
) -> None:
    """Give a database role what sdcli needs: read and write tickets, customers and counters,
    and only append to history. Run by the schema's owner.

    Example: sdcli db grant sdcli_agents
    """
    store = _database(app_of(ctx).store(), "sdcli db grant")
    for line in store.grant(role):
        typer.echo(line)


@app.command("log")
def log(
    ctx: typer.Context, ticket_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON_OPTION
) -> None:
    """A ticket's history with the database login that wrote each entry beside the agent's name.

    Example: sdcli db log INC12
    """
    store = _database(app_of(ctx).store(), "sdcli db log")
    rows = store.logins(ticket_id)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        typer.echo(clean(t("db.log_line", at=r["at"], by=r["by"], login=r["login"], action=r["action"])))
