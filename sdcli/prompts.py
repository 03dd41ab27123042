"""The interactive walker: questionary prompts over the questionnaire data, then a Rich review.

Prompts use `unsafe_ask()` so Ctrl-C reaches the caller (which keeps the draft); a bad
answer stays in the input line with the reason shown, to be fixed, never thrown out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdcli import intake
from sdcli.errors import InvalidValue
from sdcli.intake import Question
from sdcli.render import fmt_value
from sdcli.ui import console, text

SKIPPED = None  # an optional question answered with Enter is stored as None in the draft


def _validator(check: Callable[[str], Any], required: bool) -> Callable[[str], bool | str]:
    def run(value: str) -> bool | str:
        if not value.strip():
            return "required" if required else True
        try:
            check(value)
        except InvalidValue as e:
            return e.reason
        return True

    return run


class Walker:
    def __init__(
        self,
        questions: list[Question],
        ctx: intake.Context,
        lang: str,
        home: Path | None,
        on_answer: Callable[[dict[str, Any]], None],
        pending: dict[str, Any] | None = None,
    ) -> None:
        self.questions = questions
        self.ctx = ctx
        self.lang = lang
        self.home = home
        self.on_answer = on_answer
        self.pending: dict[str, Any] = dict(pending or {})  # contacts given of a question in progress
        self.answers: dict[str, Any] = {}

    def msg(self, key: str) -> str:
        return intake.message(key, self.lang, self.home)

    def confirm(self, message: str, default: bool) -> bool:
        """A yes/no question in the agent's language: (s/N) and sí/no in Spanish, (s/N) and
        sim/não in Portuguese; y answers yes in every language. Enter takes the default."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.formatted_text import to_formatted_text
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.keys import Keys
        from questionary.constants import DEFAULT_QUESTION_PREFIX
        from questionary.question import Question
        from questionary.styles import merge_styles_default

        words = {True: self.msg("yes"), False: self.msg("no")}
        y, n = words[True][:1].lower() or "y", words[False][:1].lower() or "n"
        if y == n:
            y, n = "y", "n"
        hint = f"({y.upper()}/{n}) " if default else f"({y}/{n.upper()}) "
        given: list[bool] = []  # the answer, once a key gives it

        def tokens() -> Any:
            out = [("class:qmark", DEFAULT_QUESTION_PREFIX), ("class:question", f" {message} ")]
            out.append(
                ("class:answer", words[given[0]].capitalize()) if given else ("class:instruction", hint)
            )
            return to_formatted_text(out)

        keys = KeyBindings()

        @keys.add(Keys.ControlC, eager=True)
        @keys.add(Keys.ControlQ, eager=True)
        def _abort(event: Any) -> None:
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

        def answer(value: bool) -> Callable[[Any], None]:
            def done(event: Any) -> None:
                given.append(value)
                event.app.exit(result=value)

            return done

        for key in {y, y.upper(), "y", "Y"}:
            keys.add(key)(answer(True))
        for key in {n, n.upper()}:
            keys.add(key)(answer(False))
        keys.add(Keys.ControlM, eager=True)(answer(default))

        @keys.add(Keys.Any)
        def _other(event: Any) -> None:
            """Any other key types nothing."""

        session = PromptSession(tokens, key_bindings=keys, style=merge_styles_default([None]))
        return bool(Question(session.app).unsafe_ask())

    # ---- one question
    def _label(self, q: Question) -> str:
        label = q.text(self.lang)
        return label if q.required or q.kind == "yesno" else f"{label} ({self.msg('optional')})"

    def _line(self, label: str, check: Callable[[str], Any], required: bool, default: str = "") -> str:
        import questionary

        return questionary.text(label, default=default, validate=_validator(check, required)).unsafe_ask()

    def ask(self, q: Question, answers: dict[str, Any]) -> Any:
        import questionary

        current = answers.get(q.key)
        region = self.ctx.region(answers)
        if q.kind == "choice":
            choices = [
                questionary.Choice(q.choice_label(c["value"], self.lang), value=c["value"]) for c in q.choices
            ]
            return questionary.select(q.text(self.lang), choices=choices, default=current).unsafe_ask()
        if q.kind == "yesno":
            return self.confirm(q.text(self.lang), default=bool(current))
        if q.kind == "contacts":
            return self._contacts(q, region)
        if q.kind == "datetimes":
            return self._datetimes(q, answers)
        default = "" if current is None else str(current)
        if q.kind == "country" and not default:
            default = self.ctx.default_country
        raw = self._line(
            self._label(q), lambda v: intake.check_answer(q, v, answers, self.ctx), q.required, default
        )
        return intake.check_answer(q, raw, answers, self.ctx) if raw.strip() else SKIPPED

    def _contacts(self, q: Question, region: str) -> list[dict[str, str]] | None:
        from sdcli import validate

        out: list[dict[str, str]] = list(self.pending.get(q.key, []))
        console().print(text(self._label(q), "bold"))
        for n, c in enumerate(out, start=1):  # given before an interruption: kept
            console().print(text(f"  {n}. {fmt_value(c)}"))
        if out and not self.confirm(self.msg("add_another"), default=False):
            return out
        while True:
            n = len(out) + 1
            name = self._line(
                f"  {n}. {self.msg('name')}", lambda v: validate.text("name", v), q.required and not out
            )
            if not name.strip():
                break
            mail = self._line(
                f"  {n}. {self.msg('email')}", lambda v: validate.email(f"{q.key}.email", v), True
            )
            tel = self._line(
                f"  {n}. {self.msg('phone')}", lambda v: validate.phone(f"{q.key}.phone", v, region), True
            )
            out.append(validate.contact(q.key, {"name": name, "email": mail, "phone": tel}, region))
            self.pending[q.key] = list(out)
            self.on_answer(self.answers)  # a contact is kept as soon as it is complete
            if not self.confirm(self.msg("add_another"), default=False):
                break
        return out or SKIPPED

    def _datetimes(self, q: Question, answers: dict[str, Any]) -> list[str] | None:
        from sdcli import validate

        tz = self.ctx.tz(answers)
        out: list[str] = []
        while True:
            label = self._label(q) if not out else f"  {self.msg('another_time')}"
            raw = self._line(label, lambda v: validate.when(q.key, v, tz), q.required and not out)
            if not raw.strip():
                break
            out.append(validate.when(q.key, raw, tz))
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
        import questionary

        while True:
            self.walk(answers)
            self.show(answers)
            action = questionary.select(
                self.msg("what_now"),
                choices=[
                    questionary.Choice(self.msg("save"), "save"),
                    questionary.Choice(self.msg("change"), "change"),
                ],
            ).unsafe_ask()
            if action == "save":
                return {k: v for k, v in answers.items() if v is not None and self._applies(k, answers)}
            asked = [q for q in self.questions if q.key in answers and intake.applies(q, answers)]
            q = questionary.select(
                self.msg("which"),
                choices=[
                    questionary.Choice(f"{q.text(self.lang)}: {fmt_value(answers[q.key])[:40]}", q.key)
                    for q in asked
                ],
            ).unsafe_ask()
            question = next(x for x in self.questions if x.key == q)
            answers[q] = self.ask(question, answers)
            self.on_answer(answers)

    def _applies(self, key: str, answers: dict[str, Any]) -> bool:
        q = next((x for x in self.questions if x.key == key), None)
        return q is None or intake.applies(q, answers)

    def show(self, answers: dict[str, Any]) -> None:
        from rich.table import Table

        t = Table(title=self.msg("review"), title_justify="left", show_header=False)
        t.add_column("question", style="bold")
        t.add_column("answer", overflow="fold")
        for q in self.questions:
            if q.key in answers and intake.applies(q, answers):
                value = answers[q.key]
                shown = q.choice_label(value, self.lang) if q.kind == "choice" else fmt_yesno(value, self)
                t.add_row(text(q.text(self.lang)), text(shown))
        console().print(t)


def fmt_yesno(value: Any, walker: Walker) -> str:
    if isinstance(value, bool):
        return walker.msg("yes") if value else walker.msg("no")
    return fmt_value(value) if value is not None else "—"


def pick_draft(titles: list[tuple[str, str]], lang: str, home: Path | None) -> str:
    import questionary

    return questionary.select(
        intake.message("which_draft", lang, home), choices=[questionary.Choice(t, v) for v, t in titles]
    ).unsafe_ask()
