"""sdcli classify ID"""

from __future__ import annotations

from typing import Any

import typer

from sdcli.commands._transition import NOTIFY_OPTION, notify, queue_of
from sdcli.ui import JSON_OPTION, NO_INPUT_OPTION, app_of, console, emit_json, info, interactive, text


def command(
    ctx: typer.Context,
    ticket_id: str = typer.Argument(..., metavar="ID"),
    severity: int | None = typer.Option(
        None, "--severity", help="Set this level (1-4); needs --reason unless it is the suggestion."
    ),
    reason: str | None = typer.Option(None, "--reason", help="Why this level."),
    impact: str | None = typer.Option(
        None, "--impact", help="high|medium|low or 1-3 (with --urgency: the ITIL matrix)."
    ),
    urgency: str | None = typer.Option(None, "--urgency", help="high|medium|low or 1-3."),
    accept: bool = typer.Option(False, "--accept-suggestion", help="Take the suggested level."),
    lang: str | None = typer.Option(None, "--lang", help="es, en or pt."),
    no_input: bool = NO_INPUT_OPTION,
    notify_now: bool = NOTIFY_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Classify an incident's severity and set its recovery deadline.

    Suggests a level from the intake answers (rules in sdcli/data/classification.toml)
    and shows why; or uses the ITIL impact x urgency matrix. Reclassifying recomputes the
    deadline from the original opening time.

    Example: sdcli classify INC12 --accept-suggestion --json
    """
    from sdcli import intake, sla
    from sdcli.errors import InvalidValue, MissingAnswers
    from sdcli.store.base import version

    app = app_of(ctx)
    store = app.store()
    lang_code = intake.resolve_lang(lang or app.lang)
    doc = store.get(ticket_id)
    suggestion = sla.suggest(doc, lang_code, app.home)
    extra: dict[str, Any] = {}
    expect: int | None = None
    if (impact is None) != (urgency is None):
        raise MissingAnswers(["--urgency" if urgency is None else "--impact"])
    if impact is not None and urgency is not None:
        level, method = sla.matrix_level(impact, urgency, app.home), "matrix"
        extra = {"impact": impact, "urgency": urgency}
        reason = reason or f"impact {impact} x urgency {urgency}"
    elif severity is not None:
        level, method = severity, "manual"
        if level not in sla.levels(app.home):
            raise InvalidValue(
                "severity", level, "use one of " + ", ".join(map(str, sorted(sla.levels(app.home))))
            )
        if level != suggestion.severity and not (reason or "").strip():
            raise MissingAnswers(
                [f"--reason (severity {level} differs from the suggested {suggestion.severity})"]
            )
    elif accept:
        level, method = suggestion.severity, "suggestion"
    elif interactive(app, no_input=no_input):
        level, method, reason = _ask(doc, suggestion, lang_code, app.home)
        expect = version(doc)  # the person decided on this version: a change since refuses the save
    else:
        raise MissingAnswers(
            ["one of --accept-suggestion", "--severity N --reason TEXT", "--impact X --urgency Y"]
        )

    def change(d: dict[str, Any]) -> dict[str, Any]:
        return sla.classify(d, level, method=method, reason=reason, suggested=suggestion, home=app.home,
                            actor=app.agent, extra=extra)  # fmt: skip

    doc = store.update(ticket_id, change, actor=app.agent, expect=expect, queue=queue_of(app))
    if notify_now:
        notify(app, doc["id"])
    if as_json:
        emit_json(doc)
        return
    info(f"{doc['id']}: severity {level} ({sla.level_name(level, lang_code, app.home)}), "
         f"recovery due {doc.get('recovery_due', '—')} [{doc['sla_clock']}, {doc['sla_target_hours']:g} h]")  # fmt: skip


def _ask(doc: dict[str, Any], suggestion: Any, lang: str, home: Any) -> tuple[int, str, str | None]:
    import questionary
    from rich.table import Table

    from sdcli import sla

    out = console()
    t = Table(
        title=text(f"{doc['id']}: {doc.get('customer', '')} / {doc.get('site', '')}"), title_justify="left"
    )
    for col in ("level", "name", "qualifies", "target"):
        t.add_column(col)
    for n, lv in sorted(sla.levels(home).items()):
        hours, kind = sla.target_for(doc, n, home)
        mark = "bold reverse" if n == suggestion.severity else ""
        t.add_row(text(str(n), mark), text(sla.level_name(n, lang, home), mark),
                  text(lv.get("qualifies", {}).get(lang, ""), mark), text(f"{hours:g} h {kind}", mark))  # fmt: skip
    out.print(t)
    out.print(text(f"Suggested: {suggestion.severity} — " + "; ".join(suggestion.reasons), "bold"))
    choices = [
        questionary.Choice(f"{n} {sla.level_name(n, lang, home)}", n) for n in sorted(sla.levels(home))
    ]
    level = questionary.select(
        "Severity", choices=choices, default=next(c for c in choices if c.value == suggestion.severity)
    ).unsafe_ask()
    if level == suggestion.severity:
        return level, "suggestion", None
    reason = questionary.text(
        f"Why {level} rather than the suggested {suggestion.severity}?",
        validate=lambda v: bool(v.strip()) or "a reason is required",
    ).unsafe_ask()
    return level, "manual", reason.strip()
