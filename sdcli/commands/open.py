"""sdcli open"""

from __future__ import annotations

from typing import Any

import typer

from sdcli.ui import JSON_OPTION, NO_INPUT_OPTION, app_of, emit_json, info, interactive, warn

SETTINGS = {"context_settings": {"allow_extra_args": True, "ignore_unknown_options": True}}


def _epilog() -> str:
    from sdcli.intake import load_questionnaire

    lines = ["Questionnaire flags (repeat the list ones):"]
    for q in load_questionnaire():
        req = " (required)" if q.required else ""
        when = (
            "  only if " + ", ".join(f"{k}={'/'.join(map(str, v))}" for k, v in q.when.items())
            if q.when
            else ""
        )
        lines.append(f"  {q.flags:<46} {q.key}{req}{when}")
    return "\n\n".join(["\b\n" + "\n".join(lines)])


def parse_flags(args: list[str], questions: list[Any]) -> dict[str, Any]:
    """The questionnaire's flags (--customer X, --callback '...' repeated, --no-power...)."""
    from sdcli.errors import UsageProblem

    by_flag: dict[str, tuple[Any, bool]] = {}
    for q in questions:
        by_flag[q.flag] = (q, True)
        if q.flag_no:
            by_flag[q.flag_no] = (q, False)
    out: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            raise UsageProblem(f"unexpected argument {arg!r} (see: sdcli open --help)")
        name, eq, value = arg[2:].partition("=")
        if name not in by_flag:
            raise UsageProblem(f"no such option --{name} (see: sdcli open --help)")
        q, positive = by_flag[name]
        if q.kind == "yesno":
            if eq:
                raise UsageProblem(f"--{name} takes no value")
            out[q.key] = positive
        else:
            if not eq:
                i += 1
                if i >= len(args):
                    raise UsageProblem(f"--{name} needs a value")
                value = args[i]
            if q.kind in ("contacts", "datetimes"):
                out.setdefault(q.key, []).append(value)
            else:
                out[q.key] = value
        i += 1
    return out


def read_document(source: str) -> dict[str, Any]:
    """A JSON object from a file or '-' (stdin): UTF-8, within sdcli's bounds (depth, numbers)."""
    from sdcli.errors import InvalidValue
    from sdcli.inputs import decode, parse_json, read_source

    text = decode(read_source(source, "from-file"), source, "from-file")
    try:
        data = parse_json(text)
    except ValueError as e:
        raise InvalidValue("from-file", source, f"not valid JSON ({str(e)[:200]})") from None
    if not isinstance(data, dict):
        raise InvalidValue("from-file", source, "expected one JSON object with the questionnaire's keys")
    return data


def command(
    ctx: typer.Context,
    from_file: str | None = typer.Option(
        None, "--from-file", help="The incident as a JSON object (keys as stored); - for stdin."
    ),
    channel: str | None = typer.Option(
        None, "--channel", help="How it was reported: phone (default), email or portal."
    ),
    received_at: str | None = typer.Option(
        None, "--received-at", help="When the report arrived (default now)."
    ),
    country: str | None = typer.Option(
        None, "--country", help="Default country of the site (phone region, zone)."
    ),
    tz: str | None = typer.Option(
        None, "--tz", help="Time zone for times given without one (default: the site's)."
    ),
    lang: str | None = typer.Option(None, "--lang", help="es, en or pt (else SDCLI_LANG, else the locale)."),
    resume: bool = typer.Option(False, "--resume", help="Continue a draft left by an interrupted intake."),
    draft_id: str | None = typer.Option(None, "--draft", help="With --resume: which draft."),
    request_id: str | None = typer.Option(
        None, "--request-id", help="Run again with the same id: finds the incident a first run saved."
    ),
    no_input: bool = NO_INPUT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Open an incident: walk the intake questionnaire, or take it from flags or JSON.

    On a terminal every question is asked (flags given are pre-filled) and each answer is
    saved in a draft; Ctrl-C keeps the draft for --resume. Without a terminal, or with
    --no-input, missing required answers are an error naming every missing flag.

    Example: sdcli open --no-input --customer ACME --site "Lima HQ" --problem link_down
    --callback "Ana Díaz <ana@acme.pe> +51 1 4117000" --service-type mpls --no-contingency
    """
    from sdcli import clock, drafts, intake, validate
    from sdcli.errors import DraftDamaged, UnknownDraft

    app = app_of(ctx)
    lang_code = intake.resolve_lang(lang or app.lang)
    questions = intake.load_questionnaire(app.home)
    raw: dict[str, Any] = read_document(from_file) if from_file else {}
    raw.update(parse_flags(list(ctx.args), questions))
    chan = channel or raw.pop("channel", None) or "phone"
    received_raw = received_at or raw.pop("received_at", None)
    raw.pop("timezone", None)
    ictx = intake.make_context(app.home, country=country, tz=tz)
    site_tz = ictx.tz(
        {"country": raw["country"]} if raw.get("country") else {}
    )  # a time without a zone: the site's
    received = (
        validate.instant("received-at", received_raw, site_tz, relative_past=True) if received_raw else None
    )

    draft = None
    if resume:
        damaged: list[str] = []
        existing = drafts.all_drafts(app.home, damaged)
        if draft_id:
            draft = drafts.load(app.home, draft_id)
        elif len(existing) == 1:
            draft = existing[0]
        elif not existing and damaged:
            raise DraftDamaged(
                damaged[0] if len(damaged) == 1 else f"{len(damaged)} drafts are damaged: {damaged[0]}"
            )
        elif not existing:
            raise UnknownDraft(f"no draft to resume in {app.home / 'drafts'}")
        elif interactive(app, no_input=no_input):
            from sdcli.prompts import pick_draft

            draft = drafts.load(
                app.home, pick_draft([(d.id, d.title) for d in existing], lang_code, app.home)
            )
        else:
            raise UnknownDraft(
                "several drafts: choose one with --draft: " + ", ".join(d.id for d in existing)
            )
        for line in damaged:  # left as they are; said, since the agent may miss one
            warn(line)
        opts = draft.options
        chan = channel or opts.get("channel") or chan
        if received is None and opts.get("received_at"):
            received = clock.from_iso(opts["received_at"])
        ictx = intake.make_context(app.home, country=country or opts.get("country"), tz=tz or opts.get("tz"))
        lang_code = intake.resolve_lang(lang or opts.get("lang") or app.lang)
        raw = {**draft.answers, **raw}

    if interactive(app, no_input=no_input):
        answers, draft = _walk(app, questions, raw, ictx, lang_code, draft, chan, received, country, tz)
    else:
        answers = intake.check_all(questions, {k: v for k, v in raw.items() if v is not None}, ictx)
    fields = intake.incident_fields(answers, ictx, channel=chan, received_at=received)
    if not as_json:  # the acknowledgement's texts are read before the save: a broken file refuses it
        intake.message("saved", lang_code, app.home)
    rid = request_id or (f"draft:{app.agent}:{draft.id}" if draft is not None else None)  # a retry finds it
    doc = intake.open_incident(app.store(), fields, actor=app.agent, request_id=rid)
    if draft is not None:
        drafts.remove(app.home, draft)
    if as_json:
        emit_json(doc)
        return
    typer.echo(f"{doc['id']}")
    typer.echo(intake.ack_text(doc, lang_code, app.home))
    if chan == "email":
        info(f"Email report: acknowledge by {doc['ack_due']} and record it with: sdcli ack {doc['id']}")


def _walk(
    app, questions, raw, ictx, lang_code, draft, chan, received, country, tz
) -> tuple[dict[str, Any], Any]:
    from sdcli import clock, drafts, intake
    from sdcli.prompts import Walker

    prefilled: dict[str, Any] = {}
    for q in questions:  # flags and file values are checked before any prompt
        if q.key in raw and intake.applies(q, prefilled):
            value = raw[q.key]
            prefilled[q.key] = value if value is None else intake.check_answer(q, value, prefilled, ictx)
    if draft is None:
        options = {"lang": lang_code, "channel": chan, "country": country, "tz": tz,
                   "received_at": clock.iso(received or clock.now())}  # fmt: skip
        draft = drafts.new(app.home, app.agent, options)

    def on_answer(answers: dict[str, Any]) -> None:
        draft.answers = dict(answers)
        draft.pending = dict(walker.pending)
        drafts.save(app.home, draft)

    walker = Walker(questions, ictx, lang_code, app.home, on_answer, pending=draft.pending)
    try:
        final = walker.review(prefilled)
    except KeyboardInterrupt:
        if prefilled or walker.pending:
            draft.answers = dict(prefilled)
            draft.pending = dict(walker.pending)
            drafts.save(app.home, draft)
            typer.echo(
                f"\nInterrupted: draft {draft.id} kept ({len(draft.answers)} answers). "
                "Resume with: sdcli open --resume",
                err=True,
            )
        else:
            typer.echo("\nInterrupted: nothing was typed, no draft kept.", err=True)
        raise typer.Exit(130) from None
    return intake.check_all(questions, final, ictx), draft
