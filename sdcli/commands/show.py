"""sdcli show ID"""

from __future__ import annotations

import typer

from sdcli import clock, sla
from sdcli.commands._listing import show_doc
from sdcli.i18n import render, t
from sdcli.ui import JSON_OPTION


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID", help="INC, SSR or CHG id (case does not matter)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show every field of a ticket and its whole timeline.

    Example: sdcli show INC12 --json
    """
    show_doc(ctx, ticket_id, as_json, extra_rows=_sla_row)


def _sla_row(doc: dict) -> list[tuple[str, str]]:
    if doc.get("kind") != "incident":
        return []
    rows = [(t("show.sla"), render(sla.status_line(doc, clock.now())))]
    if doc.get("missing_answers"):
        from sdcli import completing  # deferred: not on show --json

        lines = [render(line) for line in completing.describe_missing(doc)]
        rows.append((t("show.incomplete"), "\n".join([*lines, t("show.complete_with", id=doc["id"])])))
    return rows
