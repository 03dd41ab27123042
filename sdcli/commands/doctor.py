"""sdcli doctor"""

from __future__ import annotations

from typing import Any

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

    On both: money older versions stored that is no ISO 4217 currency (SOL, R$) or has more
    decimals than its currency; --fix leaves it, and each line says what to do.

    Exits 1 when a problem is found. Example: sdcli doctor --fix
    """
    store = app_of(ctx).store()
    fixed = store.repair() if fix else []
    problems = store.check()
    about = store.about()
    if as_json:  # language-free: the English line of each problem and repair, as always
        emit_json(
            {
                "store": store.describe(),
                "ok": not problems,
                "problems": [str(p) for p in problems],
                "fixed": [str(f) for f in fixed],
                "about": about,
            }
        )
    else:
        from sdcli.i18n import render, t

        where = store.describe()
        typer.echo(clean(t("doctor.store", where=where, about=_about(about))))
        for line in fixed:
            typer.echo(clean(t("doctor.fixed", text=render(line))))
        for line in problems:
            typer.echo(clean(t("doctor.problem", text=render(line))))
        typer.echo(
            clean(
                t("doctor.ok", where=where)
                if not problems
                else t("doctor.problems", where=where, n=len(problems))
            )
        )
    if problems:
        raise typer.Exit(1)


def _about(about: dict[str, Any]) -> str:
    """What the backend said of itself, each item named in the session's language (catalogue
    about.<name>; an item it does not name, from another backend, as it is)."""
    from sdcli.i18n import Joined, Message

    return Joined([Message("doctor.about_item", name=k, value=v) for k, v in about.items()], ", ").render()
