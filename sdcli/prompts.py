"""The interactive walker: questionary prompts over the questionnaire data, then a Rich review.

Every text comes from the catalogue in the session's language (sdcli.i18n), the prompts' own
chrome included. Prompts use `unsafe_ask()` so Ctrl-C and Ctrl-D reach the caller (which keeps
the draft); a bad answer stays in the input line with the reason shown, to be fixed, never
thrown out. A yes/no question has no default: Enter asks it again; `?` answers "don't know".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdcli import intake, sites
from sdcli.errors import InvalidValue, SdcliError
from sdcli.i18n import render, t
from sdcli.intake import Question
from sdcli.render import answer_text
from sdcli.ui import console, text
from sdcli.validate import UNKNOWN

SKIPPED = None  # an optional question answered with Enter is stored as None in the draft
UNKNOWN_KEY = "?"


def _validator(
    check: Callable[[str], Any], required: bool, accept: str = "", check_empty: bool = False
) -> Callable[[str], bool | str]:
    def run(value: str) -> bool | str:
        if not value.strip() and not check_empty:
            return True if accept or not required else t("prompt.required")
        try:
            check(value)
        except InvalidValue as e:
            return render(e.reason)
        except SdcliError as e:  # a rule of the form (an SSR's lead time) refuses it on its line
            return e.render()
        return True

    return run


def line(
    label: str,
    check: Callable[[str], Any],
    required: bool,
    default: str = "",
    accept: str = "",
    check_empty: bool = False,
) -> str:
    """One line of text. `default` is typed in the buffer (an answer being changed); `accept` is
    only shown, and taken by Enter on an empty line (a configured default, never typed in)."""
    import questionary

    extra: dict[str, Any] = {}
    if accept:
        extra = {"instruction": t("prompt.enter_takes", value=accept)}
    raw = questionary.text(
        label, default=default, validate=_validator(check, required, accept, check_empty), **extra
    ).unsafe_ask()
    return raw if raw.strip() else accept


def select(label: str, choices: list[tuple[str, Any]], default: Any = None) -> Any:
    """A choice among labelled values, with the chrome in the session's language."""
    import questionary

    options = [questionary.Choice(title, value) for title, value in choices]
    start = next((c for c in options if c.value == default), None) if default is not None else None
    return questionary.select(
        label, choices=options, default=start, instruction=t("prompt.arrows")
    ).unsafe_ask()


def confirm(message: str, *, default: bool | None = None, unknown: bool = False) -> bool | str:
    """A yes/no question in the agent's language: s/n in Spanish and Portuguese, y/n in English (y
    answers yes in every language); with `unknown`, ? answers "don't know" (UNKNOWN). Without a
    default, Enter asks again. Ctrl-C and Ctrl-D interrupt."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import to_formatted_text
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys
    from questionary.constants import DEFAULT_QUESTION_PREFIX
    from questionary.question import Question as Asked
    from questionary.styles import merge_styles_default

    words: dict[Any, str] = {True: t("yesno.yes"), False: t("yesno.no"), UNKNOWN: t("yesno.unknown")}
    y, n = words[True][:1].lower() or "y", words[False][:1].lower() or "n"
    if y == n:
        y, n = "y", "n"
    keys_hint = f"{y.upper() if default is True else y}/{n.upper() if default is False else n}"
    hint = t("prompt.yesno_unknown", keys=keys_hint, unknown=UNKNOWN_KEY) if unknown else f"({keys_hint}) "
    given: list[Any] = []  # the answer, once a key gives it
    again: list[bool] = []  # Enter without an answer: the question is asked again, with how to answer

    def tokens() -> Any:
        out: list[Any] = [("class:qmark", DEFAULT_QUESTION_PREFIX), ("class:question", f" {message} ")]
        if given:
            out.append(("class:answer", words[given[0]].capitalize()))
        else:
            out.append(("class:instruction", hint))
            if again:
                out.append(("class:instruction", " " + t("prompt.yesno_again")))
        return to_formatted_text(out)

    keys = KeyBindings()

    @keys.add(Keys.ControlC, eager=True)
    @keys.add(Keys.ControlQ, eager=True)
    def _abort(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @keys.add(Keys.ControlD, eager=True)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    def answer(value: Any) -> Callable[[Any], None]:
        def done(event: Any) -> None:
            given.append(value)
            event.app.exit(result=value)

        return done

    for key in {y, y.upper(), "y", "Y"}:
        keys.add(key)(answer(True))
    for key in {n, n.upper()}:
        keys.add(key)(answer(False))
    if unknown:
        keys.add(UNKNOWN_KEY)(answer(UNKNOWN))

    @keys.add(Keys.ControlM, eager=True)
    def _enter(event: Any) -> None:
        if default is None:
            again.append(True)  # no silent default: the question stays, saying how to answer
            event.app.invalidate()
        else:
            answer(default)(event)

    @keys.add(Keys.Any)
    def _other(event: Any) -> None:
        """Any other key types nothing."""

    session: PromptSession[Any] = PromptSession(tokens, key_bindings=keys, style=merge_styles_default([None]))
    return Asked(session.app).unsafe_ask()  # type: ignore[no-any-return]


class Walker:
    def __init__(
        self,
        questions: list[Question],
        ctx: intake.Context,
        lang: str,
        home: Path | None,
        on_answer: Callable[[dict[str, Any]], None],
        pending: dict[str, Any] | None = None,
        checks: dict[str, Callable[[Any, dict[str, Any]], None]] | None = None,
    ) -> None:
        self.questions = questions
        self.ctx = ctx
        self.lang = lang
        self.home = home
        self.on_answer = on_answer
        self.pending: dict[str, Any] = dict(pending or {})  # contacts given of a question in progress
        self.answers: dict[str, Any] = {}
        self.checks = dict(checks or {})  # key → a rule checked on the answer's line (raises SdcliError)

    # ---- one question
    def _label(self, q: Question) -> str:
        label = q.text(self.lang)
        return label if q.required or q.kind == "yesno" else f"{label} ({t('prompt.optional')})"

    def ask(self, q: Question, answers: dict[str, Any]) -> Any:
        current = answers.get(q.key)
        region = self.ctx.region(answers)
        if q.kind == "choice":
            return select(q.text(self.lang), [(q.choice_label(c["value"], self.lang), c["value"]) for c in q.choices],
                          current)  # fmt: skip
        if q.kind == "yesno":
            return confirm(q.text(self.lang), unknown=True)
        if q.kind == "contacts":
            return self._contacts(q, region)
        if q.kind == "datetimes":
            return self._datetimes(q, answers)
        if q.kind == "zone":
            return self._zone(q, answers)
        default = "" if current is None else str(current)
        accept = (self.ctx.region(answers) or "") if q.kind == "country" and not default else ""
        empty = not q.required and q.key in self.checks  # an empty answer may be refused by the form's rule
        raw = line(self._label(q), lambda v: self._check(q, v, answers), q.required, default, accept, empty)
        return self._check(q, raw, answers) if raw.strip() else SKIPPED

    def _check(self, q: Question, raw: str, answers: dict[str, Any]) -> Any:
        value = intake.check_answer(q, raw, answers, self.ctx) if raw.strip() or q.required else None
        if q.key in self.checks:
            self.checks[q.key](value, answers)
        return value

    def _zone(self, q: Question, answers: dict[str, Any]) -> str | None:
        """The site's zone: asked among its country's zones (with their cities) when it has
        several and neither --tz nor the directory says; else the one there is."""
        known = intake.zone_answer(q, {}, answers, self.ctx)
        if known or not sites.several(self.ctx.countries, self.ctx.region(answers)):
            return known
        from sdcli import clock, dates

        now = clock.now()
        choices = [(f"{cities} ({zone}, {dates.offset(now.astimezone(clock.get_tz(zone)))})", zone)
                   for zone, cities in sites.zones(self.ctx.countries, self.ctx.region(answers))]  # fmt: skip
        return select(q.text(self.lang), choices, answers.get(q.key))  # type: ignore[no-any-return]

    def _contacts(self, q: Question, region: str | None) -> list[dict[str, str]] | None:
        from sdcli import validate

        out: list[dict[str, str]] = list(self.pending.get(q.key, []))
        console().print(text(self._label(q), "bold"))
        for n, c in enumerate(out, start=1):  # given before an interruption: kept
            console().print(text(f"  {n}. {answer_text(c)}"))
        if out and not confirm(t("prompt.add_another"), default=False):
            return out
        while True:
            n = len(out) + 1
            name = line(
                f"  {n}. {t('prompt.name')}", lambda v: validate.text("name", v), q.required and not out
            )
            if not name.strip():
                break
            mail = line(f"  {n}. {t('prompt.email')}", lambda v: validate.email(f"{q.key}.email", v), True)
            tel = line(
                f"  {n}. {t('prompt.phone')}", lambda v: validate.phone(f"{q.key}.phone", v, region), True
            )
            out.append(validate.contact(q.key, {"name": name, "email": mail, "phone": tel}, region))
            self.pending[q.key] = list(out)
            self.on_answer(self.answers)  # a contact is kept as soon as it is complete
            if not confirm(t("prompt.add_another"), default=False):
                break
        return out or SKIPPED

    def _datetimes(self, q: Question, answers: dict[str, Any]) -> list[str] | None:
        out: list[str] = []
        while True:
            label = self._label(q) if not out else f"  {t('prompt.another_time')}"
            raw = line(label, lambda v: intake.check_answer(q, v, answers, self.ctx), q.required and not out)
            if not raw.strip():
                break
            out += intake.check_answer(q, raw, answers, self.ctx)
        return out or SKIPPED

    # ---- the walk
    def walk(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Ask every applicable question not answered yet, saving after each answer."""
        self.answers = answers
        for q in self.questions:
            if q.key in answers or not intake.applies(q, answers):
                continue
            answers[q.key] = self.ask(q, answers)
            self.pending.pop(q.key, None)
            self.on_answer(answers)
        return answers

    def review(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Show every answer; let the agent change any before saving. Returns the final answers."""
        while True:
            self.walk(answers)
            self.show(answers)
            action = select(
                t("review.what_now"), [(t("review.save"), "save"), (t("review.change"), "change")]
            )
            if action == "save":
                return {k: v for k, v in answers.items() if v is not None and self._applies(k, answers)}
            asked = [q for q in self.questions if q.key in answers and intake.applies(q, answers)]
            key = select(t("review.which"), [(f"{q.text(self.lang)}: {self._shown(q, answers)[:40]}", q.key)
                                             for q in asked])  # fmt: skip
            question = next(x for x in self.questions if x.key == key)
            answers[key] = self.ask(question, answers)
            if question.kind == "country":  # its zones may not be the old one's: asked again
                answers.pop("timezone", None)
            self.on_answer(answers)

    def _applies(self, key: str, answers: dict[str, Any]) -> bool:
        q = next((x for x in self.questions if x.key == key), None)
        return q is None or intake.applies(q, answers)

    def _shown(self, q: Question, answers: dict[str, Any]) -> str:
        return answer_text(
            answers[q.key], q, self.lang, zone=self.ctx.tz_name(answers), countries=self.ctx.countries
        )

    def show(self, answers: dict[str, Any]) -> None:
        from rich.table import Table

        table = Table(title=t("review.title"), title_justify="left", show_header=False)
        table.add_column("question", style="bold")
        table.add_column("answer", overflow="fold")
        for q in self.questions:
            if q.key in answers and intake.applies(q, answers):
                table.add_row(text(q.text(self.lang)), text(self._shown(q, answers)))
        console().print(table)


def pick_draft(titles: list[tuple[str, str]], lang: str, home: Path | None) -> str:
    return select(t("prompt.which_draft"), [(title, value) for value, title in titles])  # type: ignore[no-any-return]
