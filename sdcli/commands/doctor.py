"""sdcli doctor"""

from __future__ import annotations

import typer

from sdcli.ui import JSON_OPTION, app_of, clean, emit_json


def command(
    ctx: typer.Context,
    fix: bool = typer.Option(
        False, "--fix", help="Repair what is safe: index, counters, permissions, temp files."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Check the store: valid JSON, index consistent with tickets, unique ids, permissions.

    On PostgreSQL: the connection, the schema version and the login's permissions.

    Exits 1 when a problem is found. Example: sdcli doctor --fix
    """
    store = app_of(ctx).store()
    fixed = store.repair() if fix else []
    problems = store.check()
    about = store.about()
    if as_json:
        emit_json(
            {
                "store": store.describe(),
                "ok": not problems,
                "problems": problems,
                "fixed": fixed,
                "about": about,
            }
        )
    else:
        typer.echo(f"store: {store.describe()} (" + ", ".join(f"{k} {v}" for k, v in about.items()) + ")")
        for line in fixed:
            typer.echo(f"fixed: {clean(line)}")
        for line in problems:
            typer.echo(f"problem: {clean(line)}")
        typer.echo(f"{store.describe()}: " + ("ok" if not problems else f"{len(problems)} problem(s)"))
    if problems:
        raise typer.Exit(1)
