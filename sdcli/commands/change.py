"""sdcli change, and its subcommands accept|schedule|execute|cost|reject|cancel|send|close|list|show|states"""

from __future__ import annotations

from typing import Any

import typer

from sdcli import clock
from sdcli.commands._listing import list_kind, show_doc
from sdcli.commands._workflow import move, site_time, ticket_time
from sdcli.errors import RuleViolation
from sdcli.i18n import Message, t
from sdcli.i18n import lang as current
from sdcli.questionnaire import load_form
from sdcli.tickets import check_text
from sdcli.ui import DAYFIRST_OPTION, JSON_OPTION, NO_INPUT_OPTION, app_of, emit_json, info, interactive, say
from sdcli.views.output import FORMAT_OPTION, QUIET_OPTION
from sdcli.window_text import Window

app = typer.Typer(
    help="Change requests: planned work, routed to the right owner, executed after acceptance.\n\n"
    "Example: sdcli change list --status awaiting-acceptance"
)

IDARG = typer.Argument(..., metavar="ID", help="CHG id.")


@app.callback(invoke_without_command=True)
def submit(
    ctx: typer.Context,
    customer: str | None = typer.Option(None, "--customer"),
    site: str | None = typer.Option(None, "--site"),
    kind: str | None = typer.Option(
        None, "--type", help="antenna_relocation, rack_relocation, site_move or other."
    ),
    description: str | None = typer.Option(None, "--description"),
    window_start: str | None = typer.Option(None, "--window-start", help="Desired window start (site time)."),
    window_end: str | None = typer.Option(None, "--window-end", help="Desired window end."),
    project_manager: str | None = typer.Option(
        None, "--project-manager", help="The customer's PM, 'Name <email> phone', if known."
    ),
    callbacks: list[str] = typer.Option(
        [], "--callback", help="A contact of the customer, 'Name <email> phone', who may accept (repeatable)."
    ),
    from_file: str | None = typer.Option(
        None, "--from-file", help="The request as JSON (same keys); - for stdin."
    ),
    country: str | None = typer.Option(
        None, "--country", help="The site's country (else the customer directory's)."
    ),
    tz: str | None = typer.Option(
        None, "--tz", help="The site's time zone (needed in a country with several)."
    ),
    dayfirst: bool | None = DAYFIRST_OPTION,
    resume: bool = typer.Option(False, "--resume", help="Continue the form an interruption left (a draft)."),
    draft_id: str | None = typer.Option(None, "--draft", help="With --resume: which draft."),
    force: bool = typer.Option(False, "--force", help="With --resume: continue another agent's draft."),
    no_input: bool = NO_INPUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """File a change request (antenna or rack relocation, site move...) and route it.

    With a project manager the request goes to them; without one, to the customer's account
    manager / commercial team from the customer directory (sdcli customer add). The window is
    site time (day first: 10/12/2026 is 10 December) and must not be in the past.

    Example: sdcli change --customer "Banco Andino" --site "Lima HQ" --country PE --type rack_relocation
    --description "Move rack to floor 2" --window-start "10/12/2026 22:00" --window-end "11/12/2026 04:00"
    """
    if ctx.invoked_subcommand is not None:
        return
    from sdcli import changes, drafts  # deferred: not needed by change list/show

    a = app_of(ctx)
    draft = None
    if resume:  # on a terminal or not: a draft of another form, none or several in a script, refused
        from sdcli.commands._forms import resumable  # deferred: only with --resume
        from sdcli.ui import session_lang

        draft = resumable(ctx, "change", draft_id, current(), no_input=no_input, force=force)
        dayfirst = draft.options.get("dayfirst") if dayfirst is None else dayfirst
        session_lang(a, draft.options.get("lang"))  # the form goes on in the language it was filled in
    from sdcli.commands.open import read_document  # deferred: only with --from-file

    raw: dict[str, Any] = read_document(from_file) if from_file else {}
    changes.refuse_unknown_keys(raw)
    given = {"customer": customer, "site": site, "type": kind, "description": description, "country": country,
             "window_start": window_start, "window_end": window_end, "project_manager": project_manager}  # fmt: skip
    raw.update({k: v for k, v in given.items() if v is not None})
    if callbacks:
        raw["callback_contacts"] = callbacks
    directory = a.store().customers() if a.store().exists() else []
    if interactive(a, no_input=no_input) and (resume or any(not raw.get(k) for k in changes.REQUIRED)):
        raw, draft = _ask(ctx, {**raw, **({"timezone": tz} if tz else {})}, directory, dayfirst, draft)
    elif draft is not None:  # a script resuming it: the draft's answers, the flags over them
        from sdcli.commands._forms import answered

        raw = {**answered(draft), **raw}
    notes: list[Any] = []
    request = changes.check_request(raw, a.home, tz or raw.get("timezone"), dayfirst=dayfirst, notes=notes,
                                    directory=directory)  # fmt: skip
    doc = changes.submit(a.store(), request, actor=a.agent, home=a.home)
    if draft is not None:
        drafts.remove(a.home, draft)
    if as_json:
        emit_json(doc)
        return
    r = doc["routing"]
    typer.echo(doc["id"])
    why = Message(changes.WHY[r["why_code"]]) if r.get("why_code") in changes.WHY else r.get("why", "")
    say(
        "change.routed",
        to=r["to"],
        name=r["contact"].get("name"),
        email=r["contact"].get("email", ""),
        why=why,
    )
    info(
        Message(
            "change.window",
            window=Window(doc["window_start"], doc["window_end"], doc["timezone"]),
        )
    )
    for note in notes:
        info(note)
    say("change.next", id=doc["id"])


def _ask(
    ctx: Any,
    raw: dict[str, Any],
    directory: list[Any],
    dayfirst: bool | None,
    draft: Any,
) -> tuple[dict[str, Any], Any]:
    """The change form (change.toml's [[question]]) walked on the terminal: each answer checked
    on its line; without a project manager, the directory's routing is checked on that line."""
    from sdcli import changes, intake, sites  # deferred: not needed by change list/show
    from sdcli.commands._forms import walk_form  # deferred: questionary, only on a terminal

    a = app_of(ctx)
    ictx = intake.make_context(a.home, country=raw.get("country"), tz=raw.get("timezone"), dayfirst=dayfirst,
                               directory=directory)  # fmt: skip

    def routed(pm: Any, answers: dict[str, Any]) -> None:
        if pm:
            return
        customer = str(answers.get("customer", ""))
        try:
            changes.route({"customer": customer}, sites.in_directory(directory, customer))
        except RuleViolation:  # said for this line: the answer is typed here, not given by a flag
            raise RuleViolation("error.no_route_asked", customer=customer, quoted=repr(customer)) from None

    given = {k: v for k, v in raw.items() if v not in (None, "", [])}
    options = {
        "lang": current(),
        "country": raw.get("country"),
        "tz": raw.get("timezone"),
        "dayfirst": dayfirst,
    }
    answers, draft = walk_form(ctx, "change", load_form("change", a.home), given, ictx, current(), resume=draft is not None,
                               draft_id=None, options=options, checks={"project_manager": routed}, draft=draft)  # fmt: skip
    return {**{k: v for k, v in raw.items() if k not in answers}, **answers}, draft


def _move(
    ctx: typer.Context, ticket_id: str, action: str, as_json: bool, note: str | None = None, **fields: Any
) -> dict[str, Any]:
    return move(ctx, ticket_id, action, as_json, prefix="CHG", note=note, **fields)


@app.command("send")
def send(ctx: typer.Context, ticket_id: str = IDARG, as_json: bool = JSON_OPTION) -> None:
    """Record that the routed request was sent to its owner; it now awaits the customer's acceptance.

    Example: sdcli change send CHG3
    """
    _move(ctx, ticket_id, "send", as_json)


@app.command("accept")
def accept(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    by: str = typer.Option(
        ...,
        "--by",
        help="The customer's contact who accepted: name or email (a callback contact of the"
        " change, or a contact of the customer in the directory).",
    ),
    at: str | None = typer.Option(None, "--at", help="When the customer accepted (default now; site time)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Record the customer's acceptance (nothing is executed before it).

    Only a contact of the customer accepts: BT's account manager, commercial team or the
    owner the request is routed to are refused.

    Example: sdcli change accept CHG3 --by "Rosa Quispe"
    """
    from sdcli import changes  # deferred: not needed by change list/show

    a = app_of(ctx)
    from sdcli import validate  # deferred: not needed by change list/show

    when = ticket_time(ctx, ticket_id, at, dayfirst, validate.PAST, prefix="CHG")[1] if at else None
    doc = changes.accept(a.store(), ticket_id, check_text("by", by), actor=a.agent, home=a.home, at=when)
    if as_json:
        emit_json(doc)
    else:
        say("change.accepted", id=doc["id"], status=doc["status"], name=doc["accepted_by"].get("name"))


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    at: str = typer.Option(..., "--at", help="When the work will be done (site time)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Schedule an accepted change (site time, not in the past).

    Example: sdcli change schedule CHG3 --at "10/12/2026 22:00"
    """
    _move(ctx, ticket_id, "schedule", as_json, scheduled_at=site_time(ctx, ticket_id, at, dayfirst))


@app.command("execute")
def execute(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    note: str | None = typer.Option(None, "--note"),
    at: str | None = typer.Option(None, "--at", help="When the work was done (default now; site time)."),
    dayfirst: bool | None = DAYFIRST_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that the scheduled work was executed (refused before acceptance, or before its window).

    Example: sdcli change execute CHG3 --note "rack moved, links up"
    """
    from sdcli import sla, validate  # deferred: not needed by change list/show
    from sdcli.tickets import not_before_window

    doc, given = ticket_time(ctx, ticket_id, at, dayfirst, validate.PAST, prefix="CHG")
    when = given or clock.now()
    _move(ctx, ticket_id, "execute", as_json, note=note, check=lambda d: not_before_window(d, when),
          executed_at=sla.on_site_clock(doc, when))  # fmt: skip


@app.command("cost")
def cost(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    amount: str = typer.Option(
        ..., "--amount", help="1500, 1500.50 or 1.500,50 (1.500 or 1,500 alone read both ways: refused)."
    ),
    currency: str = typer.Option(
        ..., "--currency", help="ISO 4217 code, e.g. USD, BRL, PEN (S/, soles, R$, reais are read as theirs)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Inform the cost of an executed change (the source: cost is informed afterwards).

    Example: sdcli change cost CHG3 --amount 1200 --currency USD
    """
    from sdcli import money  # deferred: not needed by change list/show

    notes: list[Any] = []
    a = app_of(ctx)
    cur = money.currency("currency", currency, a.home, country=lambda: a.store().get(ticket_id).get("country"),
                         notes=notes)  # fmt: skip
    value = money.amount("amount", amount, cur, a.home)
    doc = _move(ctx, ticket_id, "cost", as_json, cost={"amount": value, "currency": cur})
    for note in notes:
        info(note)
    if not as_json:  # what was stored, as the agent's language writes it
        say("change.costed", id=doc["id"], amount=money.shown(value, cur, a.home), currency=cur)


@app.command("close")
def close(ctx: typer.Context, ticket_id: str = IDARG, as_json: bool = JSON_OPTION) -> None:
    """Close a costed change.

    Example: sdcli change close CHG3
    """
    _move(ctx, ticket_id, "close", as_json)


@app.command("reject")
def reject(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    reason: str = typer.Option(..., "--reason"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that the customer rejected the change.

    Example: sdcli change reject CHG3 --reason "too expensive"
    """
    _move(
        ctx, ticket_id, "reject", as_json, note=check_text("reason", reason), rejection_reason=reason.strip()
    )


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    reason: str | None = typer.Option(None, "--reason"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Cancel a change that was not executed.

    Example: sdcli change cancel CHG3 --reason "site closed"
    """
    _move(ctx, ticket_id, "cancel", as_json, note=reason)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: list[str] = typer.Option([], "--status"),
    customer: str | None = typer.Option(None, "--customer"),
    include_all: bool = typer.Option(False, "--all", help="Include closed, rejected and cancelled."),
    as_json: bool = JSON_OPTION,
    fmt: str | None = FORMAT_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    """List change requests (tab-separated rows in a pipe).

    Example: sdcli change list --status awaiting-acceptance --json
    """

    def owner(r: dict[str, Any]) -> None:
        r["owner"] = (r.get("routing") or {}).get("contact", {}).get("name")

    list_kind(ctx, "change", status=status, customer=customer, include_all=include_all, as_json=as_json, fmt=fmt, quiet=quiet,
              columns=("id", "status", "customer", "site", "type", "window_start", "owner"), prepare=owner)  # fmt: skip


@app.command("show")
def show(ctx: typer.Context, ticket_id: str = IDARG, as_json: bool = JSON_OPTION) -> None:
    """Show a change request with its routing and timeline.

    Example: sdcli change show CHG3
    """
    show_doc(ctx, ticket_id, as_json)


@app.command("states")
def states(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Print the change state machine (data: sdcli/data/workflow.toml).

    Example: sdcli change states
    """
    from sdcli import changes  # deferred: not needed by change list/show

    data = changes.states(app_of(ctx).home)
    if as_json:
        emit_json(data)
        return

    typer.echo(f"{t('change.initial')}: {data['initial']}")
    for action, rule in data["actions"].items():
        typer.echo(f"  {action:<9} {' | '.join(rule['from'])} -> {rule['to']}")
