"""Rows of incidents: a table of mapped rows turned into stored incident fields, validated by the
intake's own steps (sdcli.questionnaire.Step) column by column, each distinct value once, and the
other stored fields by their kind in incident.toml (sdcli.kinds). No CLI imports."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from itertools import compress, repeat
from operator import setitem
from pathlib import Path
from typing import Any

from sdcli import intake, kinds, sla, states
from sdcli.errors import InvalidValue
from sdcli.home import load_data
from sdcli.importing.cells import (
    ABSENT,
    EXTRA,
    NOT_ASKED,
    DayOrders,
    Fail,
    RowError,
    each,
    or_default,
    spread_extra,
    texts,
    where,
)
from sdcli.importing.faults import (
    MISSING_ANSWERS,
    Faults,
    mark_unknowns,
    missing_answers,
    out_of_order,
    row_errors,
    unknown_to_null,
)
from sdcli.importing.mapping import Mapping
from sdcli.intake import UNKNOWN_ANSWERS
from sdcli.questionnaire import MISSING, Step, blank
from sdcli.tables import Rows, unescape_cell

__all__ = ["IMPORTERS", "MISSING_ANSWERS", "IncidentRecords"]
_DROPPED = "store"  # the kind of the fields the store sets
#: the errors of every valid row: one list, never changed (not a list per row of 100,000)
_NO_ERRORS: list[RowError] = []


class IncidentRecords:
    """Turns a table of mapped rows into stored incident fields, with the intake's validation.

    The questionnaire's steps are walked in order, each over every row at a time, with the
    semantics of `intake.check_all` (the same Step decides where it applies, what a left-out
    country or zone is, and what a required answer missing is); each distinct value once."""

    prefix = "INC"

    def __init__(self, home: Path | None, mapping: Mapping, country: str | None, tz: str | None) -> None:
        self.home = home
        self.questions = intake.load_questionnaire(home)
        self.steps = intake.compiled(self.questions)
        self.ctx = intake.make_context(home, country=country, tz=tz, dayfirst=mapping.dayfirst)
        self.ctx.notes = DayOrders()  # no date's reading is shown, but a column of two day orders is refused
        self.mapping = mapping
        flow = load_data("workflow", home)["incident"]
        states = (flow["initial"], *(a["to"] for a in flow["actions"].values()))
        self.schema = kinds.incident_schema(home, tuple(dict.fromkeys(states)))
        self.questions_keys = frozenset(q.key for q in self.questions)
        self.yesno = intake.yesno_keys(self.questions)
        self.failures = 0
        self.spreadsheet = False
        self.release = False  # check lets the table's cells go once validated (Rows.release)
        self.from_extra: frozenset[str] = frozenset()  # the fields the table's `extra` cells give
        self.keys = self.questions_keys | frozenset(self.schema.fields)
        self._dropped = frozenset(self.schema.of_kind(_DROPPED))
        unknown = sorted((set(mapping.fields) | set(mapping.defaults)) - self.keys)
        if unknown:
            raise InvalidValue("map", unknown[0], "invalid.not_incident_field")
        self.country_column = mapping.fields.get("country")

    # ---- columns of the table, mapped
    def sources(self, table: Rows) -> dict[str, list[Any]]:
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
        unescape = self.spreadsheet and k not in self.from_extra  # JSON's texts: never neutralised
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

    def _gives(self, k: str) -> Callable[[Any], bool]:
        """Whether a cell of field k gives an answer (what the intake takes as given: neither
        missing, empty nor blank)."""
        prep = self._prep(k)

        def gives(v: Any) -> bool:
            if v is None or v is ABSENT or v is NOT_ASKED:
                return False
            given = prep(v)
            return given is not ABSENT and not blank(given)

        return gives

    # ---- validation
    def check(
        self, table: Rows, progress: Callable[[float], None] | None = None
    ) -> list[tuple[dict[str, Any] | None, list[RowError]]]:
        """(fields, []) or (None, errors) for every row of the table, in order."""
        n = len(table)
        self.failures = 0
        self.spreadsheet = table.spreadsheet
        src = self.sources(table)
        self.country_column = self.mapping.fields.get("country") or (
            "country" if "country" in table.columns else None
        )
        faults = Faults()
        own = frozenset(k for k in src if k in table.columns or k in self.mapping.fields)
        extra = table.column(EXTRA) if EXTRA in table.columns else None
        self.from_extra = spread_extra(src, extra, self.keys, own, faults.problems)
        allowed = missing_answers(src.get(MISSING_ANSWERS), self.questions, self._prep(MISSING_ANSWERS), self._fail,
                                  faults.problems)  # fmt: skip
        mark_unknowns(src, n, self.yesno, self._prep, faults.problems)
        src.setdefault("country", [None] * n)  # a row without one: --country, the mapping's, the configured
        answers, regions, places = self._walk(src, n, allowed, faults, progress)
        unknowns = unknown_to_null(answers, self.yesno, n)
        metas = self._metas(src, places)
        out_of_order(metas, src, [zone for _country, zone in places], faults.problems)
        if any(unknowns):
            metas[UNKNOWN_ANSWERS] = [u or ABSENT for u in unknowns]
        self._unknown_structured(table, faults.problems)
        failed = set(faults.problems) | set(faults.missing) | set(table.broken)
        if self.failures:
            for col in metas.values():
                failed.update(i for i, v in enumerate(col) if type(v) is Fail)
        if progress:
            progress(1.0)
        if faults.relaxed or allowed is not None:
            metas[MISSING_ANSWERS] = [faults.relaxed.get(i, ABSENT) for i in range(n)]
        src.clear()  # the raw columns go before the documents are made
        if self.release:  # and the cells, but those of the rows refused (their reports)
            table.release(failed)
        return self._rows(table, answers, metas, regions, failed, faults)

    def _walk(
        self,
        src: dict[str, list[Any]],
        n: int,
        allowed: list[frozenset[str]] | None,
        faults: Faults,
        progress: Callable[[float], None] | None,
    ) -> tuple[dict[str, list[Any]], list[Any], list[tuple[Any, Any]]]:
        """The questionnaire's steps over every row: each step's answers column, the site's
        country of each row, and its (country, zone)."""
        default = self.ctx.default_country
        answers: dict[str, list[Any]] = {}
        regions: list[Any] | None = None  # the site's country, once the country is answered
        places: list[tuple[Any, Any]] | None = None  # (country, zone) of each row's site, once both are
        for done, step in enumerate(self.steps):
            if progress:
                progress(done / len(self.steps))
            raw = src.get(step.key)
            if raw is None and not step.may_be_required:
                continue
            raw = [ABSENT] * n if raw is None else raw
            if step.conditional:  # required where its conditions hold; an answer given kept everywhere
                raw = where(step, answers, raw, self._gives(step.key))
            context = regions if step.kind == "zone" else places if step.kind in kinds.PLACED else None
            failures = self.failures
            checked = self._column(step, raw, context)
            if self.failures != failures:
                faults.collect(step, checked, allowed, step.key in self.mapping.not_required)
            answers[step.key] = checked
            if step.key == "country":
                regions = [default if v is ABSENT else v for v in checked]
            if step.kind == "zone":
                zones = [None if v is ABSENT else v for v in checked]
                places = list(zip(regions or [default] * n, zones, strict=True))
        regions = regions or [default] * n
        return answers, regions, places or [(r, None) for r in regions]

    def _column(self, step: Step, raw: list[Any], context: list[Any] | None) -> list[Any]:
        answer = self._answer(step)
        if step.kind == "text" and step.key not in self.mapping.values:  # mostly distinct values: one pass
            return texts(raw, answer, frozenset(self.mapping.missing))
        return each(answer, raw, context)

    def _metas(self, src: dict[str, list[Any]], places: list[tuple[Any, Any]]) -> dict[str, list[Any]]:
        """The other stored fields a table gives, each validated by its kind (incident.toml)."""
        out: dict[str, list[Any]] = {}
        for k, col in src.items():
            f = self.schema.fields.get(k)
            if f is None or k in self.questions_keys or f.kind == "answer_keys":
                continue
            out[k] = each(self._meta_of(f), col, places if f.kind in kinds.PLACED else None)
        return out

    def _unknown_structured(self, table: Rows, problems: dict[int, list[InvalidValue]]) -> None:
        """A JSON row's object or list under a key no field has is refused by name (it would
        otherwise be dropped without a word); plain unknown columns are ignored, as in CSV."""
        if table.by_position:
            return
        read = {*self.keys, *self.mapping.fields.values(), EXTRA}
        for i, cells in enumerate(table.cells):  # once over the cells: linear in the input
            if i in table.broken:
                continue
            for name, v in cells.items():
                if isinstance(v, dict | list) and name not in read:
                    problems.setdefault(i, []).append(InvalidValue(name, v, "invalid.unknown_structured"))

    def _answer(self, step: Step) -> Callable[[Any], Any]:
        """The stored answer to a step of a cell (or of (cell, country) for the zone, of (cell,
        (country, zone)) for answers read in the site's place), or a Fail."""
        ctx = self.ctx
        default = {"country": ctx.default_country}
        prep = self._prep(step.key)
        is_zone = step.kind == "zone"
        required = step.may_be_required

        def answer(item: Any) -> Any:
            v, at = item if type(item) is tuple else (item, None)
            if v is NOT_ASKED:
                return ABSENT
            v = prep(v)
            if is_zone:
                place = {"country": at}
            elif type(at) is tuple:
                place = {"country": at[0], "timezone": at[1]}
            else:
                place = default
            try:  # a cell left where it is not required gives an answer (where): none is MISSING
                out = step.answer(None if v is ABSENT else v, place, ctx, required)
            except InvalidValue as e:
                return self._fail(e)
            if out is MISSING:
                return self._fail(None)
            return ABSENT if out is None else out

        return answer

    def _meta_of(self, f: kinds.Field) -> Callable[[Any], Any]:
        prep = self._prep(f.key)
        ctx = self.ctx

        def meta(item: Any) -> Any:
            v, place = item if type(item) is tuple else (item, None)
            v = prep(v)
            if v is ABSENT or v == "":
                return ABSENT
            try:
                return kinds.check(f.kind, f.key, v, f, {"country": place[0], "timezone": place[1]} if place else {},
                                   ctx)  # fmt: skip
            except InvalidValue as e:
                return self._fail(e)

        return meta

    def _fail(self, error: InvalidValue | None) -> Fail:
        self.failures += 1  # a column without failures is not scanned for them
        return Fail(error)

    def _rows(
        self,
        table: Rows,
        answers: dict[str, list[Any]],
        metas: dict[str, list[Any]],
        regions: list[str],
        failed: set[int],
        faults: Faults,
    ) -> list[tuple[dict[str, Any] | None, list[RowError]]]:
        n = len(table)
        given: dict[str, list[Any]] = {
            "status": or_default(metas.get("status"), states.flow("incident", self.home).initial, n),
            "channel": or_default(metas.get("channel"), "phone", n),
            **answers,
        }
        for k, col in metas.items():
            given.setdefault(k, col)
        docs: list[dict[str, Any]] = [{} for _ in range(n)]
        for k, col in given.items():  # column by column, in C: about 30 ns a cell
            if k in self._dropped:
                continue
            if ABSENT in col:  # a column some rows leave out
                given_in = [v is not ABSENT for v in col]
                deque(map(setitem, compress(docs, given_in), repeat(k), compress(col, given_in)), maxlen=0)
            else:
                deque(map(setitem, docs, repeat(k), col), maxlen=0)
        sla.fill_deadlines((doc for i, doc in enumerate(docs) if i not in failed), self.home)
        out: list[tuple[dict[str, Any] | None, list[RowError]]] = [(doc, _NO_ERRORS) for doc in docs]
        for i in sorted(failed):
            out[i] = (None, row_errors(i, table, metas, faults, self.country_column))
        return out


IMPORTERS: dict[str, Callable[..., Any]] = {"incident": IncidentRecords}
