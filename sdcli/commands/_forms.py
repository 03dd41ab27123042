"""The shared body of an interactive form beside the incident questionnaire (SSR, change): the
draft it keeps, --resume, the walk and the review by the one walker (sdcli.prompts.Walker). The
draft --resume continues is found here for every form (incident `open` too), on a terminal or
not; questionary is imported only to walk or to choose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sdcli import drafts, intake
from sdcli.errors import DraftDamaged, UnknownDraft
from sdcli.ui import app_of, interactive, say, warn


def resumable(
    ctx: Any, form: str, draft_id: str | None, lang: str, *, no_input: bool = False, force: bool = False
) -> Any:
    """The draft of `form` --resume continues: --draft's, the only one, or the one the agent picks
    on a terminal; none, several in a script, or only damaged ones are refused, naming why.
    Damaged drafts beside a readable one are left as they are, and said. The draft is held by
    this run until it ends (`hold`): another agent's needs --force."""
    app = app_of(ctx)
    damaged: list[Any] = []
    existing = drafts.all_drafts(app.home, damaged, form=form)
    if draft_id:
        draft = drafts.load(app.home, draft_id, form=form)
    elif len(existing) == 1:
        draft = existing[0]
    elif not existing and damaged:
        if len(damaged) == 1:
            raise DraftDamaged(damaged[0])
        raise DraftDamaged("error.drafts_damaged", n=len(damaged), first=damaged[0])
    elif not existing:
        raise UnknownDraft("error.no_draft", where=str(app.home / "drafts"))
    elif interactive(app, no_input=no_input):
        from sdcli.prompts import pick_draft  # deferred: questionary, only on a terminal

        draft = drafts.load(app.home, pick_draft([(d.id, d.title) for d in existing], lang, app.home))
    else:
        raise UnknownDraft("error.several_drafts", ids=", ".join(d.id for d in existing))
    for line in damaged:  # left as they are; said, since the agent may miss one
        warn(line)
    return hold(ctx, draft.id, form=form, force=force)


def hold(ctx: Any, draft_id: str, *, form: str | None = None, force: bool = False) -> Any:
    """The draft held by this run (read again under the hold) until the command ends, however it
    ends: its ticket saved and the draft removed, or the save refused or interrupted and the
    draft kept for the next try. Another run holding it refuses this one, naming it (exit 1)."""
    app = app_of(ctx)
    draft, held = drafts.take(app.home, draft_id, agent=app.agent, force=force, form=form)
    ctx.call_on_close(held.release)
    return draft


def answered(draft: Any) -> dict[str, Any]:
    """A resumed draft's answers as a script's run takes them (the flags given go over them):
    those it has, checked as they were given."""
    return {k: v for k, v in draft.answers.items() if v is not None}


def walk_form(
    ctx: Any, form: str, questions: list[Any], raw: dict[str, Any], ictx: Any, lang: str, *, resume: bool,
    draft_id: str | None, options: dict[str, Any], checks: dict[str, Callable[[Any, dict[str, Any]], None]],
    draft: Any = None,
) -> tuple[dict[str, Any], Any]:  # fmt: skip
    """The form's answers after the walk and the review (flags given are pre-filled, checked
    first), and its draft (removed by the caller once the ticket is filed): `draft` when the
    caller picked it, else with `resume` the one `resumable` finds. A resumed draft's answers are
    shown first. Ctrl-C or Ctrl-D keeps the draft and exits 130. Every form (incident `open`,
    `ssr`, `change`) goes through here."""
    from sdcli.prompts import Walker  # deferred: questionary, only on a terminal

    app = app_of(ctx)
    if draft is None and resume:
        draft = resumable(ctx, form, draft_id, lang)
    resume = resume or draft is not None
    # answers given by flag or file: kept whether their question applies or not, as without a terminal
    given = frozenset(k for k, v in raw.items() if v is not None)
    if draft is not None:
        raw = {**draft.answers, **raw}
    prefilled: dict[str, Any] = {}
    for q in questions:  # each answer checked; a given one whose question does not apply (yet) kept too
        if q.key in raw and (intake.applies(q, prefilled) or (q.key in given and q.key not in prefilled)):
            value = raw[q.key]
            prefilled[q.key] = value if value is None else intake.check_answer(q, value, prefilled, ictx)
    fresh = draft is None
    if draft is None:  # held from its first answer (saved then): no other run resumes a form being walked
        draft = drafts.new(app.home, app.agent, {**options, "form": form})

    def on_answer(answers: dict[str, Any]) -> None:
        nonlocal fresh
        if fresh:  # claimed before it is first saved (filelock is imported then, not before the first prompt)
            ctx.call_on_close(drafts.claim(app.home, draft.id, app.agent).release)
            fresh = False
        draft.answers = dict(answers)
        draft.pending = dict(walker.pending)
        drafts.save(app.home, draft)

    walker = Walker(
        questions,
        ictx,
        lang,
        app.home,
        on_answer,
        pending=draft.pending,
        checks=checks,
        form=form,
        given=given,
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
            drafts.remove(app.home, draft)  # its lock: no draft was kept
            say("open.interrupted_nothing")
        raise typer.Exit(130) from None
    ictx.notes.clear()  # the review showed every date in words
    return final, draft
