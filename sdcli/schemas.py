"""The shapes of the desk's data files: what each file under sdcli/data/ (and its copy in the home)
must hold, checked by sdcli.config's loader. No CLI imports.

A file that is added or changed needs its shape here (a test pins the set of data files).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sdcli.i18n import Message
from sdcli.schemas_texts import catalogue, reference
from sdcli.shapes import (
    Bool,
    Check,
    Ctx,
    Int,
    ListOf,
    Number,
    OneOf,
    Shape,
    ShapeError,
    Table,
    Text,
    W,
    key_path,
    map_of,
)
from sdcli.shapes import R as Reason

#: data files that may be absent everywhere (then they are empty)
OPTIONAL = frozenset({"contracts", "config"})
#: the shape every --mapping file and preset has
MAPPING = "mapping"


def _langs() -> Table:
    from sdcli.intake import LANGS

    return Table({lang: Text() for lang in LANGS}, min=1, what=W("langs_table"))


def _template(names: tuple[str, ...]) -> Check:
    """A text with {placeholders}: only those named may appear (a typo would fail at send time)."""

    def test(value: str) -> Message | None:
        import string

        try:
            parts = list(string.Formatter().parse(value))
        except ValueError as e:
            return Reason("bad_template", reason=str(e))
        for _literal, name, spec, _conv in parts:
            if name is None:
                continue
            if name not in names or "{" in (spec or ""):
                return Reason("not_placeholder", name=name, names=", ".join(names))
        return None

    return Check(Text(), test)


def _texts(*required: str, names: tuple[str, ...] = ()) -> Table:
    from sdcli.intake import LANGS

    shape: Shape = _template(names) if names else Text()
    return Table({lang: shape for lang in LANGS}, required=required)


def _digits() -> Check:
    return Check(Text(), lambda k: None if k.isdigit() and len(k) < 4 else Reason("severity_number"),
                 what=W("severity_number"))  # fmt: skip


def _zone() -> Check:
    def test(name: str) -> Message | None:
        from sdcli import clock
        from sdcli.errors import InvalidValue

        try:
            clock.get_tz(name)
        except InvalidValue as e:
            return Reason("named", name=repr(name), reason=e.reason)
        return None

    return Check(Text(limit=100), test)


def _hours() -> Check:
    from sdcli import validate

    return Check(Text(limit=500), lambda v: None if validate.parse_hours(v) else Reason("hours_like"))  # fmt: skip


class _Phone(Shape):
    """A phone number written +CC... (an escalation contact's), kept as written; when
    validate.phone takes it, its E.164 form goes to ctx.normals["phone"] (a cached copy of the
    file then vouches for it). One it refuses is left to the escalation rules, which name the
    level and the contact."""

    what = W("phone")

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        from sdcli import validate
        from sdcli.errors import InvalidValue

        out = Text(limit=40).fit(value, path, ctx)
        try:
            ctx.normals.setdefault("phone", {})[out.strip()] = validate.phone("phone", out)
        except InvalidValue:
            pass
        return out


def _unique(key: str) -> Callable[[list[Any]], Message | None]:
    def test(items: list[Any]) -> Message | None:
        seen: set[Any] = set()
        for item in items:
            if item[key] in seen:
                return Reason("twice", key=key, value=repr(item[key]))
            seen.add(item[key])
        return None

    return test


_ANSWER = OneOf((Text(empty=True), Bool(), Int()), what=W("answer"))
_SCALAR = OneOf((Text(empty=True), Bool(), Int(), Number()), what=W("answer"))


def _email_labels() -> Table:
    """Other spellings a message may use, per language (e-mail intake: mail/labels.py)."""
    from sdcli.i18n import LANGS

    return Table({lang: ListOf(Text(limit=300)) for lang in LANGS}, what=W("label_lists"))


def _questionnaire() -> Shape:
    from sdcli.intake import LANGS, QUESTION_KINDS

    choice = Table({"value": Text(), **{lang: Text() for lang in LANGS}, "email_labels": _email_labels()},
                   required=["value"])  # fmt: skip
    question = Table(
        {"key": Text(limit=100), "kind": Text(choices=QUESTION_KINDS), "label": _langs(), "flag": Text(limit=100),
         "flag_no": Text(limit=100), "required": Bool(), "when": map_of(ListOf(_ANSWER, min=1)),
         "required_when": map_of(ListOf(_ANSWER, min=1)), "choices": ListOf(choice, min=1), "email_labels": _email_labels()},
        required=["key", "kind", "label"],
    )  # fmt: skip
    return Table({"question": Check(ListOf(question, min=1), _unique("key"))}, required=["question"])


def _incident() -> Shape:
    """incident.toml: each stored field's kind, a kind sdcli/kinds.py validates."""
    from sdcli.kinds import QUESTION_KINDS, VALIDATORS

    kinds = tuple(k for k in VALIDATORS if k not in QUESTION_KINDS or k == "text")
    return Table({"field": map_of(Text(choices=kinds), min=1)}, required=["field"])


def _severity() -> Shape:
    level = Table(
        {"level": Int(1, 9), "target_hours": Number(0.01, 100_000), "clock": Text(choices=("24x7", "business")),
         "name": _langs(), "qualifies": _langs()},
        required=["level", "target_hours"],
    )  # fmt: skip
    scale = ("high", "medium", "low")
    row = Table({u: Int(1, 9) for u in scale}, required=scale)
    return Table(
        {"business_hours": _hours(), "level": Check(ListOf(level, min=1), _unique("level")),
         "matrix": Table({i: row for i in scale}, required=scale)},
        required=["level", "matrix"],
    )  # fmt: skip


def _classification() -> Shape:
    rule = Table({"severity": Int(1, 9), "when": map_of(ListOf(_ANSWER, min=1)), "reason": _langs()},
                 required=["severity"])  # fmt: skip
    return Table({"rule": ListOf(rule, min=1)}, required=["rule"])


def _escalation() -> Shape:
    contact = Table(
        {"name": Text(limit=200), "role": OneOf((Text(empty=True, limit=200), _langs()), what=W("text_or_langs")), "phone": _Phone(),
         "email": Text(limit=320), "hours": Text(limit=500), "tz": Text(limit=100),
         "channels": ListOf(Text(limit=40)), "team": Text(limit=200)},
        required=["name"],
    )  # fmt: skip
    level = Table(
        {"level": Int(1, 99), "name": _localized(200), "after": map_of(Int(0, 10_000_000), keys=_digits()),
         "contacts": ListOf(contact, min=1)},
        required=["contacts"],
    )  # fmt: skip
    return Table({"max_failed_attempts": Int(1, 100), "level": ListOf(level, min=1)}, required=["level"])


def _workflow() -> Shape:
    action = Table(
        {"from": ListOf(Text(limit=100), min=1), "to": Text(limit=100), "label": _localized(200),
         "rule": _localized(500)},
        required=["from", "to"],
    )  # fmt: skip
    from sdcli.states import CLOCKS

    state = Table({"clock": Text(choices=CLOCKS), "escalable": Bool()})

    def described(flow: dict[str, Any], path: str) -> None:
        """A state's properties name a state the flow reaches; a finished state's clock is stopped."""
        reached = [flow["initial"], *(a["to"] for a in flow["actions"].values())]
        for name, props in (flow.get("states") or {}).items():
            where = key_path(key_path(path, "states"), name)
            if name not in reached:
                raise ShapeError(where, Reason("unreached_state", states=", ".join(dict.fromkeys(reached))))
            if name in flow["finished"] and props.get("clock", "stopped") != "stopped":
                raise ShapeError(key_path(where, "clock"), Reason("finished_clock"))

    flow = Table(
        {"initial": Text(limit=100), "finished": ListOf(Text(limit=100)), "actions": map_of(action, min=1),
         "states": map_of(state)},
        required=["initial", "finished", "actions"], then=described,
    )  # fmt: skip
    kinds = ("incident", "ssr", "change")
    return Table({k: flow for k in kinds}, required=kinds)


def _form() -> Shape:
    """An interactive form's [[question]] (ssr.toml, change.toml): labels are catalogue keys."""
    from sdcli.questionnaire import FORM_KINDS

    question = Table(
        {"key": Text(limit=100), "kind": Text(choices=FORM_KINDS), "label": Text(limit=100), "required": Bool(), "of": Text(limit=100),
         "when": map_of(ListOf(_ANSWER, min=1)), "choices": ListOf(Table({"value": Text()}, required=["value"]))},
        required=["key", "kind", "label"],
    )  # fmt: skip
    return Check(ListOf(question, min=1), _unique("key"))


def _ssr() -> Shape:
    from sdcli.ssr import COMMON

    detail = Table({"key": Text(limit=100), "kind": Text(choices=("text", "ip")), "email_labels": _email_labels()},
                   required=["key"])  # fmt: skip
    category = Table(
        {"value": Text(limit=100), "label": _texts("en"), "fields": Check(ListOf(detail), _unique("key")),
         "price": Table({"amount": Number(0, 1e9), "currency": Text(limit=10)}, required=["amount", "currency"])},
        required=["value", "label", "fields", "price"],
    )  # fmt: skip
    return Table(
        {"notice_hours_over_business_days": Number(0, 10_000), "weekend_notice_days": Number(0, 365),
         "notice_business_hours": Number(0, 10_000),  # the old name: ssr.py refuses it, naming the new one
         "category": Check(ListOf(category, min=1), _unique("value")),
         "confirmation": _texts("en", names=("id", "category", "start", "price")), "question": _form(),
         "email_labels": Table({k: _email_labels() for k in COMMON})},
        required=["category", "confirmation"],
    )  # fmt: skip


def _change() -> Shape:
    from sdcli.intake import LANGS

    kind = Table({"value": Text(limit=100), **{lang: Text() for lang in LANGS}}, required=["value"])
    return Table(
        {"type": Check(ListOf(kind, min=1), _unique("value")), "question": _form()}, required=["type"]
    )


def _countries() -> Shape:
    code = Check(Text(limit=2), lambda k: None if len(k) == 2 and k.isascii() and k.isupper() else Reason("country_code"),
                 what=W("country_code"))  # fmt: skip
    stands_for = Table({"tz": _zone(), "city": Text(limit=200)}, required=["tz", "city"])  # the same clock
    zone = Table({"tz": _zone(), "cities": Text(limit=500), "offered": Bool(), "also": ListOf(stands_for, min=1)},
                 required=["tz", "cities"])  # fmt: skip

    def one_way(country: dict[str, Any], path: str) -> None:
        if ("tz" in country) == ("zones" in country):
            raise ShapeError(path, Reason("tz_or_zones"))
        entries = country.get("zones", [])
        if entries and sum(1 for z in entries if z.get("offered", True)) < 2:
            raise ShapeError(key_path(path, "zones"), Reason("two_zones"))
        seen: set[str] = set()
        for z in [t for e in entries for t in [e["tz"], *(a["tz"] for a in e.get("also", []))]]:
            if z in seen:
                raise ShapeError(key_path(path, "zones"), Reason("tz_twice", tz=repr(z)))
            seen.add(z)

    country = Table(
        {"name": Text(limit=200), "tz": _zone(), "cities": Text(limit=500), "zones": ListOf(zone, min=2)},
        then=one_way,
    )  # fmt: skip

    def moved(data: dict[str, Any], path: str) -> None:
        if "default_country" in data:
            raise ShapeError("default_country", Reason("country_moved"))

    lang = Text(choices=("es", "en", "pt"))
    languages = map_of(ListOf(code), keys=lang)  # the language a country's customers read
    exonyms = map_of(map_of(Text(limit=200), keys=lang), keys=Text(limit=200))  # a city's name per language
    return Table(
        {"default_country": Text(limit=2), "countries": map_of(country, keys=code, min=1), "languages": languages,
         "exonyms": exonyms},
        required=["countries"], then=moved,
    )  # fmt: skip


def _currencies() -> Shape:
    """currencies.toml: ISO 4217 codes and names, the words agents write for them, the currency
    of each country and the minor units that are not 2; every word, country and unit names a
    listed code."""
    code = Check(Text(limit=3), lambda k: None if len(k) == 3 and k.isascii() and k.isalpha() and k.isupper()
                 else Reason("currency_code"), what=W("currency_code"))  # fmt: skip
    country = Check(Text(limit=2), lambda k: None if len(k) == 2 and k.isascii() and k.isupper() else Reason("country_code"),
                    what=W("country_code"))  # fmt: skip

    def listed(data: dict[str, Any], path: str) -> None:
        for part in ("words", "countries"):
            for key, value in (data.get(part) or {}).items():
                for c in [value] if isinstance(value, str) else value:
                    if c not in data["codes"]:
                        raise ShapeError(key_path(key_path(path, part), key), Reason("not_a_code", code=c))
        for key in data.get("minor_units") or {}:
            if key not in data["codes"]:
                raise ShapeError(key_path(key_path(path, "minor_units"), key), Reason("not_a_code", code=key))

    return Table(
        {"codes": map_of(Text(limit=200), keys=code, min=1),
         "words": map_of(OneOf((code, ListOf(code, min=2)), what=W("code_or_codes")), keys=Text(limit=20)),
         "countries": map_of(code, keys=country), "minor_units": map_of(Int(0, 4), keys=code)},
        required=["codes"], then=listed,
    )  # fmt: skip


def _localized(limit: int = 500) -> OneOf:
    """A text of the desk's data: one text, or a table of texts per language (es, en, pt)."""
    return OneOf((Text(limit=limit), _langs()), what=W("text_or_langs"))


def _contracts() -> Shape:
    contract = Table(
        {"customer": Text(limit=200), "service_type": Text(limit=100),
         "targets": map_of(Number(0.01, 100_000), keys=_digits()),
         "clock": map_of(Text(choices=("24x7", "business")), keys=_digits())},
    )  # fmt: skip
    price = Table({"customer": Text(limit=200), "category": Text(limit=100), "amount": Number(0, 1e9),
                   "currency": Text(limit=10)}, required=["customer", "category", "amount"])  # fmt: skip
    return Table({"contract": ListOf(contract), "ssr_price": ListOf(price)})


def _settings() -> Shape:
    """A config file (the user's, or the desk's config.toml in the home): flat settings; their
    values are checked by config.setting_value (a country the desk knows, a real zone...)."""
    from sdcli.config import SETTINGS
    from sdcli.mail.settings import PASSWORD_KEYS

    value = OneOf((Text(limit=1000), Bool(), Int()), what=W("setting_value"))
    never = Check(OneOf((Text(empty=True), Bool(), Int())), lambda _v: _NO_PASSWORD)
    return Table({**{name: value for name in SETTINGS}, **{k: never for k in sorted(PASSWORD_KEYS)}})


_NO_PASSWORD = Reason("no_password")


def _mapping() -> Shape:
    return Table(
        {"kind": Text(limit=40), "key": Text(limit=100), "on_conflict": Text(choices=("skip", "update", "fail")),
         "dayfirst": Bool(), "not_required": ListOf(Text(limit=100)), "missing": ListOf(Text(empty=True, limit=100)),
         "defaults": map_of(_SCALAR), "fields": map_of(Text(limit=1000)),
         "values": map_of(map_of(_SCALAR)),
         "order": OneOf((Text(limit=1000), ListOf(Text(limit=1000))), what=W("column_or_columns"))},
    )  # fmt: skip


SCHEMAS: dict[str, Callable[[], Shape]] = {
    "questionnaire": _questionnaire, "incident": _incident, "severity": _severity, "classification": _classification,
    "escalation": _escalation, "workflow": _workflow, "ssr": _ssr, "change": _change,
    "countries": _countries, "currencies": _currencies, "contracts": _contracts, "config": _settings, MAPPING: _mapping,
    **{f"messages-{lang}": catalogue(lang) for lang in ("es", "en", "pt")}, "help-es": reference, "help-pt": reference,
}  # fmt: skip


@cache
def schema(name: str) -> Shape:
    """The shape of data file `name` (preset-* files are mappings)."""
    return SCHEMAS[MAPPING if name.startswith("preset-") else name]()


def known(name: str) -> bool:
    return name in SCHEMAS or name.startswith("preset-")
