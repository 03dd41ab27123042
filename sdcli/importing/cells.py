"""An import's cells, column by column: each distinct value validated once, the marks of a
field a row does not give and of a failed cell, and a row's errors as `sdcli open` names them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sdcli import kinds
from sdcli.errors import InvalidValue
from sdcli.i18n import Message


@dataclass
class RowError:
    line: int
    field: str
    value: Any
    reason: Any  # a Message (or text): str() is English, render(lang) the session's

    def message(self) -> Message:
        shown = (
            self.value
            if isinstance(self.value, str)
            else json.dumps(self.value, ensure_ascii=False, default=str)
        )
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return Message(
            "import.row_error", line=self.line, field=self.field, value=repr(shown), reason=self.reason
        )

    def __str__(self) -> str:
        return str(self.message())

    def as_dict(self) -> dict[str, Any]:
        """As --json gives it: the reason in English (stable, language-free)."""
        return {"line": self.line, "field": self.field, "value": self.value, "reason": str(self.reason)}


class DayOrders(list):  # type: ignore[type-arg]
    """An import's notes. It shows no single date's reading, but keeps, per field, one value read
    in the only day order that makes it a date (12/13/2026) and one that reads either way
    (12/01/2026): both in one column, the file's day order is not known (see `mixed`). Its
    instants are `absolute`: a file does not say when it was written, so 'ayer 10:30' or 'hace 2
    horas' in it is refused (read against the import's run, it moved with the day of the import)."""

    absolute = True

    def __init__(self) -> None:
        super().__init__()
        self.only: dict[str, str] = {}
        self.either: dict[str, str] = {}

    def append(self, item: Any) -> None:
        key, params = getattr(item, "key", None), getattr(item, "params", {})
        if key == "note.read_other_order":
            self.only.setdefault(params["field"], params["text"])
        elif key == "note.read_as":
            self.either.setdefault(params["field"], params["text"])

    def mixed(self) -> tuple[str, str, str] | None:
        """(field, a value of one day order only, a value of either) of the first such column."""
        return next(((f, v, self.either[f]) for f, v in self.only.items() if f in self.either), None)


class _Absent:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


#: a field a row does not give (or a question that does not apply to it)
ABSENT: Any = _Absent()
NOT_ASKED: Any = type("_NotAsked", (_Absent,), {})()
_MEMO_SAFE = (str, type(None), _Absent, type(NOT_ASKED))


@dataclass(frozen=True)
class Fail:
    error: InvalidValue | None  # None: a required answer is missing


#: the export's column holding, as one JSON object, the stored fields without a column of their own
EXTRA = "extra"


def spread_extra(
    src: dict[str, list[Any]],
    column: list[Any] | None,
    fields: frozenset[str],
    own: frozenset[str],
    problems: dict[int, list[InvalidValue]],
) -> frozenset[str]:
    """The fields of each row's `extra` cell (a JSON object, as `sdcli export` writes it; a JSON
    row may give the object itself) put in their own columns of src, so that they are validated
    like any other cell of theirs; the keys it gave. A cell that is not a JSON object, a key that
    is no field (`fields`) or one that also has its own column (`own`) is the row's error."""
    from sdcli.inputs import parse_json

    given: set[str] = set()
    if column is None:
        return frozenset()
    for i, text in enumerate(column):
        if text is None or text == "":
            continue
        try:
            obj = parse_json(text) if isinstance(text, str) else text
        except ValueError as e:
            problems.setdefault(i, []).append(InvalidValue(EXTRA, text, "invalid.json", reason=str(e)))
            continue
        if not isinstance(obj, dict):
            problems.setdefault(i, []).append(InvalidValue(EXTRA, text, "invalid.object"))
            continue
        for k, v in obj.items():
            if k not in fields or k in own:
                why = "invalid.not_incident_field" if k not in fields else "invalid.extra_own_column"
                problems.setdefault(i, []).append(InvalidValue(EXTRA, k, why))
                continue
            if k not in src:
                src[k] = [None] * len(column)
            src[k][i] = v
            given.add(k)
    return frozenset(given)


def each(fn: Callable[[Any], Any], values: list[Any], context: list[Any] | None = None) -> list[Any]:
    """fn(value) (or fn((value, context))) for every row, computed once per distinct value.

    Imports repeat values (customers, contacts, states): the validators run once per distinct
    value. Text is its own key; other values (JSON numbers, booleans, lists, objects) are keyed
    by type and repr, so that 1, 1.0 and true never share a result.
    """
    keys: list[Any] = values if context is None else list(zip(values, context, strict=True))
    safe = _MEMO_SAFE
    try:
        distinct = set(keys)
        plain = (
            all(type(k) in safe for k in distinct)
            if context is None
            else all(type(v) in safe for v, _c in distinct)
        )
    except TypeError:  # lists or objects
        plain = False
    if plain:
        memo = {k: fn(k) for k in distinct}
        return list(map(memo.__getitem__, keys))
    frozen = [v if type(v) in safe else (type(v), repr(v)) for v in values]
    exact = frozen if context is None else list(zip(frozen, context, strict=True))
    memo = {k: fn(item) for k, item in dict(zip(exact, keys, strict=True)).items()}
    return list(map(memo.__getitem__, exact))


def texts(raw: list[Any], answer: Callable[[Any], Any], missing: frozenset[str]) -> list[Any]:
    """A text question's answers (often mostly distinct: one pass, each text's answer kept as
    it is met): plain text as the intake takes it (kinds.plain_text), the rest through answer."""
    plain = kinds.plain_text
    seen: dict[str, Any] = {}
    out = []
    for v in raw:
        if type(v) is not str:
            out.append(answer(v))
            continue
        got = seen.get(v, seen)
        if got is seen:
            got = None
            if v[:1] != "'" and v not in missing:
                got = plain(v)
                if got is not None and got in missing:
                    got = None
            seen[v] = got = answer(v) if got is None else got
        out.append(got)
    return out


def where(
    step: Any, answers: dict[str, list[Any]], raw: list[Any], given: Callable[[Any], bool]
) -> list[Any]:
    """raw where the step is required (step.requires on each distinct combination of the earlier
    answers its conditions name) and where a cell gives an answer (`given`: kept, whether the
    step applies or not, as intake.walk keeps it); NOT_ASKED elsewhere."""
    deps = step.deps
    cols = [answers.get(dep) for dep in deps]
    n = len(raw)
    if any(col is None for col in cols):  # an answer no row gives: as if each row left it out
        cols = [[ABSENT] * n if col is None else col for col in cols]
    combos: list[Any] = cols[0] if len(cols) == 1 else list(zip(*cols, strict=True))  # type: ignore[assignment, arg-type]
    try:
        memo = {
            c: step.requires(dict(zip(deps, (c,) if len(cols) == 1 else c, strict=True))) for c in set(combos)
        }
        needed = list(map(memo.__getitem__, combos))
    except TypeError:  # answers that are lists or objects
        needed = [step.requires({dep: col[i] for dep, col in zip(deps, cols, strict=True)})  # type: ignore[index]
                  for i in range(n)]  # fmt: skip
    return [v if ok or given(v) else NOT_ASKED for v, ok in zip(raw, needed, strict=True)]


def or_default(col: list[Any] | None, default: Any, n: int) -> list[Any]:
    """col with default where a row gives no value."""
    return [default] * n if col is None else [default if v is ABSENT else v for v in col]
