"""The intake questionnaire as data: its questions (keys, kinds, labels in es/en/pt, flags,
conditions), loaded and checked once. No CLI imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sdcli.errors import ConfigError, InvalidValue
from sdcli.home import load_data
from sdcli.i18n import Localized

#: the kinds a question may have (sdcli.kinds validates them, and the kinds of stored fields besides);
#: here, so that reading the questionnaire loads no validator (open's first prompt needs none)
QUESTION_KINDS = ("text", "choice", "yesno", "contacts", "ip", "phone", "datetimes", "country", "zone", "hours",
                  "contact", "datetime")  # fmt: skip
#: kinds only a form beside the questionnaire uses: `details` stands for the fields of the chosen
#: category (one question each, asked when that category is chosen)
FORM_KINDS = (*QUESTION_KINDS, "details")


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    label: dict[str, str] | str
    flag: str
    flag_no: str | None = None
    required: bool = False
    when: dict[str, list[Any]] = field(default_factory=dict)
    #: required (where it applies) only if every named earlier answer is one of the listed values
    required_when: dict[str, list[Any]] = field(default_factory=dict)
    choices: list[dict[str, Any]] = field(default_factory=list)
    #: other spellings of the label an e-mail may use, per language (mail/labels.py)
    email_labels: dict[str, list[str]] = field(default_factory=dict)

    def required_for(self, answers: dict[str, Any]) -> bool:
        """Whether it must be answered, given the earlier answers (`required`, or `required_when`'s
        conditions holding), where it applies."""
        return applies(self, answers) and (
            self.required or bool(self.required_when) and _holds(self.required_when.items(), answers)
        )

    def text(self, lang: str | None = None) -> str:
        if isinstance(self.label, str):  # a form's label: a key of the message catalogue
            from sdcli.i18n import Message

            field = self.key.rpartition(".")[2]
            asked = Message(self.label, field=field).render(lang)
            if asked == field:  # a field's English name is its key: "circuit_id" asked as "Circuit id"
                asked = field.replace("_", " ")
            return asked[:1].upper() + asked[1:]  # a category's field asked by its name ("id del circuito")
        return Localized(self.label).render(lang) or self.key

    def choice_label(self, value: Any, lang: str | None = None) -> str:
        for c in self.choices:
            if c["value"] == value:
                texts = {k: v for k, v in c.items() if k not in ("value", "email_labels")}
                return Localized(texts).render(lang) or c["value"]
        return str(value)

    @cached_property
    def index(self) -> dict[str, str]:
        from sdcli import validate

        return validate.choice_index(self.choices)

    @property
    def flags(self) -> str:
        if self.kind == "yesno":
            return f"--{self.flag}/--{self.flag_no}"
        return f"--{self.flag}"

    @property
    def flag_unknown(self) -> str:
        """The flag that answers a yes/no question "don't know" (--power-unknown)."""
        return f"{self.flag}-unknown"


def load_questionnaire(home: Path | None = None) -> list[Question]:
    data = load_data("questionnaire", home)
    out: list[Question] = []
    seen: set[str] = set()
    for raw in data.get("question", []):
        try:
            q = Question(
                key=raw["key"], kind=raw["kind"], label=dict(raw["label"]), flag=raw.get("flag", raw["key"].replace("_", "-")),
                flag_no=raw.get("flag_no"), required=bool(raw.get("required", False)),
                when={k: list(v) for k, v in raw.get("when", {}).items()}, choices=list(raw.get("choices", [])),
                required_when={k: list(v) for k, v in raw.get("required_when", {}).items()},
                email_labels={k: list(v) for k, v in raw.get("email_labels", {}).items()},
            )  # fmt: skip
        except KeyError as e:
            raise ConfigError("error.questionnaire_lacks", what=str(e)) from None
        if q.kind not in QUESTION_KINDS:
            raise ConfigError("error.questionnaire_kind", key=q.key, kind=q.kind)
        if q.kind == "yesno" and not q.flag_no:
            raise ConfigError("error.questionnaire_flag_no", key=q.key)
        if q.kind == "choice" and not q.choices:
            raise ConfigError("error.questionnaire_choices", key=q.key)
        for dep in (*q.when, *q.required_when):
            if dep not in seen:
                raise ConfigError("error.questionnaire_order", key=q.key, dep=dep)
        seen.add(q.key)
        out.append(q)
    return out


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: what Step.answer gives for a required answer a run leaves out
MISSING: Any = _Missing()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def blank(value: Any) -> bool:
    """Whether value gives no answer: none, empty, or only spaces."""
    return _empty(value) or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True, eq=False)
class Step:
    """One question of a questionnaire, compiled: the rules of its answer, in ONE place for every
    way an incident comes in (`sdcli open` asking, flags, --from-file and import's columns).

    Its conditions decide when it is asked (`when`) and required (`required`, `required_when`),
    never whether an answer given is kept: an answer to a question that does not apply is
    validated by its kind and stored like any other (`sdcli open --no-contingency
    --contingency-fails` keeps both).

    `place` is what places an answer: the earlier answers (their country and zone), or, in an
    import, the row's country and zone."""

    question: Question
    key: str
    kind: str
    when: tuple[tuple[str, tuple[Any, ...]], ...]
    required: bool
    required_when: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    @property
    def deps(self) -> tuple[str, ...]:
        """The earlier answers its conditions (when it applies, when it is required) name."""
        return tuple(dict.fromkeys(dep for dep, _allowed in (*self.when, *self.required_when)))

    @property
    def conditional(self) -> bool:
        return bool(self.when or self.required_when)

    @property
    def may_be_required(self) -> bool:
        """Whether some earlier answers make it required."""
        return self.required or bool(self.required_when)

    def applies(self, answers: dict[str, Any]) -> bool:
        """Whether it is asked, given the earlier answers its conditions name."""
        return _holds(self.when, answers)

    def requires(self, answers: dict[str, Any]) -> bool:
        """Whether it must be answered, given the earlier answers (Question.required_for)."""
        return _holds(self.when, answers) and (
            self.required or bool(self.required_when) and _holds(self.required_when, answers)
        )

    def answer(self, value: Any, place: dict[str, Any], ctx: Any, required: bool | None = None) -> Any:
        """The stored answer of value (None: an optional answer left out, or the zone of a site
        with no country yet), or MISSING (`required`: whether it must be answered, by default
        whether it always must). A left-out country is the run's (--country, the directory's, the
        configured); a left-out zone what the site's place gives (--tz, the directory's, the
        country's only zone). Raises InvalidValue."""
        if _empty(value):
            if self.kind == "country":
                value = ctx.region(place)
            elif self.kind == "zone":
                if not ctx.region(place):
                    return None  # no country: named as such, not as a missing zone
                value = ctx.tz_name(place)
            if _empty(value):
                return MISSING if (self.required if required is None else required) else None
        if (
            required and not self.required and blank(value)
        ):  # required here: refused as the always-required are
            raise InvalidValue(self.key, value, "invalid.required")
        from sdcli import kinds  # deferred: the validators, loaded by the first answer checked

        return kinds.check_answer(self.question, value, place, ctx)


def _holds(conditions: Any, answers: dict[str, Any]) -> bool:
    """Whether every named earlier answer is one of its listed values ((key, values) pairs)."""
    return all(answers.get(dep) in allowed for dep, allowed in conditions)


_COMPILED: dict[int, Any] = {}  # id(questionnaire) -> (questionnaire, its steps, keys)


def compiled(questions: list[Question]) -> tuple[Step, ...]:
    """The questionnaire's steps, built once per questionnaire."""
    entry = _COMPILED.get(id(questions))
    if entry is None or entry[0] is not questions:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        steps = tuple(
            Step(
                q,
                q.key,
                q.kind,
                tuple((d, tuple(v)) for d, v in q.when.items()),
                q.required,
                tuple((d, tuple(v)) for d, v in q.required_when.items()),
            )
            for q in questions
        )
        keys = frozenset(q.key for q in questions)
        entry = _COMPILED[id(questions)] = (questions, steps, keys)  # the list is kept: its id is not reused
    return entry[1]


def _keys(questions: list[Question]) -> frozenset[str]:
    compiled(questions)
    return _COMPILED[id(questions)][2]


def applies(q: Question, answers: dict[str, Any]) -> bool:
    """Whether q is asked, given the earlier answers (a condition never drops an answer given)."""
    return _holds(q.when.items(), answers)


def load_form(name: str, home: Path | None = None) -> list[Question]:
    """The interactive form of an SSR or a change request (`[[question]]` of ssr.toml or
    change.toml), in the order it is asked. A `choice` without choices takes the file's
    categories (or types); `details` becomes one question per field of each category, keyed
    ``details.<field>`` and asked when that category is chosen."""
    data = load_data(name, home)
    pool = data.get("category") or data.get("type") or []
    out: list[Question] = []
    for raw in data.get("question", []):
        base = {"key": raw["key"], "kind": raw["kind"], "label": raw["label"], "flag": raw["key"].replace("_", "-"),
                "required": bool(raw.get("required", True)), "when": {k: list(v) for k, v in raw.get("when", {}).items()}}  # fmt: skip
        if raw["kind"] == "details":
            for cat in pool:
                for f in cat.get("fields", []):
                    out.append(Question(**{**base, "key": f"details.{f['key']}", "kind": f.get("kind", "text"),
                                           "when": {**base["when"], raw.get("of", "category"): [cat["value"]]}}))  # fmt: skip
            continue
        choices = list(raw.get("choices", []))
        if raw["kind"] == "choice" and not choices:
            choices = [{"value": c["value"], **(c["label"] if isinstance(c.get("label"), dict) else
                        {k: v for k, v in c.items() if k != "value"})} for c in pool]  # fmt: skip
        out.append(Question(**base, choices=choices))
    return out
