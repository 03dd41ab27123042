"""The shared body of an interactive form beside the incident questionnaire (SSR, change): the
draft it keeps, --resume, the walk and the review by the one walker (sdcli.prompts.Walker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sdcli import drafts, intake
from sdcli.errors import UnknownDraft
from sdcli.prompts import Walker
from sdcli.prompts import pick_draft as choose
from sdcli.ui import say, warn


def pick_draft(app: Any, form: str, draft_id: str | None, lang: str) -> Any:
    """The draft of `form` to continue: --draft, else the only one, else the agent's choice."""
    if draft_id:
        return drafts.load(app.home, draft_id, form=form)
    damaged: list[Any] = []
    existing = drafts.all_drafts(app.home, damaged, form=form)
    for line in damaged:
        warn(line)
    if not existing:
        raise UnknownDraft("error.no_draft", where=str(app.home / "drafts"))
    if len(existing) == 1:
        return existing[0]

    return drafts.load(app.home, choose([(d.id, d.title) for d in existing], lang, app.home))


def walk_form(
    app: Any, form: str, questions: list[Any], raw: dict[str, Any], ictx: Any, lang: str, *, resume: bool,
    draft_id: str | None, options: dict[str, Any], checks: dict[str, Callable[[Any, dict[str, Any]], None]],
    draft: Any = None,
) -> tuple[dict[str, Any], Any]:  # fmt: skip
    """The form's answers after the walk and the review (flags given are pre-filled, checked
    first), and its draft (removed by the caller once the ticket is filed): `draft` when the
    caller picked it, else with `resume` the one pick_draft finds. A resumed draft's answers are
    shown first. Ctrl-C or Ctrl-D keeps the draft and exits 130. Every form (incident `open`,
    `ssr`, `change`) goes through here."""
    if draft is None and resume:
        draft = pick_draft(app, form, draft_id, lang)
    resume = resume or draft is not None
    if draft is not None:
        raw = {**draft.answers, **raw}
    prefilled: dict[str, Any] = {}
    for q in questions:
        if q.key in raw and intake.applies(q, prefilled):
            value = raw[q.key]
            prefilled[q.key] = value if value is None else intake.check_answer(q, value, prefilled, ictx)
    if draft is None:
        draft = drafts.new(app.home, app.agent, {**options, "form": form})

    def on_answer(answers: dict[str, Any]) -> None:
        draft.answers = dict(answers)
        draft.pending = dict(walker.pending)
        drafts.save(app.home, draft)

    walker = Walker(
        questions, ictx, lang, app.home, on_answer, pending=draft.pending, checks=checks, form=form
    )
    try:
        if resume and prefilled:
            walker.show(prefilled)  # what was captured before the interruption, first
        final = walker.review(prefilled)
    except (KeyboardInterrupt, EOFError):
        typer.echo("", err=True)
        if prefilled or walker.pending:
            draft.answers, draft.pending = dict(prefilled), dict(walker.pending)
            drafts.save(app.home, draft)
            say("form.interrupted_kept", id=draft.id, n=len(draft.answers), command=drafts.COMMANDS[form])
        else:
            say("open.interrupted_nothing")
        raise typer.Exit(130) from None
    ictx.notes.clear()  # the review showed every date in words
    return final, draft
