"""What is wrong with an import's rows, row by row, and the answers a row may leave out
(`missing_answers`, a preset's `not_required`) or not know (`unknown_answers`, read by the
intake's own `intake.listed_unknowns`). Column-wise helpers of records.py. No CLI imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sdcli import intake, validate
from sdcli.errors import InvalidValue
from sdcli.i18n import Message
from sdcli.importing.cells import ABSENT, Fail, RowError, each
from sdcli.questionnaire import Question, Step
from sdcli.tables import Rows

#: required answers an import was allowed to leave out (a preset's `not_required`), kept in the
#: ticket so that its export imports again without the preset
MISSING_ANSWERS = "missing_answers"


class Faults:
    """What is wrong with the rows, by row: invalid values, required answers missing, and the
    required answers a row may leave out (and does)."""

    def __init__(self) -> None:
        self.problems: dict[int, list[InvalidValue]] = {}
        self.missing: dict[int, list[Question]] = {}
        self.relaxed: dict[int, list[str]] = {}

    def collect(
        self, step: Step, checked: list[Any], allowed: list[frozenset[str]] | None, relaxable: bool
    ) -> None:
        """A step's failed cells: an invalid value, a required answer the row may leave out
        (relaxed), or one it may not (missing)."""
        for i, v in enumerate(checked):
            if type(v) is not Fail:
                continue
            checked[i] = ABSENT
            if v.error is not None:
                self.problems.setdefault(i, []).append(v.error)
            elif relaxable or (allowed is not None and step.key in allowed[i]):
                self.relaxed.setdefault(i, []).append(step.key)
            else:
                self.missing.setdefault(i, []).append(step.question)


def missing_answers(
    column: list[Any] | None,
    questions: list[Question],
    prep: Callable[[Any], Any],
    fail: Callable[[InvalidValue], Fail],
    problems: dict[int, list[InvalidValue]],
) -> list[frozenset[str]] | None:
    """Per row, the required answers its `missing_answers` (an export's) lets it leave out."""
    if column is None:
        return None
    required = {q.key for q in questions if q.required or q.required_when}

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
            return fail(InvalidValue(MISSING_ANSWERS, v, "invalid.not_required_question", key=unknown[0]))
        return frozenset(keys)

    out = each(parse, column)
    for i, v in enumerate(out):
        if type(v) is Fail and v.error is not None:
            problems.setdefault(i, []).append(v.error)
            out[i] = frozenset()
    return out


def mark_unknowns(
    src: dict[str, list[Any]],
    n: int,
    yesno: frozenset[str],
    prep_of: Callable[[str], Callable[[Any], Any]],
    problems: dict[int, list[InvalidValue]],
) -> None:
    """Before the questionnaire's walk, as `intake.check_all` does: the yes/no cells a row's
    unknown_answers names become "don't know" (a key that is no yes/no question, or one the row
    also answers, is the row's error)."""
    column = src.get(intake.UNKNOWN_ANSWERS)
    if column is None:
        return
    prep = prep_of(intake.UNKNOWN_ANSWERS)
    preps: dict[str, Callable[[Any], Any]] = {}

    def given(i: int) -> Callable[[str], Any]:
        def answer(key: str) -> Any:
            cells = src.get(key)
            if cells is None:
                return None
            v = preps.setdefault(key, prep_of(key))(cells[i])
            return None if v is ABSENT else v

        return answer

    for i, cell in enumerate(column):
        listed = prep(cell)
        if listed is ABSENT:
            continue
        keys, wrong = intake.listed_unknowns(listed, yesno, given(i))
        if wrong:
            problems.setdefault(i, []).extend(wrong)
        for key in keys:
            src.setdefault(key, [None] * n)[i] = validate.UNKNOWN


def unknown_to_null(answers: dict[str, list[Any]], yesno: frozenset[str], n: int) -> list[list[str]]:
    """Per row, the yes/no questions answered "don't know": stored as null, their keys the row's
    unknown_answers (intake.stored_answers, column by column)."""
    out: list[list[str]] = [[] for _ in range(n)]
    for key in sorted(yesno):
        col = answers.get(key)
        if col is None or validate.UNKNOWN not in col:
            continue
        for i, v in enumerate(col):
            if v == validate.UNKNOWN:
                col[i] = None
                out[i].append(key)
    return out


#: (earlier, later) times of an incident's life: the later is never before the earlier (a row
#: resolved the day before it was opened, closed before it was resolved, acknowledged before the
#: report arrived, was stored as the file said; an SLA report counted a negative time)
LIFE_ORDER = (("opened_at", "acked_at"), ("received_at", "acked_at"), ("opened_at", "classified_at"),
              ("opened_at", "resolved_at"), ("opened_at", "closed_at"), ("resolved_at", "closed_at"))  # fmt: skip


def out_of_order(
    metas: dict[str, list[Any]],
    cells: dict[str, list[Any]],
    zones: list[Any],
    problems: dict[int, list[InvalidValue]],
) -> None:
    """Each row whose times of its life go backwards (LIFE_ORDER) gets the later one's error (its
    cell as the file gives it), naming the earlier and when it is, in the row's site zone."""
    from sdcli import clock
    from sdcli.dates import When

    for earlier, later in LIFE_ORDER:
        a, b = metas.get(earlier), metas.get(later)
        if a is None or b is None:
            continue
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if type(x) is str and type(y) is str and clock.from_iso(y) < clock.from_iso(x):
                when = When(x, zones[i])
                given = cells[later][i] if later in cells else y
                problems.setdefault(i, []).append(
                    InvalidValue(later, given, "invalid.before_other", other=earlier, when=when)
                )


def row_errors(
    i: int, table: Rows, metas: dict[str, list[Any]], faults: Faults, country_column: str | None
) -> list[RowError]:
    """A bad row's errors, as `sdcli open` would name them."""
    line = table.lines[i]
    if i in table.broken:
        value, reason = table.broken[i]
        return [RowError(line, "row", value, reason)]
    bad = list(faults.problems.get(i, []))
    absent = faults.missing.get(i, [])
    if bad:  # with the missing answers named as `sdcli open` names them, and why each is missing
        also = [RowError(line, "missing", q.flags, required(q, country_column)) for q in absent]
        return [RowError(line, p.field, p.value, p.reason) for p in bad] + also
    if absent:
        return [RowError(line, q.key, "", required(q, country_column)) for q in absent]
    return [RowError(line, k, col[i].error.value, col[i].error.reason)
            for k, col in metas.items() if type(col[i]) is Fail]  # fmt: skip


def required(q: Question, country_column: str | None) -> Message:
    """Why a required answer is missing: for the country, which column (or that there is none)."""
    if q.key == "country":
        if country_column:
            return Message("invalid.country_cell", column=country_column)
        return Message("invalid.country_no_column")
    if q.kind == "zone":
        return Message("invalid.zone_needed")
    return Message("invalid.required")
