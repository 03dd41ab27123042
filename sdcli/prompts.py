"""The interactive walker: questionary prompts over the questionnaire data (sdcli.asking asks
each answer), then a Rich review. Going back (`<`) and the review's edit of one contact of a
list live here; the keys and prompts are described in sdcli.asking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdcli import intake
from sdcli.asking import BACK_KEY, SKIPPED, UNKNOWN_KEY, GoBack, _validator, columns, confirm, line, select
from sdcli.i18n import t
from sdcli.intake import Question
from sdcli.render import answer_text
from sdcli.ui import console, text

__all__ = ["BACK_KEY", "SKIPPED", "UNKNOWN_KEY", "GoBack", "Walker", "_validator", "confirm", "line", "pick_draft",
           "select"]  # fmt: skip


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
        form: str = "incident",
        given: frozenset[str] = frozenset(),
    ) -> None:
        self.form = form  # what the review names: the incident, the service request, the change request
        # answers given by flag or file: kept (and shown) whether their question applies or not, as
        # without a terminal; an answer the walk took is dropped when the agent changes its premise
        self.given = given
        self.questions = questions
        self.ctx = ctx
        self.lang = lang
        self.home = home
        self.on_answer = on_answer
        self.pending: dict[str, Any] = dict(pending or {})  # contacts given of a question in progress
        self.answers: dict[str, Any] = {}
        self.checks = dict(checks or {})  # key → a rule checked on the answer's line (raises SdcliError)

    # ---- one question
    def _label(self, q: Question, required: bool | None = None) -> str:
        label = q.text(self.lang)
        required = q.required if required is None else required
        return label if required or q.kind == "yesno" else f"{label} ({t('prompt.optional')})"

    def ask(self, q: Question, answers: dict[str, Any], back: bool = True) -> Any:
        """The answer to q, its current answer the default. `<` raises GoBack (with `back`)."""
        current = answers.get(q.key)
        region = self.ctx.region(answers)
        required = q.required_for(answers) or q.required  # required_when: by the earlier answers
        if q.kind == "choice":
            return select(q.text(self.lang), [(q.choice_label(c["value"], self.lang), c["value"]) for c in q.choices],
                          current, back)  # fmt: skip
        if q.kind == "yesno":
            return confirm(
                q.text(self.lang), unknown=True, back=back, default=current if q.key in answers else None
            )
        if q.kind == "contacts":
            if current and q.key not in self.pending:  # asked again: the list given is the default
                self.pending[q.key] = list(current)
            return self._contacts(q, region, back)
        if q.kind == "datetimes":
            return self._datetimes(q, answers, back)
        if q.kind == "zone":
            return self._zone(q, answers, back)
        default = (
            "" if current is None else answer_text(current) if isinstance(current, dict) else str(current)
        )
        accept = (self.ctx.region(answers) or "") if q.kind == "country" and not default else ""
        empty = not required and q.key in self.checks  # an empty answer may be refused by the form's rule
        raw = line(
            self._label(q, required),
            lambda v: self._check(q, v, answers),
            required,
            default,
            accept,
            empty,
            back,
        )
        return self._check(q, raw, answers) if raw.strip() else SKIPPED

    def _check(self, q: Question, raw: str, answers: dict[str, Any]) -> Any:
        value = intake.check_answer(q, raw, answers, self.ctx) if raw.strip() or q.required else None
        if q.key in self.checks:
            self.checks[q.key](value, answers)
        return value

    def _prompts(self, q: Question, answers: dict[str, Any]) -> bool:
        """Whether q is put to the agent (a zone known from the country, --tz or the directory
        is not: going back passes over it)."""
        if q.kind != "zone":
            return True
        from sdcli import sites  # deferred: the country data's readers, once an answer names a site

        return not intake.zone_answer(q, {}, answers, self.ctx) and sites.several(
            self.ctx.countries, self.ctx.region(answers)
        )

    def _zone(self, q: Question, answers: dict[str, Any], back: bool = False) -> str | None:
        """The site's zone: asked among its country's zones (with their cities) when it has
        several and neither --tz nor the directory says; else the one there is."""
        from sdcli import sites  # deferred: the country data's readers, once an answer names a site

        known = intake.zone_answer(q, {}, answers, self.ctx)
        if known or not sites.several(self.ctx.countries, self.ctx.region(answers)):
            return known
        from sdcli import clock, dates

        now = clock.now()
        choices = [(_fit(sites.in_language(cities, self.lang, self.home),  # London: Londres in es
                         f"({zone}, {dates.offset(now.astimezone(clock.get_tz(zone)))})"), zone)
                   for zone, cities in sites.zones(self.ctx.countries, self.ctx.region(answers))]  # fmt: skip
        return select(q.text(self.lang), choices, answers.get(q.key), back)  # type: ignore[no-any-return]

    def _contacts(self, q: Question, region: str | None, back: bool = False) -> list[dict[str, str]] | None:
        out: list[dict[str, str]] = list(self.pending.get(q.key, []))
        console().print(text(self._label(q), "bold"))
        for n, c in enumerate(out, start=1):  # given before an interruption, or before going back: kept
            console().print(text(f"  {n}. {answer_text(c)}"))
        if out and not confirm(t("prompt.add_another"), default=False, back=back):
            return out
        while True:
            contact = self._contact(q, region, len(out) + 1, {}, required=q.required and not out, back=back)
            if contact is None:
                break
            out.append(contact)
            self.pending[q.key] = list(out)
            self.on_answer(self.answers)  # a contact is kept as soon as it is complete
            if not confirm(t("prompt.add_another"), default=False):
                break
        return out or SKIPPED

    def _contact(
        self, q: Question, region: str | None, n: int, given: dict[str, str], *, required: bool, back: bool
    ) -> dict[str, str] | None:
        """One contact, `given`'s fields the defaults; None for an empty name (no more). `<` on
        its name line raises GoBack."""
        from sdcli import validate

        name = line(f"  {n}. {t('prompt.name')}", lambda v: validate.text("name", v), required,
                    given.get("name", ""), back=back)  # fmt: skip
        if not name.strip():
            return None
        mail = line(f"  {n}. {t('prompt.email')}", lambda v: validate.email(f"{q.key}.email", v), True,
                    given.get("email", ""))  # fmt: skip
        tel = line(f"  {n}. {t('prompt.phone')}", lambda v: validate.phone(f"{q.key}.phone", v, region), True,
                   given.get("phone", ""))  # fmt: skip
        return validate.contact(q.key, {"name": name, "email": mail, "phone": tel}, region)

    def _datetimes(self, q: Question, answers: dict[str, Any], back: bool = False) -> list[str] | None:
        out: list[str] = list(answers.get(q.key) or [])
        if out:  # asked again: the times given are kept unless more are added
            console().print(text(self._label(q), "bold"))
            for n, value in enumerate(out, start=1):
                console().print(
                    text(f"  {n}. {answer_text(value, q, self.lang, zone=self.ctx.tz_name(answers))}")
                )
            if not confirm(t("prompt.add_another"), default=False, back=back):
                return out
        while True:
            label = self._label(q) if not out else f"  {t('prompt.another_time')}"
            raw = line(label, lambda v: intake.check_answer(q, v, answers, self.ctx), q.required and not out,
                       back=back and not out)  # fmt: skip
            if not raw.strip():
                break
            out += intake.check_answer(q, raw, answers, self.ctx)
        return out or SKIPPED

    # ---- the walk
    def walk(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Ask every applicable question not answered yet, saving after each answer. `<` goes
        to the previous question put to the agent (questions that did not apply are passed
        over), and the answered ones from there are asked again, each with its answer the
        default, up to where the agent was."""
        self.answers = answers
        again: set[str] = set()  # answered, but passed going back: asked again on the way forward
        i = 0
        while i < len(self.questions):
            q = self.questions[i]
            if not intake.applies(q, answers) or (
                q.key in answers and q.key not in again and not self._lacks(q, answers)
            ):
                i += 1
                continue
            try:
                answers[q.key] = self.ask(q, answers)
            except GoBack:
                before = self._before(i, answers)
                if before is None:
                    console().print(text(t("prompt.nothing_before"), "yellow"))
                    continue
                again.update(x.key for x in self.questions[before:i] if x.key in answers)
                i = before
                continue
            again.discard(q.key)
            self.pending.pop(q.key, None)
            self.on_answer(answers)
            i += 1
        return answers

    def _lacks(self, q: Question, answers: dict[str, Any]) -> bool:
        """Whether q, left without an answer, is now required (the review changed the answer its
        `required_when` names: problem changed to other asks for the description)."""
        return answers.get(q.key) is None and q.required_for(answers)

    def _before(self, i: int, answers: dict[str, Any]) -> int | None:
        """The index of the last question before i that was put to the agent, if any."""
        for j in range(i - 1, -1, -1):
            q = self.questions[j]
            if q.key in answers and intake.applies(q, answers) and self._prompts(q, answers):
                return j
        return None

    def _of(self, key: str) -> str:
        """The catalogue key of a review's words for this form (review.title_ssr; the incident's own)."""
        return key if self.form == "incident" else f"{key}_{self.form}"

    def review(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Show every answer; let the agent change any before saving. Returns the final answers."""
        while True:
            self.walk(answers)
            self.show(answers)
            action = select(
                t("review.what_now"), [(t(self._of("review.save")), "save"), (t("review.change"), "change")]
            )
            if action == "save":
                return {k: v for k, v in answers.items() if v is not None and self._kept(k, answers)}
            asked = self._reviewed(answers)
            try:
                key = select(t("review.which"), [(f"{q.text(self.lang)}: {self._shown(q, answers)[:40]}", q.key)
                                                 for q in asked], back=True)  # fmt: skip
                question = next(
                    x for x in asked if x.key == key
                )  # the one that applies (a key two categories share)
                if question.kind == "contacts":
                    self._edit_contacts(question, answers)
                    continue
                if question.kind == "datetimes":  # given again whole (a wrong time is left out)
                    answers[key] = self.ask(question, {k: v for k, v in answers.items() if k != key})
                else:
                    answers[key] = self.ask(question, answers)
            except GoBack:  # back to the review, the answer as it was
                continue
            if question.kind == "country":  # its zones may not be the old one's: asked again
                answers.pop("timezone", None)
            self.on_answer(answers)

    def _edit_contacts(self, q: Question, answers: dict[str, Any]) -> None:
        """The review's change of a contact list: add one, change one, remove one, or back to
        the review; each change saved in the draft at once."""
        region = self.ctx.region(answers)
        while True:
            current: list[dict[str, str]] = list(answers.get(q.key) or [])
            choices: list[tuple[str, Any]] = [(t("review.contact_add"), ("add", 0))]
            shown = [(n, answer_text(c)) for n, c in enumerate(current, start=1)]
            choices += [(t("review.contact_change", n=n, who=who), ("change", n)) for n, who in shown]
            choices += [(t("review.contact_remove", n=n, who=who), ("remove", n)) for n, who in shown]
            choices.append((t("review.back"), ("back", 0)))
            action, n = select(t("review.contact_what", question=q.text(self.lang)), choices, back=True)
            if action == "back":
                return
            try:
                if action == "add":
                    added = self._contact(q, region, len(current) + 1, {}, required=True, back=True)
                    current += [added] if added else []
                elif action == "change":
                    changed = self._contact(q, region, n, current[n - 1], required=True, back=True)
                    current[n - 1] = changed or current[n - 1]
                elif q.required and len(current) == 1:
                    console().print(text(t("review.contact_last"), "yellow"))
                    continue
                else:
                    del current[n - 1]
            except GoBack:  # this contact left as it was
                continue
            answers[q.key] = current or SKIPPED
            self.on_answer(answers)

    def _applies(self, key: str, answers: dict[str, Any]) -> bool:
        same = [x for x in self.questions if x.key == key]  # two categories may ask the same field (device)
        return not same or any(intake.applies(x, answers) for x in same)

    def _kept(self, key: str, answers: dict[str, Any]) -> bool:
        return key in self.given or self._applies(key, answers)

    def _reviewed(self, answers: dict[str, Any]) -> list[Question]:
        """The questions the review shows: those answered that apply, and those given by flag or
        file (kept whether they apply or not), each key once."""
        out: dict[str, Question] = {}
        for q in self.questions:
            if q.key in answers and q.key not in out and (intake.applies(q, answers) or q.key in self.given):
                out[q.key] = q
        return list(out.values())

    def _shown(self, q: Question, answers: dict[str, Any]) -> str:
        return answer_text(
            answers[q.key],
            q,
            self.lang,
            zone=self.ctx.tz_name(answers),
            countries=self.ctx.countries,
            home=self.home,
        )

    def show(self, answers: dict[str, Any]) -> None:
        from rich.cells import cell_len
        from rich.table import Table

        from sdcli.folding import glued, kept

        rows = [(q.text(self.lang), self._shown(q, answers)) for q in self._reviewed(answers)]
        width = console().width
        # the questions take up to half the width, less where an answer's longest word (an
        # address) needs more; the answers the rest, each folded between words, never inside a
        # phone number (the table's own wrap split "+55 81" from "99876-5432", and addresses)
        word = max((cell_len(w) for _, shown in rows for w in (glued(shown) or shown).split()), default=0)
        ask = min(max((cell_len(label) for label, _ in rows), default=0), max(20, (width - 7) // 2))
        ask = max(16, min(ask, width - 7 - word))
        table = Table(title=t(self._of("review.title")), title_justify="left", show_header=False)
        table.add_column("question", style="bold", max_width=ask)
        table.add_column("answer", overflow="fold")
        for label, shown in rows:
            table.add_row(text(label), text(kept(shown, width - 7 - ask)))
        console().print(table)


def pick_draft(titles: list[tuple[str, str]], lang: str, home: Path | None) -> str:
    return select(t("prompt.which_draft"), [(title, value) for value, title in titles])  # type: ignore[no-any-return]


def _fit(cities: str, zone: str) -> str:
    """A zone's choice on one line of the terminal: its first cities (up to where they fit, then
    "…"), then the zone and its offset, which a line cut at the edge hid (São Paulo's ten cities)."""
    room = columns() - 4 - len(zone) - 1  # " » " before, " " between
    if len(cities) <= room:
        return f"{cities} {zone}"
    shown = ""
    for city in cities.split(", "):
        more = f"{shown}, {city}" if shown else city
        if len(more) + 3 > room:  # ", …"
            break
        shown = more
    return f"{shown or cities[: max(room - 2, 1)]}, … {zone}"
