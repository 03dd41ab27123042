"""The desk's data files, loaded once through one typed, validated loader. No CLI imports.

Every file under sdcli/data/ (and its copy in the home, which replaces it), the home's
contracts.toml and an import's --mapping file is parsed and checked against its shape here:
a value of the wrong type, a required key missing or a key nothing reads (a typo) is a
ConfigError naming the file and the key path, e.g.
``/home/x/escalation.toml: level[2].contacts[0].phone: expected text, got 12``.
The rules of the domain (no sales contact, thresholds in order...) stay with the domain.

Files in the home are refused when the home or the file is writable by group or others:
another user could otherwise plant an escalation table and redirect escalation calls.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sdcli.errors import ConfigError
from sdcli.shapes import (
    Bool,
    Check,
    Int,
    ListOf,
    Number,
    OneOf,
    Shape,
    ShapeError,
    Table,
    Text,
    check,
    map_of,
)

#: data files that may be absent everywhere (then they are empty)
OPTIONAL = frozenset({"contracts", "mail"})
#: the shape every --mapping file and preset has
MAPPING = "mapping"


# --------------------------------------------------------------------------- shapes


def _langs() -> Table:
    from sdcli.intake import LANGS

    return Table({lang: Text() for lang in LANGS}, min=1, what="a table of texts per language (es, en, pt)")


def _template(names: tuple[str, ...]) -> Check:
    """A text with {placeholders}: only those named may appear (a typo would fail at send time)."""

    def test(value: str) -> str | None:
        import string

        try:
            parts = list(string.Formatter().parse(value))
        except ValueError as e:
            return f"is not a valid text with {{placeholders}} ({e})"
        for _literal, name, spec, _conv in parts:
            if name is None:
                continue
            if name not in names or "{" in (spec or ""):
                return f"{{{name}}} is not a placeholder it may use (use: {', '.join(names)})"
        return None

    return Check(Text(), test)


def _texts(*required: str, names: tuple[str, ...] = ()) -> Table:
    from sdcli.intake import LANGS

    shape: Shape = _template(names) if names else Text()
    return Table({lang: shape for lang in LANGS}, required=required)


def _digits() -> Check:
    return Check(Text(), lambda k: None if k.isdigit() and len(k) < 4 else "expected a severity number (\"1\")",
                 what="a severity number")  # fmt: skip


def _zone() -> Check:
    def test(name: str) -> str | None:
        from sdcli import clock
        from sdcli.errors import InvalidValue

        try:
            clock.get_tz(name)
        except InvalidValue as e:
            return f"{name!r}: {e.reason}"
        return None

    return Check(Text(limit=100), test)


def _hours() -> Check:
    from sdcli import validate

    return Check(Text(limit=500), lambda v: None if validate.parse_hours(v) else "expected hours like 24x7 or Mon-Fri 08:00-18:00")  # fmt: skip


def _unique(key: str) -> Callable[[list[Any]], str | None]:
    def test(items: list[Any]) -> str | None:
        seen: set[Any] = set()
        for item in items:
            if item[key] in seen:
                return f"{key} {item[key]!r} appears twice"
            seen.add(item[key])
        return None

    return test


_ANSWER = OneOf((Text(empty=True), Bool(), Int()), what="text, true/false or a number")
_SCALAR = OneOf((Text(empty=True), Bool(), Int(), Number()), what="text, true/false or a number")


def _email_labels() -> Table:
    """Other spellings a message may use, per language (e-mail intake: mail/labels.py)."""
    from sdcli.intake import LANGS

    return Table(
        {lang: ListOf(Text(limit=300)) for lang in LANGS}, what="a table of label lists per language"
    )


def _questionnaire() -> Shape:
    from sdcli.intake import KINDS, LANGS

    choice = Table({"value": Text(), **{lang: Text() for lang in LANGS}, "email_labels": _email_labels()},
                   required=["value"])  # fmt: skip
    question = Table(
        {"key": Text(limit=100), "kind": Text(choices=KINDS), "label": _langs(), "flag": Text(limit=100),
         "flag_no": Text(limit=100), "required": Bool(), "when": map_of(ListOf(_ANSWER, min=1)),
         "choices": ListOf(choice, min=1), "email_labels": _email_labels()},
        required=["key", "kind", "label"],
    )  # fmt: skip
    return Table({"question": Check(ListOf(question, min=1), _unique("key"))}, required=["question"])


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
        {"name": Text(limit=200), "role": Text(empty=True, limit=200), "phone": Text(limit=40),
         "email": Text(limit=320), "hours": Text(limit=500), "tz": Text(limit=100),
         "channels": ListOf(Text(limit=40)), "team": Text(limit=200)},
        required=["name"],
    )  # fmt: skip
    level = Table(
        {"level": Int(1, 99), "name": Text(limit=200), "after": map_of(Int(0, 10_000_000), keys=_digits()),
         "contacts": ListOf(contact, min=1)},
        required=["contacts"],
    )  # fmt: skip
    return Table({"max_failed_attempts": Int(1, 100), "level": ListOf(level, min=1)}, required=["level"])


def _workflow() -> Shape:
    action = Table(
        {"from": ListOf(Text(limit=100), min=1), "to": Text(limit=100), "label": Text(limit=200),
         "rule": Text(limit=500)},
        required=["from", "to"],
    )  # fmt: skip
    flow = Table(
        {"initial": Text(limit=100), "finished": ListOf(Text(limit=100)), "actions": map_of(action, min=1)},
        required=["initial", "finished", "actions"],
    )  # fmt: skip
    kinds = ("incident", "ssr", "change")
    return Table({k: flow for k in kinds}, required=kinds)


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
         "confirmation": _texts("en", names=("id", "category", "start", "price")),
         "email_labels": Table({k: _email_labels() for k in COMMON})},
        required=["category", "confirmation"],
    )  # fmt: skip


def _change() -> Shape:
    from sdcli.intake import LANGS

    kind = Table({"value": Text(limit=100), **{lang: Text() for lang in LANGS}}, required=["value"])
    return Table({"type": Check(ListOf(kind, min=1), _unique("value"))}, required=["type"])


def _countries() -> Shape:
    code = Check(Text(limit=2), lambda k: None if len(k) == 2 and k.isascii() and k.isupper() else "expected a two-letter ISO code in capitals",
                 what="a country code")  # fmt: skip

    def default_known(data: dict[str, Any], path: str) -> None:
        if "default_country" in data and data["default_country"] not in data["countries"]:
            raise ShapeError("default_country", f"{data['default_country']!r} is not one of [countries]")

    return Table(
        {"default_country": Text(limit=2),
         "countries": map_of(Table({"name": Text(limit=200), "tz": _zone()}, required=["tz"]), keys=code, min=1)},
        required=["countries"], then=default_known,
    )  # fmt: skip


def _messages() -> Shape:
    ui = ("add_another", "name", "email", "phone", "another_time", "optional", "review", "save", "change",
          "what_now", "which", "yes", "no", "saved", "which_draft")  # fmt: skip
    from sdcli.mail.updates import ACTIONS, PLACEHOLDERS

    update = Table({a: _texts("en", names=PLACEHOLDERS) for a in ("subject", *ACTIONS)}, required=["subject"])
    reply = Table({"subject": _texts("en", names=("id",)), "signature": _texts("en")}, required=["subject"])
    return Table({"ack": _texts("en", names=("id", "opened")), "ui": Table({k: _langs() for k in ui}),
                  "update": update, "reply": reply},
                 required=["ack", "ui"])  # fmt: skip


_NO_PASSWORD = ("sdcli never reads a password from a file: remove it, and name the environment variable "
                "holding it with password_env, or set keyring = true")  # fmt: skip


def _mail() -> Shape:
    """<home>/mail.toml: the desk's addresses and its SMTP server. No password: sdcli reads it
    from the variable password_env names, or from the OS keyring (keyring = true)."""
    from sdcli.intake import LANGS

    smtp = Table(
        {"host": Text(limit=255), "port": Int(1, 65535), "security": Text(choices=("starttls", "tls", "none")),
         "user": Text(limit=320), "password_env": Text(limit=100), "keyring": Bool(), "timeout": Number(1, 600),
         "ca_file": Text(limit=4096), "password": Check(Text(empty=True), lambda _v: _NO_PASSWORD)},
        required=["host"],
    )  # fmt: skip
    desk = Table({"address": Text(limit=320), "ssr_address": Text(limit=320), "lang": Text(choices=LANGS),
                  "domain": Text(limit=255)}, required=["address"])  # fmt: skip
    return Table({"smtp": smtp, "desk": desk})


def _contracts() -> Shape:
    contract = Table(
        {"customer": Text(limit=200), "service_type": Text(limit=100),
         "targets": map_of(Number(0.01, 100_000), keys=_digits()),
         "clock": map_of(Text(choices=("24x7", "business")), keys=_digits())},
    )  # fmt: skip
    price = Table({"customer": Text(limit=200), "category": Text(limit=100), "amount": Number(0, 1e9),
                   "currency": Text(limit=10)}, required=["customer", "category", "amount"])  # fmt: skip
    return Table({"contract": ListOf(contract), "ssr_price": ListOf(price)})


def _mapping() -> Shape:
    return Table(
        {"kind": Text(limit=40), "key": Text(limit=100), "on_conflict": Text(choices=("skip", "update", "fail")),
         "dayfirst": Bool(), "not_required": ListOf(Text(limit=100)), "missing": ListOf(Text(empty=True, limit=100)),
         "defaults": map_of(_SCALAR), "fields": map_of(Text(limit=1000)),
         "values": map_of(map_of(_SCALAR))},
    )  # fmt: skip


SCHEMAS: dict[str, Callable[[], Shape]] = {
    "questionnaire": _questionnaire, "severity": _severity, "classification": _classification,
    "escalation": _escalation, "workflow": _workflow, "ssr": _ssr, "change": _change,
    "countries": _countries, "messages": _messages, "contracts": _contracts, "mail": _mail, MAPPING: _mapping,
}  # fmt: skip


@cache
def schema(name: str) -> Shape:
    """The shape of data file `name` (preset-* files are mappings)."""
    return SCHEMAS[MAPPING if name.startswith("preset-") else name]()


def known(name: str) -> bool:
    return name in SCHEMAS or name.startswith("preset-")


# --------------------------------------------------------------------------- loading


def parse(raw: bytes, path: Path | str, name: str) -> Any:
    """The validated data of a file's bytes (TOML, or JSON for a .json mapping)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: is not UTF-8 text (invalid byte at offset {e.start})") from None
    if str(path).endswith(".json"):
        from sdcli.inputs import parse_json

        try:
            data = parse_json(text)
        except ValueError as e:
            raise ConfigError(f"{path}: is not valid JSON ({str(e)[:200]})") from None
    else:
        try:
            data = tomllib.loads(text)
        except (ValueError, RecursionError) as e:  # TOMLDecodeError, an integer of 5,000 digits, [[[[...]]]]
            reason = "nested too deeply" if isinstance(e, RecursionError) else str(e)
            raise ConfigError(f"{path}: is not valid TOML ({reason[:200]})") from None
    try:
        return check(schema(name), data, table="an object" if str(path).endswith(".json") else "a table")
    except ShapeError as e:
        raise ConfigError(f"{path}: {e}") from None


def check_private(path: Path, what: str) -> os.stat_result | None:
    """Refuse a home, or a desk file in it, that group or others may write (they could plant
    a configuration). None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(
            f"{path}: the {what} is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o}), so another "
            f"user could change the desk's configuration; fix it with: chmod go-w {path}"
        )
    return st


_FILES: dict[tuple[str, str], tuple[bytes, Any]] = {}  # (name, path) -> (bytes, validated data)


def load_file(path: Path, name: str) -> Any:
    """The validated data of one file, parsed once per content (a changed file is read again)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    hit = _FILES.get((name, str(path)))
    if hit is not None and hit[0] == raw:
        return hit[1]
    data = parse(raw, path, name)
    if len(_FILES) > 256:
        _FILES.clear()
    _FILES[(name, str(path))] = (raw, data)
    return data


@cache
def packaged(name: str) -> Any:
    """A data file as sdcli ships it, validated."""
    source = resources.files("sdcli.data").joinpath(f"{name}.toml")
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        if name in OPTIONAL:
            return {}
        raise
    return parse(raw, str(source), name)


def load(name: str, home: Path | None = None) -> Any:
    """Desk data `name`: <home>/<name>.toml when the desk has one (it must be private), else the
    packaged one; validated either way."""
    if not known(name):
        raise ConfigError(f"no desk data file is called {name}.toml")
    if home is not None:
        override = Path(home) / f"{name}.toml"
        if check_private(Path(home), "home directory") is not None:
            st = check_private(override, "desk configuration file")
            if st is not None and stat.S_ISREG(st.st_mode):
                return load_file(override, name)
    return packaged(name)
