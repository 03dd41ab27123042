"""Batch import and export of tickets. No CLI imports.

An import reads every row, maps columns to stored fields, validates each row with the
same validators as `sdcli open`, plans creates and updates against the existing keys,
and writes them in ONE locked store write (or nothing at all).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import setitem
from pathlib import Path
from typing import Any

from sdcli import clock, intake, sla, stored, validate
from sdcli.errors import InvalidValue, SdcliError, UsageProblem
from sdcli.home import load_data
from sdcli.i18n import Message
from sdcli.intake import UNKNOWN_ANSWERS
from sdcli.model import KIND_PREFIX
from sdcli.store import KeyConflict, Store, UpsertResult
from sdcli.store.base import CONFLICTS, key_of
from sdcli.tables import Table, export_text, neutralise, read_rows, unescape_cell  # noqa: F401 - the old names, for their callers

#: incident fields an import may carry besides the questionnaire's answers
INCIDENT_META_TIMES = (
    "opened_at",
    "received_at",
    "resolved_at",
    "closed_at",
    "ack_due",
    "acked_at",
    "recovery_due",
    "classified_at",
)
INCIDENT_META_TEXT = ("external_id", "opened_by", "resolution", "impact", "urgency", "category", "subcategory",
                      "symptom", "assignment_group", "assigned_to", "classified_by", "message_id")  # fmt: skip
INCIDENT_META = frozenset(("status", "severity", "channel", "id", "kind", "history", "updated_at", "sla_target_hours",
                           "sla_clock", "sla_met", *INCIDENT_META_TIMES, *INCIDENT_META_TEXT))  # fmt: skip
#: required answers an import was allowed to leave out (a preset's `not_required`), kept in the
#: ticket so that its export imports again without the preset
MISSING_ANSWERS = "missing_answers"
#: structured fields an export carries, taken back when each has the shape sdcli writes (stored.py)
PASSTHROUGH = (
    "history",
    "classification",
    "escalation",
    "escalation_attempts",
    "sla_pauses",
    "sla_paused_at",
    "email",
)


class ImportRejected(SdcliError):
    "Some rows are invalid and the import writes all or nothing"


@dataclass
class Mapping:
    fields: dict[str, str] = field(default_factory=dict)  # field -> column
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ("",)
    not_required: frozenset[str] = frozenset()
    dayfirst: bool | None = None  # None: the settings' (day first unless configured otherwise)
    key: str | None = None
    on_conflict: str | None = None
    kind: str | None = None


def load_mapping(preset: str | None, mapping_file: str | None, maps: list[str], home: Path | None) -> Mapping:
    """A preset (data), a --mapping file (TOML or JSON, the same shape) and --map items, in that order."""
    from sdcli import config

    raw: dict[str, Any] = {}
    if preset:
        if not preset.replace("-", "").isalnum():
            raise InvalidValue("preset", preset, "invalid.preset")
        try:
            raw = dict(load_data(f"preset-{preset}", home))  # a copy: the loaded data is shared
        except FileNotFoundError:
            raise InvalidValue("preset", preset, "invalid.preset") from None
    if mapping_file:
        extra = config.load_file(Path(mapping_file), config.MAPPING)
        for k, v in extra.items():
            raw[k] = {**raw.get(k, {}), **v} if isinstance(v, dict) and isinstance(raw.get(k), dict) else v
    m = Mapping(
        fields=dict(raw.get("fields", {})), values={k: dict(v) for k, v in raw.get("values", {}).items()},
        defaults=dict(raw.get("defaults", {})), missing=tuple(raw.get("missing", [""])),
        not_required=frozenset(raw.get("not_required", [])), dayfirst=raw.get("dayfirst"),
        key=raw.get("key"), on_conflict=raw.get("on_conflict"), kind=raw.get("kind"),
    )  # fmt: skip
    for item in maps:
        target, eq, column = item.partition("=")
        if not eq or not target.strip() or not column.strip():
            raise UsageProblem("error.map_pair", text=repr(item))
        m.fields[target.strip()] = column.strip()
    return m


# --------------------------------------------------------------------------- validation


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


class _Discard(list):  # type: ignore[type-arg]
    """A list that keeps nothing (an import's notes)."""

    def append(self, item: Any) -> None:
        pass


class _Absent:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


#: a field a row does not give (or a question that does not apply to it)
ABSENT: Any = _Absent()
_NOT_ASKED: Any = type("_NotAsked", (_Absent,), {})()
_MEMO_SAFE = (str, type(None), _Absent, type(_NOT_ASKED))


@dataclass(frozen=True)
class _Fail:
    error: InvalidValue | None  # None: a required answer is missing


def _each(fn: Callable[[Any], Any], values: list[Any], context: list[Any] | None = None) -> list[Any]:
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


class IncidentRecords:
    """Turns a table of mapped rows into stored incident fields, with the intake's validation.

    The questionnaire is walked in order, one question over every row at a time, with the
    semantics of `intake.check_all` (conditions on earlier answers, required answers, the
    site's country for phones, contacts and times); each distinct value is validated once.
    """

    prefix = "INC"

    def __init__(self, home: Path | None, mapping: Mapping, country: str | None, tz: str | None) -> None:
        self.home = home
        self.questions = intake.load_questionnaire(home)
        self.ctx = intake.make_context(home, country=country, tz=tz, dayfirst=mapping.dayfirst)
        self.ctx.notes = _Discard()  # an import does not show each date whose day order decided it
        self.mapping = mapping
        flow = load_data("workflow", home)["incident"]
        self.states = {flow["initial"], *(a["to"] for a in flow["actions"].values())}
        self.questions_keys = frozenset(q.key for q in self.questions)
        self.failures = 0
        self.spreadsheet = False
        self.keys = (
            self.questions_keys | INCIDENT_META | frozenset(PASSTHROUGH) | {MISSING_ANSWERS, UNKNOWN_ANSWERS}
        )
        unknown = sorted((set(mapping.fields) | set(mapping.defaults)) - self.keys)
        if unknown:
            raise InvalidValue("map", unknown[0], "invalid.not_incident_field")
        self.country_column = mapping.fields.get("country")

    # ---- columns of the table, mapped
    def sources(self, table: Table) -> dict[str, list[Any]]:
        """The column each field is read from, as the file has it (None where a row has no cell).

        A known column by its name; a mapped field from its column (even over a column of its
        name); a field with only a default, from no column."""
        origin: dict[str, str | None] = {c: c for c in table.columns if c in self.keys}
        origin.update(self.mapping.fields)
        for k in self.mapping.defaults:
            origin.setdefault(k, None)
        return {k: [None] * len(table) if c is None else table.column(c) for k, c in origin.items()}

    def _prep(self, k: str) -> Callable[[Any], Any]:
        missing = self.mapping.missing
        unescape = self.spreadsheet
        vm = self.mapping.values.get(k)
        has_default = k in self.mapping.defaults
        default = self.mapping.defaults.get(k)

        def prep(v: Any) -> Any:
            if v is None:
                v = ABSENT
            elif isinstance(v, str):
                if v in missing or v.strip() in missing:
                    v = ABSENT
                elif unescape and v[:1] == "'":
                    v = unescape_cell(v)
            if vm is not None and isinstance(v, str | int):
                if v in vm:
                    v = vm[v]
                elif str(v).strip() in vm:
                    v = vm[str(v).strip()]
            if has_default and (v is ABSENT or v is None or v == ""):
                v = default
            return ABSENT if v is None else v

        return prep

    # ---- validation
    def check(
        self, table: Table, progress: Callable[[float], None] | None = None
    ) -> list[tuple[dict[str, Any] | None, list[RowError]]]:
        """(fields, []) or (None, errors) for every row of the table, in order."""
        n = len(table)
        ctx = self.ctx
        self.failures = 0
        self.spreadsheet = table.spreadsheet
        src = self.sources(table)
        meta_keys = [
            k for k in src if k not in self.questions_keys and k not in (MISSING_ANSWERS, UNKNOWN_ANSWERS)
        ]
        self.country_column = self.mapping.fields.get("country") or (
            "country" if "country" in table.columns else None
        )
        problems: dict[int, list[InvalidValue]] = {}
        missing: dict[int, list[intake.Question]] = {}
        relaxed: dict[int, list[str]] = {}  # row -> required answers it may leave out, and does
        allowed = self._missing_answers(src.get(MISSING_ANSWERS), problems)
        answers: dict[str, list[Any]] = {}
        regions: list[Any] | None = None  # the site's country, once the country is answered
        places: list[tuple[Any, Any]] | None = None  # (country, zone) of each row's site, once both are
        src.setdefault("country", [None] * n)  # a row without one: --country, the mapping's, the configured
        steps = intake.compiled(self.questions)
        for step, (q, key, kind, when) in enumerate(steps):
            if progress:
                progress(step / len(steps))
            raw = src.get(key)
            relaxable = key in self.mapping.not_required
            if raw is None and not q.required:
                continue
            if raw is None:
                raw = [ABSENT] * n
            if when:
                raw = _only_where(raw, [(answers.get(dep), allowed) for dep, allowed in when])
            context = regions if kind == "zone" else places if kind in _REGIONAL else None
            failures = self.failures
            answer = self._answer(q)
            if kind == "text" and key not in self.mapping.values:  # mostly distinct values: one pass
                checked = _texts(raw, answer, frozenset(self.mapping.missing))
            else:
                checked = _each(answer, raw, context)
            if self.failures != failures:
                for i, v in enumerate(checked):
                    if type(v) is _Fail:
                        checked[i] = ABSENT
                        if v.error is not None:
                            problems.setdefault(i, []).append(v.error)
                        elif relaxable or (allowed is not None and key in allowed[i]):
                            relaxed.setdefault(i, []).append(key)
                        else:
                            missing.setdefault(i, []).append(q)
            answers[key] = checked
            if key == "country":
                regions = [ctx.default_country if v is ABSENT else v for v in checked]
            if kind == "zone":
                places = list(zip(regions or [ctx.default_country] * n, [None if v is ABSENT else v for v in checked],
                                  strict=True))  # fmt: skip
        if regions is None:
            regions = [ctx.default_country] * n
        if places is None:
            places = [(r, None) for r in regions]
        unknowns = self._unknowns(answers, src.get(UNKNOWN_ANSWERS), problems)
        metas = {k: _each(self._meta_of(k), src[k], places if k in INCIDENT_META_TIMES else None)
                 for k in meta_keys}  # fmt: skip
        if any(unknowns):
            metas[UNKNOWN_ANSWERS] = [u or ABSENT for u in unknowns]
        self._unknown_structured(table, problems)
        failed = set(problems) | set(missing) | set(table.broken)
        if self.failures:
            for col in metas.values():
                failed.update(i for i, v in enumerate(col) if type(v) is _Fail)
        if progress:
            progress(1.0)
        if relaxed or allowed is not None:
            metas[MISSING_ANSWERS] = [relaxed.get(i, ABSENT) for i in range(n)]
        return self._rows(table, answers, metas, regions, failed, problems, missing)

    def _unknown_structured(self, table: Table, problems: dict[int, list[InvalidValue]]) -> None:
        """A JSON row's object or list under a key no field has is refused by name (it would
        otherwise be dropped without a word); plain unknown columns are ignored, as in CSV."""
        if table.by_position:
            return
        read = set(self.keys) | set(self.mapping.fields.values())
        for i, cells in enumerate(table.cells):  # once over the cells: linear in the input
            if i in table.broken:
                continue
            for name, v in cells.items():
                if isinstance(v, dict | list) and name not in read:
                    problems.setdefault(i, []).append(InvalidValue(name, v, "invalid.unknown_structured"))

    def _missing_answers(
        self, column: list[Any] | None, problems: dict[int, list[InvalidValue]]
    ) -> list[frozenset[str]] | None:
        """Per row, the required answers its `missing_answers` (an export's) lets it leave out."""
        if column is None:
            return None
        required = {q.key for q in self.questions if q.required}
        prep = self._prep(MISSING_ANSWERS)

        def parse(v: Any) -> Any:
            v = prep(v)
            if v is ABSENT:
                return frozenset()
            items = v if isinstance(v, list) else str(v).split(";")
            # an e-mail's invalid answer is {key, text, reason}
            items = [x.get("key", "") if isinstance(x, dict) else x for x in items]
            keys = [str(x).strip() for x in items if str(x).strip()]
            unknown = [k for k in keys if k not in required]
            if unknown:
                return self._fail(
                    InvalidValue(MISSING_ANSWERS, v, "invalid.not_required_question", key=unknown[0])
                )
            return frozenset(keys)

        out = _each(parse, column)
        for i, v in enumerate(out):
            if type(v) is _Fail and v.error is not None:
                problems.setdefault(i, []).append(v.error)
                out[i] = frozenset()
        return out

    def _answer(self, q: intake.Question) -> Callable[[Any], Any]:
        """The stored answer to q of a cell (or of (cell, country) for the zone, of (cell, (country,
        zone)) for answers read in the site's place), or a _Fail."""
        from sdcli import sites

        ctx = self.ctx
        default = {"country": ctx.default_country}
        prep = self._prep(q.key)
        is_country, is_zone = q.key == "country", q.kind == "zone"

        def answer(item: Any) -> Any:
            v, where = item if type(item) is tuple else (item, None)
            if v is _NOT_ASKED:
                return ABSENT
            v = prep(v)
            if is_country and (v is ABSENT or not v):
                v = ctx.default_country
            if is_zone and (v is ABSENT or not v):
                if not where:  # no country: named as such, not as a missing zone
                    return ABSENT
                v = ctx.tz_override or sites.only_zone(ctx.countries, where)
            if v is ABSENT or v is None or v == "" or v == []:
                return self._fail(None) if q.required else ABSENT
            if is_zone:
                place = {"country": where}
            elif type(where) is tuple:
                place = {"country": where[0], "timezone": where[1]}
            else:
                place = default
            try:
                out = intake.check_answer(q, v, place, ctx)
            except InvalidValue as e:
                return self._fail(e)
            return ABSENT if out is None else out

        return answer

    def _unknowns(
        self, answers: dict[str, list[Any]], column: list[Any] | None, problems: dict[int, list[InvalidValue]]
    ) -> list[list[str]]:
        """Per row, the yes/no questions answered "don't know" (a cell such as `unknown`, `no sabe`,
        or listed in its unknown_answers): their answers become null, the keys the row's list."""
        yesno = [q.key for q in self.questions if q.kind == "yesno"]
        out: list[list[str]] = [[] for _ in range(len(next(iter(answers.values()), [])))]
        listed = [None] * len(out) if column is None else [self._prep(UNKNOWN_ANSWERS)(v) for v in column]
        for i, cell in enumerate(listed):
            if cell is ABSENT or cell is None:
                continue
            items = cell if isinstance(cell, list) else str(cell).split(";")
            for key in (str(x).strip() for x in items if str(x).strip()):
                if key not in yesno:
                    problems.setdefault(i, []).append(
                        InvalidValue(UNKNOWN_ANSWERS, cell, "invalid.unknown_answer", key=key)
                    )
                elif key in answers and answers[key][i] is ABSENT:
                    answers[key][i] = validate.UNKNOWN
        for key in yesno:
            col = answers.get(key)
            if col is None or validate.UNKNOWN not in col:
                continue
            for i, v in enumerate(col):
                if v == validate.UNKNOWN:
                    col[i] = None
                    out[i].append(key)
        return out

    def _meta_of(self, k: str) -> Callable[[Any], Any]:
        prep = self._prep(k)

        def meta(item: Any) -> Any:
            v, place = item if type(item) is tuple else (item, None)
            v = prep(v)
            if v is ABSENT or v == "":
                return ABSENT
            try:
                zone = clock.get_tz(place[1]) if place and place[1] else None
                return self._meta(k, v, zone)
            except InvalidValue as e:
                return self._fail(e)

        return meta

    def _fail(self, error: InvalidValue | None) -> _Fail:
        self.failures += 1  # a column without failures is not scanned for them
        return _Fail(error)

    def _rows(
        self,
        table: Table,
        answers: dict[str, list[Any]],
        metas: dict[str, list[Any]],
        regions: list[str],
        failed: set[int],
        problems: dict[int, list[InvalidValue]],
        missing: dict[int, list[intake.Question]],
    ) -> list[tuple[dict[str, Any] | None, list[RowError]]]:
        n = len(table)
        given: dict[str, list[Any]] = {
            "status": _or(metas.get("status"), "open", n),
            "channel": _or(metas.get("channel"), "phone", n),
            **answers,
        }
        for k, col in metas.items():
            given.setdefault(k, col)
        docs: list[dict[str, Any]] = [{} for _ in range(n)]
        for k, col in given.items():  # column by column, in C: about 30 ns a cell
            if k in _DROPPED:
                continue
            if ABSENT in col:  # a column some rows leave out
                given_in = [v is not ABSENT for v in col]
                deque(map(setitem, compress(docs, given_in), repeat(k), compress(col, given_in)), maxlen=0)
            else:
                deque(map(setitem, docs, repeat(k), col), maxlen=0)
        sla.fill_deadlines((doc for i, doc in enumerate(docs) if i not in failed), self.home)
        out: list[tuple[dict[str, Any] | None, list[RowError]]] = [(doc, []) for doc in docs]
        for i in sorted(failed):
            out[i] = (None, self._errors(i, table.lines[i], table, metas, problems, missing))
        return out

    def _errors(
        self,
        i: int,
        line: int,
        table: Table,
        metas: dict[str, list[Any]],
        problems: dict[int, list[InvalidValue]],
        missing: dict[int, list[intake.Question]],
    ) -> list[RowError]:
        """A bad row's errors, as `sdcli open` would name them."""
        if i in table.broken:
            value, reason = table.broken[i]
            return [RowError(line, "row", value, reason)]
        bad = list(problems.get(i, []))
        absent = missing.get(i, [])
        if bad:  # with the missing answers named as `sdcli open` names them, and why each is missing
            also = [RowError(line, "missing", q.flags, self._required(q)) for q in absent]
            return [RowError(line, p.field, p.value, p.reason) for p in bad] + also
        if absent:
            return [RowError(line, q.key, "", self._required(q)) for q in absent]
        return [RowError(line, k, col[i].error.value, col[i].error.reason)
                for k, col in metas.items() if type(col[i]) is _Fail]  # fmt: skip

    def _required(self, q: intake.Question) -> Message:
        """Why a required answer is missing: for the country, which column (or that there is none)."""
        if q.key == "country":
            if self.country_column:
                return Message("invalid.country_cell", column=self.country_column)
            return Message("invalid.country_no_column")
        if q.kind == "zone":
            return Message("invalid.zone_needed")
        return Message("invalid.required")

    def _meta(self, k: str, v: Any, tz: Any) -> Any:
        if k == "status":
            if not isinstance(v, str) or v not in self.states:
                raise InvalidValue(k, v, "invalid.use_one_of", choices=", ".join(sorted(self.states)))
            return v
        if k == "severity":
            try:
                level = int(str(v).strip().split(" ")[0])
            except ValueError:
                raise InvalidValue(k, v, "invalid.severity_number") from None
            if level not in (1, 2, 3, 4):
                raise InvalidValue(k, v, "invalid.severity_number")
            return level
        if k == "channel":
            if v not in intake.CHANNELS:
                raise InvalidValue(k, v, "invalid.channel")
            return v
        if k in INCIDENT_META_TIMES:
            tense = validate.PAST if k == "received_at" else None
            return validate.when(k, v, tz, dayfirst=self.ctx.dayfirst, tense=tense)
        if k == "sla_target_hours":
            try:
                hours = float(v) if isinstance(v, str | int | float) and not isinstance(v, bool) else -1.0
            except (ValueError, OverflowError):
                hours = -1.0
            if not 0 < hours < 100_000:  # refuses NaN and infinities too
                raise InvalidValue(k, v, "invalid.hours_number")
            return hours
        if k in ("sla_met",):
            return validate.yesno(k, v)
        if k in STRUCTURED:
            return stored.check_field(k, v)
        if k in _DROPPED:
            return v
        return validate.text(k, v, limit=2000)


KINDS: dict[str, Callable[..., Any]] = {"incident": IncidentRecords}


_REGIONAL = frozenset({"contacts", "phone", "datetimes"})  # validated in the site's country
_DROPPED = frozenset({"id", "kind", "updated_at"})  # the store sets them
STRUCTURED = frozenset((*PASSTHROUGH, "sla_clock"))  # checked against their stored shape


def _texts(raw: list[Any], answer: Callable[[Any], Any], missing: frozenset[str]) -> list[Any]:
    """A text question's answers: plain text stripped (what validate.text does), the rest checked."""
    limit = validate.TEXT_LIMIT
    out = []
    for v in raw:
        if type(v) is str and v[:1] != "'" and v not in missing:
            text = v.strip()
            if text and len(text) <= limit and "\x00" not in text and text not in missing:
                out.append(text)
                continue
        out.append(answer(v))
    return out


def _or(col: list[Any] | None, default: Any, n: int) -> list[Any]:
    """col with default where a row gives no value."""
    return [default] * n if col is None else [default if v is ABSENT else v for v in col]


def _only_where(raw: list[Any], conditions: list[tuple[list[Any] | None, tuple[Any, ...]]]) -> list[Any]:
    """raw where every condition on an earlier answer holds, _NOT_ASKED elsewhere."""
    if any(col is None for col, _ in conditions):  # an answer no row gives
        return [_NOT_ASKED] * len(raw)
    if len(conditions) == 1:
        col, allowed = conditions[0]
        assert col is not None
        return [v if a in allowed else _NOT_ASKED for v, a in zip(raw, col, strict=True)]
    return [
        v if all(col[i] in allowed for col, allowed in conditions) else _NOT_ASKED  # type: ignore[index]
        for i, v in enumerate(raw)
    ]


# --------------------------------------------------------------------------- planning and writing


@dataclass
class Plan:
    """What a file asks: its valid rows (one per key, in order) and what is wrong with the rest.

    Whether a row creates, updates or skips a ticket is decided by the store inside its write
    (`Store.upsert_many`), so that two imports of one file at once create each ticket once."""

    key: str | None = None
    on_conflict: str = "skip"
    read: int = 0
    docs: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line of each doc
    rows: list[dict[str, Any]] = field(default_factory=list)  # each doc's row, as the file gave it
    skipped: int = 0  # rows whose key an earlier row of the file has (skip)
    merged: int = 0  # rows superseded by a later row with the same key (update)
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[tuple[int, dict[str, Any], str]] = field(default_factory=list)
    result: UpsertResult | None = None  # what the store did (or would do, in a dry run)

    def summary(self) -> dict[str, int]:
        r = self.result or UpsertResult()
        return {"read": self.read, "created": len(r.created), "updated": len(r.updated),
                "skipped": self.skipped + len(r.skipped) + len(r.unchanged), "merged": self.merged,
                "rejected": len(self.rejected_rows)}  # fmt: skip

    def reject(self, i: int, table: Table, errs: list[RowError]) -> None:
        self.errors.extend(errs)
        self.rejected_rows.append(
            (table.lines[i], table.row(i), "; ".join(f"{x.field}: {x.reason}" for x in errs))
        )


def plan_import(
    table: Table,
    *,
    kind: str,
    mapping: Mapping,
    home: Path | None,
    key: str | None,
    on_conflict: str,
    country: str | None = None,
    tz: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> Plan:
    """Validate every row and resolve the file's own repeated keys; touches no store."""
    if kind not in KINDS:
        raise InvalidValue("kind", kind, "invalid.use_one_of", choices=", ".join(KINDS))
    if on_conflict not in CONFLICTS:
        raise InvalidValue("on-conflict", on_conflict, "invalid.on_conflict")
    records = KINDS[kind](home, mapping, country, tz)
    key = key or mapping.key or (
        "external_id" if "external_id" in mapping.fields or "external_id" in table.columns else "customer_reference"
    )  # fmt: skip
    plan = Plan(key=key, on_conflict=on_conflict)
    seen: dict[str, int] = {}  # key -> index in plan.docs
    for i, (fields, errs) in enumerate(records.check(table, progress)):
        plan.read += 1
        if errs:
            plan.reject(i, table, errs)
            continue
        assert fields is not None
        k = key_of(fields, key)
        if k is not None and k in seen:
            if on_conflict == "fail":
                plan.reject(i, table, [RowError(table.lines[i], key, k, Message("invalid.twice"))])
            elif on_conflict == "skip":
                plan.skipped += 1
            else:  # the last row of a key wins
                j = seen[k]
                plan.docs[j], plan.lines[j], plan.rows[j] = fields, table.lines[i], table.row(i)
                plan.merged += 1
            continue
        if k is not None:
            seen[k] = len(plan.docs)
        plan.docs.append(fields)
        plan.lines.append(table.lines[i])
        plan.rows.append(table.row(i))
    return plan


def write_plan(
    store: Store,
    plan: Plan,
    *,
    kind: str,
    actor: str,
    source: str,
    partial: bool = False,
    dry_run: bool = False,
) -> UpsertResult:
    """ONE store write of the plan's rows, create-or-update decided inside it. Keys that exist
    under on_conflict='fail' become row errors: with `partial` those rows are rejected and the
    others written, else nothing is written."""
    prefix = KIND_PREFIX[kind]
    try:
        plan.result = store.upsert_many(prefix, plan.docs, key=plan.key, on_conflict=plan.on_conflict, actor=actor,
                                        event={"imported_from": source}, all_or_nothing=not partial,
                                        dry_run=dry_run)  # fmt: skip
    except KeyConflict as e:
        plan.result = UpsertResult()
        _conflicts(plan, e.values)
        return plan.result
    _conflicts(plan, plan.result.conflicts)
    return plan.result


def _conflicts(plan: Plan, values: list[str]) -> None:
    taken = set(values)
    for doc, line, row in zip(plan.docs, plan.lines, plan.rows, strict=True):
        k = key_of(doc, plan.key)
        if k in taken:
            err = RowError(line, plan.key or "key", k, Message("invalid.exists"))
            plan.errors.append(err)
            plan.rejected_rows.append((line, row, f"{err.field}: {err.reason}"))
