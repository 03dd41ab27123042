"""Where a command's output goes and in what shape: rows as a table on a terminal and as
tab-separated text in a pipe (gh's convention), `--format table|tsv|csv|json`, `--json FIELDS`,
`--quiet`, and a pager for long views on a terminal."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import typer

ROW_FORMATS = ("table", "tsv", "csv", "json")
#: a --json value that names fields (id,status): lower-case keys, commas; a ticket id is not one
_FIELDS = re.compile(r"^[a-z_][a-z0-9_]*(?:,[a-z_][a-z0-9_]*)*$")
_TICKET_ID = re.compile(r"^(?:inc|ssr|chg)\d+$", re.I)


class _Run:
    """What the root command read for this run's output (set while parsing the arguments)."""

    json_fields: list[str] | None = None
    no_pager: bool = False


RUN = _Run()


def take_json_fields(args: list[str]) -> list[str]:
    """The arguments with `--json FIELDS` / `--json=FIELDS` turned into a bare `--json`; the fields
    are kept for emit_json. Bare `--json` keeps its full output."""
    RUN.json_fields = None
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out.extend(args[i:])
            break
        if arg.startswith("--json="):
            RUN.json_fields = _split(arg.partition("=")[2])
            out.append("--json")
        elif arg == "--json" and i + 1 < len(args) and _is_fields(args[i + 1]):
            RUN.json_fields = _split(args[i + 1])
            out.append("--json")
            i += 1
        else:
            out.append(arg)
        i += 1
    return out


def _is_fields(token: str) -> bool:
    return bool(_FIELDS.match(token)) and not _TICKET_ID.match(token)


def _split(text: str) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()]


def select(data: Any, fields: list[str] | None = None) -> Any:
    """Only the named keys of an object, or of each object of a list (in the order named);
    an unknown field is an error naming the known ones."""
    fields = RUN.json_fields if fields is None else fields
    if not fields:
        return data
    items = data if isinstance(data, list) else [data]
    known: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):
            known.update(dict.fromkeys(item))
    unknown = [f for f in fields if f not in known and items]
    if unknown and known:
        from sdcli.errors import InvalidValue

        raise InvalidValue("json", ",".join(unknown), "invalid.json_fields", known=", ".join(sorted(known)))

    def pick(item: Any) -> Any:
        return {f: item.get(f) for f in fields} if isinstance(item, dict) else item

    return [pick(x) for x in data] if isinstance(data, list) else pick(data)


def stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def row_format(fmt: str | None, as_json: bool) -> str:
    """table on a terminal, tsv in a pipe; --json is json; --format wins over both."""
    if fmt is not None:
        f = fmt.strip().lower()
        if f not in ROW_FORMATS:
            from sdcli.errors import InvalidValue

            raise InvalidValue("format", fmt, "invalid.use_one_of", choices=", ".join(ROW_FORMATS))
        return f
    if as_json:
        return "json"
    return "table" if stdout_is_tty() else "tsv"


def plain_cell(value: Any) -> str:
    """A stored value as one plain cell: the export's text form, on one line, controls escaped."""
    from sdcli.tables import cell
    from sdcli.ui import one_line

    return one_line(cell(value)).replace("\t", " ")


def emit_rows(
    rows: list[dict[str, Any]],
    columns: Iterable[str],
    *,
    fmt: str | None,
    as_json: bool,
    quiet: bool,
    table: Callable[[], None],
) -> None:
    """A listing in the shape asked for: ids only (--quiet), JSON, TSV or CSV with a header
    (keys as stored, values as the export writes them), else the human table."""
    from sdcli.ui import emit_json

    if quiet:
        sys.stdout.write("".join(f"{r.get('id', '')}\n" for r in rows))
        return
    shape = row_format(fmt, as_json)
    if shape == "json":
        if len(rows) <= STREAM_FROM:
            emit_json(rows)
        else:
            stream_json(select(rows))
        return
    if shape == "table":
        table()
        return
    cols = list(RUN.json_fields or columns)
    if shape == "tsv":
        out = sys.stdout
        out.write("\t".join(cols) + "\n")
        for start in range(0, len(rows), STREAM_FROM):  # written as it goes, a chunk at a time
            out.write("".join("\t".join(plain_cell(r.get(c)) for c in cols) + "\n"
                              for r in rows[start : start + STREAM_FROM]))  # fmt: skip
        return
    from sdcli.tables import neutralise

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([neutralise(plain_cell(r.get(c))) for c in cols])
    sys.stdout.write(buf.getvalue())


#: rows past this many are written as they go (JSON by orjson), not built into one text first
STREAM_FROM = 300


def stream_json(items: list[Any]) -> None:
    """A JSON array written an item at a time by orjson, laid out as emit_json's json.dumps
    (indent 2, UTF-8 text as is): valid JSON however far it has got when read whole."""
    out = sys.stdout
    _write_array(out, items, "")
    out.write("\n")
    out.flush()


def stream_json_object(data: dict[str, Any]) -> None:
    """emit_json of an object (`--json FIELDS` kept alike) whose lists are written an item at a
    time by orjson, laid out as json.dumps(indent=2, ensure_ascii=False) lays it out."""
    data = select(data)
    out = sys.stdout
    if not data:
        out.write("{}\n")
        return
    for i, (key, value) in enumerate(data.items()):
        out.write(("{\n  " if i == 0 else ",\n  ") + _indented(key, "") + ": ")
        if isinstance(value, list):
            _write_array(out, value, "  ")
        else:
            out.write(_indented(value, "  "))
    out.write("\n}\n")
    out.flush()


def _write_array(out: TextIO, items: list[Any], indent: str) -> None:
    """A JSON array whose closing bracket is at `indent`, one item at a time (stream_json's and
    stream_json_object's one writer)."""
    if not items:
        out.write("[]")
        return
    inner = indent + "  "
    for i, item in enumerate(items):
        out.write(("[\n" if i == 0 else ",\n") + inner + _indented(item, inner))
    out.write("\n" + indent + "]")


def _indented(value: Any, indent: str) -> str:
    """orjson's indent-2 text of a value whose first line is already at `indent`."""
    import orjson  # deferred: only JSON output pays for it

    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8").replace("\n", "\n" + indent)


# --------------------------------------------------------------------------- pager


def paged(render: Callable[[Any], None]) -> None:
    """Render a view; on a terminal, through $PAGER (default `less -FRX`) when it is taller than
    the screen, unless --no-pager or SDCLI_PAGER=''/cat."""
    from sdcli.ui import console

    out = console()
    if RUN.no_pager or not stdout_is_tty() or not out.is_terminal:
        render(out)
        return
    with out.capture() as cap:
        render(out)
    shown = cap.get()
    if shown.count("\n") < out.size.height:
        sys.stdout.write(shown)
        return
    pager = os.environ.get("SDCLI_PAGER", os.environ.get("PAGER", "less -FRX"))
    if not pager.strip() or pager.strip() == "cat":
        sys.stdout.write(shown)
        return
    import shlex
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        subprocess.run(shlex.split(pager), input=shown.encode("utf-8"), env=env, check=False)
    except OSError:
        sys.stdout.write(shown)


NO_PAGER_HELP = "Never page long views (else $PAGER, default less, on a terminal)."


def set_no_pager(value: bool) -> None:
    RUN.no_pager = bool(value) or os.environ.get("SDCLI_NO_PAGER", "") not in ("", "0")


FORMAT_OPTION = typer.Option(
    None, "--format", help="table, tsv, csv or json (default: table on a terminal, else tsv)."
)
QUIET_OPTION = typer.Option(False, "--quiet", "-q", help="Print only the ids, one a line.")
