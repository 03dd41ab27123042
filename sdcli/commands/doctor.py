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

    On both: notices of data older versions stored, to correct by hand: money in no ISO 4217
    currency (SOL, R$) or with more decimals than its currency, a customer's second spelling;
    --fix leaves them, each line says what to do, and they do not fail the check.

    Exits 1 when a problem is found (notices alone: 0). Example: sdcli doctor --fix
    """
    from sdcli.i18n import Notice

    store = app_of(ctx).store()
    fixed = store.repair() if fix else []
    found = store.check()
    problems = [p for p in found if not isinstance(p, Notice)]
    notices = [p for p in found if isinstance(p, Notice)]  # data to correct by hand: shown, exit 0
    about = store.about()
    if as_json:  # language-free: the English line of each problem and repair, as always
        emit_json(
            {
                "store": store.describe(),
                "ok": not problems,
                "problems": [str(p) for p in problems],
                "notices": [str(n) for n in notices],
                "fixed": [str(f) for f in fixed],
                "about": about,
            }
        )
    else:
        from sdcli.foreign import said
        from sdcli.i18n import render as in_words
        from sdcli.i18n import t

        def render(line: Any) -> str:  # a store file's OS or parser reason in the session's language too
            return said(in_words(line))

        where = store.describe()
        typer.echo(clean(t("doctor.store", where=where, about=_about(about))))
        for line in fixed:
            typer.echo(clean(t("doctor.fixed", text=render(line))))
        for line in problems:
            typer.echo(clean(t("doctor.problem", text=render(line))))
        for line in notices:
            typer.echo(clean(t("doctor.notice", text=render(line))))
        if problems:
            typer.echo(clean(t("doctor.problems", where=where, n=len(problems))))
        elif notices:
            typer.echo(clean(t("doctor.ok_notices", where=where, n=len(notices))))
        else:
            typer.echo(clean(t("doctor.ok", where=where)))
    if problems:
        raise typer.Exit(1)


def _about(about: dict[str, Any]) -> str:
    """What the backend said of itself, each item named in the session's language (catalogue
    about.<name>; an item it does not name, from another backend, as it is)."""
    from sdcli.i18n import Joined, Message

    return Joined([Message("doctor.about_item", name=k, value=v) for k, v in about.items()], ", ").render()
