"""Batch import and export of tickets. No CLI imports.

An import reads every row, maps columns to stored fields, validates each row with the
same validators as `sdcli open`, plans creates and updates against the existing keys,
and writes them in ONE locked store write (or nothing at all).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdcli import clock, intake, validate
from sdcli.errors import InvalidValue, InvalidValues, MissingAnswers, SdcliError, UsageProblem
from sdcli.home import load_data
from sdcli.store import PREFIXES, Store

FORMATS = ("csv", "tsv", "json", "jsonl")
CONFLICTS = ("skip", "update", "fail")
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
                      "symptom", "assignment_group", "assigned_to", "classified_by", "timezone")  # fmt: skip
INCIDENT_META = frozenset(("status", "severity", "channel", "id", "kind", "history", "updated_at", "sla_target_hours",
                           "sla_clock", "sla_met", *INCIDENT_META_TIMES, *INCIDENT_META_TEXT))  # fmt: skip
#: fields kept as they are (exported documents): structured, already validated values
PASSTHROUGH = (
    "history",
    "classification",
    "escalation",
    "escalation_attempts",
    "sla_pauses",
    "sla_paused_at",
)
_FORMULA = re.compile(r"^'[=+\-@\t\r]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ImportRejected(SdcliError):
    "Some rows are invalid and the import writes all or nothing"


@dataclass
class Mapping:
    fields: dict[str, str] = field(default_factory=dict)  # field -> column
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ("",)
    not_required: frozenset[str] = frozenset()
    dayfirst: bool = False
    key: str | None = None
    on_conflict: str | None = None
    kind: str | None = None


def load_mapping(preset: str | None, mapping_file: str | None, maps: list[str], home: Path | None) -> Mapping:
    raw: dict[str, Any] = {}
    if preset:
        try:
            raw = load_data(f"preset-{preset}", home)
        except FileNotFoundError:
            raise InvalidValue("preset", preset, "unknown preset (known: servicenow)") from None
    if mapping_file:
        path = Path(mapping_file)
        try:
            text = path.read_text("utf-8-sig")
            import tomllib

            extra = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
        except (OSError, ValueError) as e:
            raise InvalidValue("mapping", mapping_file, f"cannot read it: {e}") from None
        for k, v in extra.items():
            raw[k] = {**raw.get(k, {}), **v} if isinstance(v, dict) and isinstance(raw.get(k), dict) else v
    m = Mapping(
        fields=dict(raw.get("fields", {})), values={k: dict(v) for k, v in raw.get("values", {}).items()},
        defaults=dict(raw.get("defaults", {})), missing=tuple(raw.get("missing", [""])),
        not_required=frozenset(raw.get("not_required", [])), dayfirst=bool(raw.get("dayfirst", False)),
        key=raw.get("key"), on_conflict=raw.get("on_conflict"), kind=raw.get("kind"),
    )  # fmt: skip
    for item in maps:
        target, eq, column = item.partition("=")
        if not eq or not target.strip() or not column.strip():
            raise UsageProblem(f"--map takes field=column, not {item!r}")
        m.fields[target.strip()] = column.strip()
    return m


# --------------------------------------------------------------------------- reading


def detect_format(source: str, explicit: str | None, head: str) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InvalidValue("format", explicit, "use " + ", ".join(FORMATS))
        return explicit
    suffix = Path(source).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("ndjson",):
        return "jsonl"
    stripped = head.lstrip()
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        return "jsonl"
    return "tsv" if "\t" in head.split("\n", 1)[0] else "csv"


def decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidValue("file", source, f"is not UTF-8 (invalid byte at offset {e.start})") from None


def read_rows(text: str, fmt: str, source: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """(columns, [(line, row)]) of a CSV/TSV/JSON/JSONL text."""
    if "\x00" in text:
        raise InvalidValue("file", source, "contains NUL bytes (not a text file)")
    rows: list[tuple[int, dict[str, Any]]] = []
    if fmt in ("csv", "tsv"):
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t")
        try:
            for row in reader:
                extra = row.pop(None, None)  # type: ignore[call-overload]
                if extra:
                    row["__extra__"] = extra
                rows.append((reader.line_num, row))
        except csv.Error as e:
            raise InvalidValue(
                "file", source, f"is not valid {fmt.upper()} at line {reader.line_num}: {e}"
            ) from None
        return list(reader.fieldnames or []), rows
    if fmt == "json":
        try:
            data = json.loads(text)
        except ValueError as e:
            raise InvalidValue("file", source, f"is not valid JSON: {e}") from None
        if not isinstance(data, list):
            raise InvalidValue("file", source, "expected a JSON array of objects")
        items = list(enumerate(data, start=1))
    else:
        items = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((n, json.loads(line)))
            except ValueError as e:
                raise InvalidValue("file", source, f"line {n} is not valid JSON: {e}") from None
    columns: dict[str, None] = {}
    for n, item in items:
        if not isinstance(item, dict):
            rows.append((n, {"__not_object__": item}))
            continue
        columns.update(dict.fromkeys(item))
        rows.append((n, item))
    return list(columns), rows


def _unescape(value: Any) -> Any:
    """A cell our export neutralised ('=SUM...) gets its text back."""
    if isinstance(value, str) and _FORMULA.match(value):
        return value[1:]
    return value


# --------------------------------------------------------------------------- validation


@dataclass
class RowError:
    line: int
    field: str
    value: Any
    reason: str

    def __str__(self) -> str:
        shown = (
            self.value
            if isinstance(self.value, str)
            else json.dumps(self.value, ensure_ascii=False, default=str)
        )
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"line {self.line}: {self.field}: {shown!r}: {self.reason}"


class IncidentRecords:
    """Turns mapped rows into stored incident fields, with the intake's validation."""

    prefix = "INC"

    def __init__(self, home: Path | None, mapping: Mapping, country: str | None, tz: str | None) -> None:
        self.questions = intake.load_questionnaire(home)
        self.ctx = intake.make_context(home, country=country, tz=tz)
        self.ctx.dayfirst = mapping.dayfirst
        self.mapping = mapping
        flow = load_data("workflow", home)["incident"]
        self.states = {flow["initial"], *(a["to"] for a in flow["actions"].values())}
        self.keys = frozenset(q.key for q in self.questions) | INCIDENT_META | frozenset(PASSTHROUGH)

    def record(self, raw: dict[str, Any]) -> dict[str, Any]:
        raw = dict(raw)
        meta = {k: raw.pop(k) for k in list(raw) if k in INCIDENT_META or k in PASSTHROUGH}
        answers = intake.check_all(
            self.questions, raw, self.ctx, not_required=self.mapping.not_required, extra_keys=frozenset()
        )
        out: dict[str, Any] = {"status": "open", "channel": "phone", **answers}
        problems: list[InvalidValue] = []
        tz = self.ctx.tz(answers)
        for k, v in meta.items():
            if v is None or v == "":
                continue
            try:
                out[k] = self._meta(k, v, tz)
            except InvalidValue as e:
                problems.append(e)
        validate.raise_all(problems)
        out.pop("id", None)
        out.pop("kind", None)
        out.pop("updated_at", None)
        out.setdefault("timezone", self.ctx.tz_name(answers))
        if out.get("channel") == "email" and "ack_due" not in out and out.get("opened_at"):
            out["ack_due"] = clock.iso(clock.from_iso(out["opened_at"]) + intake.ACK_WINDOW)
        return out

    def _meta(self, k: str, v: Any, tz: Any) -> Any:
        if k == "status":
            if v not in self.states:
                raise InvalidValue(k, v, "use one of " + ", ".join(sorted(self.states)))
            return v
        if k == "severity":
            try:
                level = int(str(v).strip().split(" ")[0])
            except ValueError:
                raise InvalidValue(k, v, "expected 1, 2, 3 or 4") from None
            if level not in (1, 2, 3, 4):
                raise InvalidValue(k, v, "expected 1, 2, 3 or 4")
            return level
        if k == "channel":
            if v not in intake.CHANNELS:
                raise InvalidValue(k, v, "use phone, email or portal")
            return v
        if k in INCIDENT_META_TIMES:
            return validate.when(k, v, tz, dayfirst=self.mapping.dayfirst)
        if k in ("sla_target_hours",):
            return float(v)
        if k in ("sla_met",):
            return validate.yesno(k, v)
        if k in PASSTHROUGH or k in ("id", "kind", "updated_at", "sla_clock"):
            return v
        return validate.text(k, v, limit=2000)


KINDS: dict[str, Callable[..., Any]] = {"incident": IncidentRecords}


def map_row(row: dict[str, Any], columns: list[str], m: Mapping, known: frozenset[str]) -> dict[str, Any]:
    """Stored fields from a row: known columns by name, mapped columns, value maps, defaults."""
    missing = m.missing
    values = m.values
    out: dict[str, Any] = {}
    items = list(row.items())
    if m.fields:
        items += [(target, row.get(column)) for target, column in m.fields.items()]
    for k, v in items:
        if k not in known and k not in m.fields:
            continue
        if v is None:
            out.pop(k, None)
            continue
        if isinstance(v, str):
            if v in missing or v.strip() in missing:
                out.pop(k, None)
                continue
            if v[:1] == "'":
                v = _unescape(v)
        if k in values and isinstance(v, str | int):
            vm = values[k]
            if v in vm:
                v = vm[v]
            elif str(v).strip() in vm:
                v = vm[str(v).strip()]
        out[k] = v
    for k, v in m.defaults.items():
        if out.get(k) in (None, ""):
            out[k] = v
    return out


# --------------------------------------------------------------------------- planning and writing


@dataclass
class Plan:
    read: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> new fields
    skipped: int = 0
    unchanged: int = 0
    merged: int = 0  # rows superseded by a later row with the same key (update)
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[tuple[int, dict[str, Any], str]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"read": self.read, "created": len(self.creates), "updated": len(self.updates),
                "skipped": self.skipped + self.unchanged, "merged": self.merged,
                "rejected": len(self.rejected_rows)}  # fmt: skip


def _errors_of(line: int, e: SdcliError) -> list[RowError]:
    if isinstance(e, InvalidValues):
        return [RowError(line, p.field, p.value, p.reason) for p in e.problems]
    if isinstance(e, InvalidValue):
        return [RowError(line, e.field, e.value, e.reason)]
    if isinstance(e, MissingAnswers):
        return [RowError(line, k, "", "is required") for k in (e.keys or e.flags)]
    return [RowError(line, "row", "", str(e))]


def plan_import(
    store: Store,
    rows: list[tuple[int, dict[str, Any]]],
    columns: list[str],
    *,
    kind: str,
    mapping: Mapping,
    home: Path | None,
    key: str | None,
    on_conflict: str,
    country: str | None = None,
    tz: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    if kind not in KINDS:
        raise InvalidValue("kind", kind, "import supports: " + ", ".join(KINDS))
    if on_conflict not in CONFLICTS:
        raise InvalidValue("on-conflict", on_conflict, "use skip, update or fail")
    records = KINDS[kind](home, mapping, country, tz)
    prefix = records.prefix
    key = (
        key
        or mapping.key
        or (
            "external_id"
            if "external_id" in mapping.fields or "external_id" in columns
            else "customer_reference"
        )
    )
    existing: dict[str, dict[str, Any]] = {}
    for doc in store.all_tickets(prefix):
        k = doc.get(key)
        if k not in (None, ""):
            existing[str(k)] = doc
    plan = Plan()
    pending: dict[str, int] = {}  # key -> index in plan.creates
    for line, row, fields, errs in validate_rows(records, rows, columns, mapping, progress):
        plan.read += 1
        if errs:
            plan.errors.extend(errs)
            plan.rejected_rows.append((line, row, "; ".join(f"{x.field}: {x.reason}" for x in errs)))
            continue
        assert fields is not None
        k = fields.get(key)
        k = None if k in (None, "") else str(k)
        if k is not None and (k in pending or k in existing):
            if on_conflict == "fail":
                err = RowError(
                    line,
                    key,
                    k,
                    "already exists" if k in existing and k not in pending else "appears twice in the file",
                )
                plan.errors.append(err)
                plan.rejected_rows.append((line, row, f"{key}: {err.reason}"))
                continue
            if on_conflict == "skip":
                plan.skipped += 1
                continue
            if k in pending:
                plan.creates[pending[k]] = fields
                plan.merged += 1
                continue
            doc_id = existing[k]["id"]
            if doc_id in plan.updates:
                plan.merged += 1
            plan.updates[doc_id] = fields  # the last row of a key wins
            continue
        if k is not None:
            pending[k] = len(plan.creates)
        plan.creates.append(fields)
    by_id = {d["id"]: d for d in existing.values()}
    for doc_id in list(plan.updates):
        doc, new = by_id[doc_id], plan.updates[doc_id]
        if all(doc.get(f) == v for f, v in new.items() if f != "history"):
            del plan.updates[doc_id]
            plan.unchanged += 1
    return plan


def _validate_one(
    records: Any, line: int, row: dict[str, Any], columns: list[str], mapping: Mapping
) -> tuple[Any, list[RowError]]:
    if "__not_object__" in row:
        return None, [RowError(line, "row", row["__not_object__"], "expected an object")]
    try:
        if "__extra__" in row:
            raise InvalidValue("row", row["__extra__"], "has more cells than the header")
        return records.record(map_row(row, columns, mapping, records.keys)), []
    except SdcliError as e:
        return None, _errors_of(line, e)


_JOB: tuple[Any, ...] = ()
PARALLEL_MIN_ROWS = 20_000


def _validate_range(bounds: tuple[int, int]) -> list[tuple[Any, list[RowError]]]:
    records, rows, columns, mapping = _JOB
    return [_validate_one(records, line, row, columns, mapping) for line, row in rows[bounds[0] : bounds[1]]]


def validate_rows(
    records: Any,
    rows: list[tuple[int, dict[str, Any]]],
    columns: list[str],
    mapping: Mapping,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, dict[str, Any], dict[str, Any] | None, list[RowError]]]:
    """(line, row, fields or None, errors) per row, in order; large inputs use every core (fork)."""
    import multiprocessing as mp
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if len(rows) < PARALLEL_MIN_ROWS or cores < 2 or "fork" not in mp.get_all_start_methods():
        for n, (line, row) in enumerate(rows):
            if progress and n % 500 == 0:
                progress(n)
            fields, errs = _validate_one(records, line, row, columns, mapping)
            yield line, row, fields, errs
        return
    global _JOB
    _JOB = (records, rows, columns, mapping)
    step = max(1, -(-len(rows) // (cores * 4)))
    chunks = [(i, min(len(rows), i + step)) for i in range(0, len(rows), step)]
    try:
        with mp.get_context("fork").Pool(cores) as pool:
            done = 0
            for (start, _end), results in zip(chunks, pool.imap(_validate_range, chunks), strict=True):
                for (line, row), (fields, errs) in zip(rows[start:_end], results, strict=True):
                    yield line, row, fields, errs
                done += len(results)
                if progress:
                    progress(done)
    finally:
        _JOB = ()


def write_plan(store: Store, plan: Plan, *, kind: str, actor: str, source: str) -> list[str]:
    prefix = {v: k for k, v in PREFIXES.items()}[kind]

    def updater(new: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def change(doc: dict[str, Any]) -> dict[str, Any]:
            doc.update({k: v for k, v in new.items() if k != "history"})
            return {"action": "import-update"}

        return change

    updates = {tid: updater(f) for tid, f in plan.updates.items()}
    if not plan.creates and not updates:
        return []
    return store.write_many(prefix, plan.creates, updates, actor=actor, event={"imported_from": source})


def write_rejects(
    path: Path, fmt: str, columns: list[str], rejected: list[tuple[int, dict[str, Any], str]]
) -> None:
    buf = io.StringIO()
    if fmt in ("csv", "tsv"):
        w = csv.DictWriter(
            buf,
            fieldnames=[*columns, "line", "reason"],
            delimiter="," if fmt == "csv" else "\t",
            extrasaction="ignore",
        )
        w.writeheader()
        for line, row, reason in rejected:
            w.writerow({**{k: neutralise(v) for k, v in row.items()}, "line": line, "reason": reason})
    elif fmt == "json":
        buf.write(
            json.dumps(
                [{**row, "line": line, "reason": reason} for line, row, reason in rejected],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for line, row, reason in rejected:
            buf.write(json.dumps({**row, "line": line, "reason": reason}, ensure_ascii=False) + "\n")
    write_output(path, buf.getvalue())


def write_output(path: Path, text: str) -> None:
    from sdcli.store import atomic_write

    try:
        atomic_write(path, text.encode("utf-8"))
    except SdcliError:
        raise
    except OSError as e:
        raise InvalidValue("output", str(path), e.strerror or str(e)) from None


# --------------------------------------------------------------------------- export


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def cell(value: Any) -> str:
    """The text form of a stored value in a CSV cell (the importer reads it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and {"name", "email", "phone"} <= v.keys() for v in value)
    ):
        return " | ".join(f"{v['name']} <{v['email']}> {v['phone']}" for v in value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


CSV_SKIP = ("history", "classification", "escalation", "escalation_attempts", "sla_pauses")


def export_text(docs: list[dict[str, Any]], fmt: str) -> Iterator[str]:
    if fmt == "json":
        yield json.dumps(docs, ensure_ascii=False, indent=2) + "\n"
        return
    if fmt == "jsonl":
        for d in docs:
            yield json.dumps(d, ensure_ascii=False) + "\n"
        return
    if fmt not in ("csv", "tsv"):
        raise InvalidValue("format", fmt, "use csv, json or jsonl")
    columns: dict[str, None] = {}
    for d in docs:
        columns.update(dict.fromkeys(k for k in d if k not in CSV_SKIP))
    buf = io.StringIO()
    w = csv.DictWriter(
        buf, fieldnames=list(columns), delimiter="," if fmt == "csv" else "\t", lineterminator="\r\n"
    )
    w.writeheader()
    yield buf.getvalue()
    for d in docs:
        buf.seek(0)
        buf.truncate()
        w.writerow({k: neutralise(cell(d.get(k))) for k in columns})
        yield buf.getvalue()
