"""sdcli change, and its subcommands accept|schedule|execute|cost|reject|cancel|send|close|list|show|states"""

from __future__ import annotations

from typing import Any

import typer

from sdcli.ui import JSON_OPTION, NO_INPUT_OPTION, app_of, emit_json, info, interactive

app = typer.Typer(help="Change requests: planned work, routed to the right owner, executed after acceptance.")

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
    tz: str | None = typer.Option(None, "--tz", help="Zone for times without one."),
    no_input: bool = NO_INPUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """File a change request (antenna or rack relocation, site move...) and route it.

    With a project manager the request goes to them; without one, to the customer's account
    manager / commercial team from the customer directory (sdcli customer add).

    Example: sdcli change --customer "Banco Andino" --site "Lima HQ" --type rack_relocation
    --description "Move rack to floor 2" --window-start 2026-12-10T22:00 --window-end 2026-12-11T04:00
    """
    if ctx.invoked_subcommand is not None:
        return
    from sdcli import changes, clock
    from sdcli.commands.open import read_document

    a = app_of(ctx)
    raw: dict[str, Any] = read_document(from_file) if from_file else {}
    given = {"customer": customer, "site": site, "type": kind, "description": description,
             "window_start": window_start, "window_end": window_end, "project_manager": project_manager}  # fmt: skip
    raw.update({k: v for k, v in given.items() if v is not None})
    if callbacks:
        raw["callback_contacts"] = callbacks
    if interactive(a, no_input=no_input) and any(not raw.get(k) for k in changes.REQUIRED):
        raw = _ask(raw, a.home)
    request = changes.check_request(raw, a.home, clock.get_tz(tz))
    doc = changes.submit(a.store(), request, actor=a.agent, home=a.home)
    if as_json:
        emit_json(doc)
        return
    r = doc["routing"]
    typer.echo(doc["id"])
    info(
        f"Routed to the {r['to'].replace('_', ' ')}: {r['contact'].get('name')} <{r['contact'].get('email', '')}> ({r['why']})."
    )
    info(f"Next: sdcli change send {doc['id']}  (then accept, schedule, execute, cost, close)")


def _ask(raw: dict[str, Any], home: Any) -> dict[str, Any]:
    import questionary

    from sdcli import changes, validate
    from sdcli.prompts import _validator

    def line(label: str, key: str, check: Any, required: bool = True) -> None:
        if raw.get(key):
            return
        raw[key] = questionary.text(label, validate=_validator(check, required)).unsafe_ask().strip() or None

    def when(v: str) -> Any:
        return validate.when("window", v)

    line("Customer", "customer", lambda v: validate.text("customer", v, required=True))
    line("Site", "site", lambda v: validate.text("site", v, required=True))
    if not raw.get("type"):
        raw["type"] = questionary.select(
            "Type of change", choices=[questionary.Choice(t["en"], t["value"]) for t in changes.types(home)]
        ).unsafe_ask()
    line("Description of the work", "description", lambda v: validate.text("description", v, required=True))
    line("Desired window start (e.g. 2026-12-10 22:00)", "window_start", when)
    line("Desired window end", "window_end", when)

    def pm(v: str) -> Any:
        return validate.contact("project_manager", v) if v.strip() else None

    line(
        "Customer's project manager, 'Name <email> phone' (Enter if unknown)",
        "project_manager",
        pm,
        required=False,
    )
    return {k: v for k, v in raw.items() if v is not None}


def _move(
    ctx: typer.Context, ticket_id: str, action: str, as_json: bool, note: str | None = None, **fields: Any
) -> None:
    from sdcli.commands._transition import move

    move(ctx, ticket_id, action, as_json, prefix="CHG", note=note, **fields)


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
    as_json: bool = JSON_OPTION,
) -> None:
    """Record the customer's acceptance (nothing is executed before it).

    Only a contact of the customer accepts: BT's account manager, commercial team or the
    owner the request is routed to are refused.

    Example: sdcli change accept CHG3 --by "Rosa Quispe"
    """
    from sdcli import changes
    from sdcli.tickets import check_text

    a = app_of(ctx)
    doc = changes.accept(a.store(), ticket_id, check_text("by", by), actor=a.agent, home=a.home)
    if as_json:
        emit_json(doc)
    else:
        info(f"{doc['id']} is now {doc['status']} (accepted by {doc['accepted_by'].get('name')}).")


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    at: str = typer.Option(..., "--at", help="When the work will be done."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Schedule an accepted change.

    Example: sdcli change schedule CHG3 --at "2026-12-10 22:00"
    """
    from sdcli import validate

    _move(ctx, ticket_id, "schedule", as_json, scheduled_at=validate.when("at", at))


@app.command("execute")
def execute(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    note: str | None = typer.Option(None, "--note"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that the scheduled work was executed (refused before acceptance).

    Example: sdcli change execute CHG3 --note "rack moved, links up"
    """
    from sdcli import clock

    _move(ctx, ticket_id, "execute", as_json, note=note, executed_at=clock.iso(clock.now()))


@app.command("cost")
def cost(
    ctx: typer.Context,
    ticket_id: str = IDARG,
    amount: float = typer.Option(..., "--amount", min=0),
    currency: str = typer.Option(..., "--currency", help="ISO 4217 code, e.g. USD, BRL."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Inform the cost of an executed change (the source: cost is informed afterwards).

    Example: sdcli change cost CHG3 --amount 1200 --currency USD
    """
    from sdcli.errors import InvalidValue

    cur = currency.strip().upper()
    if len(cur) != 3 or not cur.isalpha():
        raise InvalidValue("currency", currency, "expected a 3-letter ISO 4217 code such as USD")
    _move(ctx, ticket_id, "cost", as_json, cost={"amount": round(amount, 2), "currency": cur})


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
    from sdcli.tickets import check_text

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
) -> None:
    """List change requests.

    Example: sdcli change list --status awaiting-acceptance --json
    """
    from sdcli.commands._transition import list_kind

    def owner(r: dict[str, Any]) -> None:
        r["owner"] = (r.get("routing") or {}).get("contact", {}).get("name")

    list_kind(ctx, "change", status=status, customer=customer, include_all=include_all, as_json=as_json,
              columns=("id", "status", "customer", "site", "type", "window_start", "owner"), prepare=owner)  # fmt: skip


@app.command("show")
def show(ctx: typer.Context, ticket_id: str = IDARG, as_json: bool = JSON_OPTION) -> None:
    """Show a change request with its routing and timeline.

    Example: sdcli change show CHG3
    """
    from sdcli.commands._transition import show_doc

    show_doc(ctx, ticket_id, as_json)


@app.command("states")
def states(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Print the change state machine (data: sdcli/data/workflow.toml).

    Example: sdcli change states
    """
    from sdcli import changes

    data = changes.states(app_of(ctx).home)
    if as_json:
        emit_json(data)
        return
    typer.echo(f"initial: {data['initial']}")
    for action, rule in data["actions"].items():
        typer.echo(f"  {action:<9} {' | '.join(rule['from'])} -> {rule['to']}")
