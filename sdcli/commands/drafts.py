"""sdcli drafts list|discard"""

from __future__ import annotations

import typer

from sdcli import drafts
from sdcli.errors import RefusedTransition
from sdcli.render import ticket_table
from sdcli.ui import JSON_OPTION, app_of, app_reading, emit_json, say, warn

app = typer.Typer(help="Forms in progress (incident, SSR, change): who owns each, and discarding one.\n\n"
                  "Example: sdcli drafts list --mine",
                  no_args_is_help=True)  # fmt: skip


@app.command("list")
def list_(
    ctx: typer.Context,
    mine: bool = typer.Option(False, "--mine", help="Only the drafts of this agent (SDCLI_AGENT)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The drafts left by interrupted forms, newest first, with their form and owner; continue one
    with `sdcli open --resume`, `sdcli ssr --resume` or `sdcli change --resume` (`--draft ID`).

    Example: sdcli drafts list --mine
    """
    a = app_reading(ctx)
    damaged: list[object] = []
    found = [d for d in drafts.all_drafts(a.home, damaged) if not mine or d.agent == a.agent]
    held = {d.id: drafts.holder(a.home, d.id) for d in found}  # being filled by another run right now
    if as_json:
        emit_json([{"id": d.id, "form": d.form, "owner": d.agent, "started_at": d.started_at,
                    "updated_at": d.updated_at, "answers": d.answers,
                    "in_use": who.as_dict() if (who := held[d.id]) else None} for d in found])  # fmt: skip
    else:
        rows = [{"id": d.id, "kind": d.form, "opened_by": d.agent, "customer": d.answers.get("customer") or "",
                 "site": d.answers.get("site") or "", "updated_at": d.updated_at,
                 "in_use": _in_use(held[d.id])} for d in found]  # fmt: skip
        ticket_table(rows, ("id", "kind", "opened_by", "customer", "site", "updated_at", "in_use"),
                     none="draft.none", count="draft.count")  # fmt: skip
    for line in damaged:
        warn(line)


def _in_use(who: drafts.Holder | None) -> str:
    """The in-use cell: the agent whose run holds the draft (empty when no run does; since when:
    in JSON and in a second run's refusal, the table fits 80 columns)."""
    from sdcli.i18n import t

    if who is None:
        return ""
    return who.by or t("draft.in_use_anon")


@app.command("discard")
def discard(
    ctx: typer.Context,
    draft_id: str = typer.Argument(..., metavar="DRAFT", help="The draft's id (sdcli drafts list)."),
    force: bool = typer.Option(False, "--force", help="Discard a draft another agent owns."),
) -> None:
    """Discard a draft (its answers are lost). Another agent's draft needs --force.

    Example: sdcli drafts discard D20261201093000ab12
    """
    a = app_of(ctx)
    draft = drafts.load(a.home, draft_id)
    if draft.agent != a.agent and not force:
        raise RefusedTransition("error.draft_of_another", id=draft.id, owner=draft.agent)
    ctx.call_on_close(
        drafts.claim(a.home, draft.id, a.agent).release
    )  # not while another run walks or files it
    drafts.remove(a.home, draft)
    say("draft.discarded", id=draft.id, owner=draft.agent)
