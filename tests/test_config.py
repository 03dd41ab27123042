"""Desk configuration: one typed, validated loader for every data file; errors name the file and
the key path; a mutated desk file is a one-line error, never a crash (issue 13, defect 9)."""

from __future__ import annotations

import copy
import json
import os
import random
import tomllib
from importlib import resources

import pytest
import typer.main
import typer.testing
from conftest import DATA, err, report

from sdcli.cli import app

NOW = {"SDCLI_NOW": "2026-12-01T10:00:00-03:00", "SDCLI_NO_INPUT": "1"}
OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem", "link_down",
        "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency"]  # fmt: skip
PACKAGED = sorted(p.name[:-5] for p in resources.files("sdcli.data").iterdir() if p.name.endswith(".toml"))
CONTRACTS = {
    "contract": [{"customer": "ACME", "service_type": "mpls", "targets": {"1": 2, "2": 6}, "clock": {"2": "business"}}],
    "ssr_price": [{"customer": "ACME", "category": "dns_change", "amount": 45.5, "currency": "BRL"}],
}  # fmt: skip


def toml(data: dict) -> str:
    """A TOML text of plain data (every table inline; tomllib reads it back the same)."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(map(value, v)) + "]"
        return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"

    return "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in data.items())


def packaged(name: str) -> dict:
    return tomllib.loads(resources.files("sdcli.data").joinpath(f"{name}.toml").read_text("utf-8"))


def write(home, name: str, text: str) -> str:
    home.mkdir(parents=True, exist_ok=True)
    path = home / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def one_error(r) -> str:
    lines = err(r).strip().splitlines()
    assert r.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), (r.exit_code, r.output)
    return lines[0]


def refusal(r) -> str | None:
    """The `Error:` line of a failed run, when it is the one error line and the last (an import
    names its bad rows on indented lines before it); None for anything else."""
    lines = [x for x in err(r).splitlines() if x.strip()]
    errors = [x for x in lines if x.startswith("Error: ")]
    if r.exit_code != 1 or len(errors) != 1 or lines[-1] != errors[0]:
        return None
    if not all(x.startswith(("  ", "Warning: ")) for x in lines[:-1]):
        return None
    return errors[0]


def open_incident(sdcli) -> str:
    return sdcli.json(*OPEN, "--json", env=NOW)["id"]


# --------------------------------------------------------------------------- the loader's errors


def test_every_packaged_data_file_has_a_schema_and_passes_it():
    from sdcli import config

    assert set(PACKAGED) == {"questionnaire", "severity", "classification", "escalation", "workflow", "ssr",
                             "change", "countries", "currencies", "incident", "messages-es", "messages-en", "messages-pt",
                             "preset-servicenow", "help-es", "help-pt"}  # fmt: skip
    for name in PACKAGED:
        assert config.packaged(name) == packaged(name), name
    assert config.load("contracts") == {}  # no packaged copy: an absent contracts.toml is empty


def test_wrong_typed_escalation_contact_names_the_file_and_key_path(sdcli, home):
    inc = open_incident(sdcli)
    data = packaged("escalation")
    data["level"][2]["contacts"][0]["phone"] = 12
    path = write(home, "escalation", toml(data))
    r = sdcli("escalate", inc, "--json", env=NOW)
    assert one_error(r) == f"Error: {path}: level[2].contacts[0].phone: expected text, got 12"


def test_workflow_missing_a_key_is_named_not_a_key_error(sdcli, home):
    inc = open_incident(sdcli)
    data = packaged("workflow")
    del data["incident"]["actions"]
    path = write(home, "workflow", toml(data))
    for args in (("resolve", inc, "--note", "fixed"), ("list",), ("show", inc)):
        r = sdcli(*args, env=NOW)
        assert one_error(r) == f"Error: {path}: incident.actions: is missing (required)", args


def test_a_misspelt_key_is_refused_by_name(sdcli, home):
    inc = open_incident(sdcli)
    path = write(
        home, "escalation", "max_failed_attemps = 2\n" + toml({"level": packaged("escalation")["level"]})
    )
    r = sdcli("escalate", inc, "--json", env=NOW)
    assert one_error(r) == (
        f"Error: {path}: max_failed_attemps: unknown key (known: max_failed_attempts, level)"
    )


def test_keys_nothing_reads_are_gone():
    assert "no_notes" not in json.dumps(packaged("workflow"))
    assert "currency_default" not in packaged("change")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[[contract]]\ncustomer = "ACME"\ntargets = { "1" = "six" }\n', 'contract[0].targets."1": expected a number, got \'six\''),
        ('[[contract]]\ncustomer = "ACME"\nclock = { "1" = "weekdays" }\n', 'contract[0].clock."1": expected one of 24x7, business'),
        ('[[contract]]\ncustomer = 7\n', "contract[0].customer: expected text, got 7"),
        ("contract = 3\n", "contract: expected a list, got 3"),
        ('[[contract]]\ncustomer = "ACME"\ntarget = { "1" = 2 }\n', "contract[0].target: unknown key"),
    ],
)  # fmt: skip
def test_wrong_typed_contracts_are_named(sdcli, home, text, where):
    inc = open_incident(sdcli)
    path = write(home, "contracts", text)
    r = sdcli("classify", inc, "--severity", "1", "--reason", "r", env=NOW)
    assert one_error(r).startswith(f"Error: {path}: {where}")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("level = [", "is not valid TOML"),
        ("max_failed_attempts = " + "9" * 5000, "is not valid TOML"),  # int() refuses 4,300+ digits
        ("x = " + "[" * 3000 + "]" * 3000, "is not valid TOML (nested too deeply)"),
        (
            "max_failed_attempts = 1979-05-27\n",
            "max_failed_attempts: expected a whole number, got a date/time",
        ),
        ("level = []\n", "level: must not be empty"),
    ],
)
def test_broken_desk_file_is_one_line_naming_it(sdcli, home, text, why):
    inc = open_incident(sdcli)
    path = write(home, "escalation", text)
    assert one_error(sdcli("escalate", inc, "--json", env=NOW)).startswith(f"Error: {path}: {why}")


def test_a_desk_file_that_is_not_utf8_is_named(sdcli, home):
    inc = open_incident(sdcli)
    write(home, "severity", "")
    (home / "severity.toml").write_bytes(b'business_hours = "\xff"\n')
    r = sdcli("classify", inc, "--accept-suggestion", env=NOW)
    assert one_error(r).startswith(
        f"Error: {home / 'severity.toml'}: is not UTF-8 text (byte 0xFF at offset 18"
    )
    assert "save it as UTF-8" in one_error(r)  # and how (tests/test_file_encoding.py)


def test_templates_may_use_only_their_placeholders(sdcli, home):
    path = write(home, "messages-es", toml({"open": {"ack": "Incidente {numero}"}}))
    r = sdcli(*OPEN, env=NOW)
    assert one_error(r).startswith(f"Error: {path}: open.ack: {{numero}} is not a placeholder it may use")
    assert one_error(sdcli("list", "--json")) == one_error(r)  # every run names it, whatever its language
    (home / "messages-es.toml").unlink()
    assert sdcli.json("list", "--json") == []  # refused before anything was written


def test_a_desk_file_is_parsed_once_per_content(home):
    from sdcli import config

    write(home, "change", toml(packaged("change")))
    first = config.load("change", home)
    assert config.load("change", home) is first
    data = packaged("change")
    data["type"] = data["type"][:1]
    write(home, "change", toml(data))
    assert config.load("change", home) == data


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("map.json", '{"fields": [1, 2]}', "fields: expected an object, got a list"),
        ("map.json", '{"values": {"status": 5}}', "values.status: expected an object, got 5"),
        ("map.json", '{"dayfirst": "yes"}', "dayfirst: expected true or false, got 'yes'"),
        ("map.json", '{"missing": 3}', "missing: expected a list, got 3"),
        ("map.json", '{"fields": {"customer": ' + "[" * 2000 + "]" * 2000 + "}}", "is not valid JSON"),
        ("map.toml", "not_required = [1]\n", "not_required[0]: expected text, got 1"),
        (
            "map.toml",
            'on_conflict = "merge"\n',
            "on_conflict: expected one of skip, update, fail, got 'merge'",
        ),
        ("map.toml", "[field]\ncustomer = 'Client'\n", "field: unknown key"),
    ],
)
def test_wrong_typed_mapping_files_are_named(sdcli, tmp_path, name, text, where):
    rows = tmp_path / "rows.csv"
    rows.write_text("customer,site\nACME,Lima\n", encoding="utf-8")
    mapping = tmp_path / name
    mapping.write_text(text, encoding="utf-8")
    r = sdcli("import", str(rows), "--mapping", str(mapping))
    assert one_error(r).startswith(f"Error: {mapping}: {where}")


def test_an_unknown_preset_is_refused_and_names_nothing_outside_the_data(sdcli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("customer\nACME\n", encoding="utf-8")
    for preset in ("jira", "../../etc/passwd"):
        assert "unknown preset" in one_error(sdcli("import", str(rows), "--preset", preset))


# --------------------------------------------------------------------------- mutations


def _paths(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _wrong(value):
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, str):
        return 12
    if isinstance(value, int | float):
        return "x"
    if isinstance(value, list):
        return "x"
    return ["x"]


_DELETE = object()


def mutations(data: dict) -> list[tuple[str, tuple, object]]:
    """Every (kind, key path, new value) of one file: a wrong type at every value, every key
    removed, an unknown key in every table, every list emptied."""
    out = []
    for path, value in _paths(data):
        if path:
            out.append(("wrong type", path, _wrong(value)))
            if isinstance(path[-1], str):
                out.append(("missing key", path, _DELETE))
        if isinstance(value, dict):
            out.append(("extra key", (*path, "zz_unknown"), 1))
        if isinstance(value, list) and value:
            out.append(("empty list", path, []))
    return out


def mutate(data: dict, path: tuple, new) -> dict:
    out = copy.deepcopy(data)
    node = out
    for k in path[:-1]:
        node = node[k]
    if new is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = new
    return out


#: the commands that read each data file (a crash or a wrong message would show there); `shift`
#: reads severity and escalation only for some tickets (and shows no escalations without a table)
def _runs(inc: str, unclassified: str, never: str, snow: str) -> dict[str, list[list[str]]]:
    classify = ["classify", inc, "--severity", "2", "--reason", "r", "--json"]
    ssr_check = [
        "ssr",
        "check",
        "--start",
        "2026-12-15 10:00",
        "--country",
        "BR",
        "--tz",
        "America/Sao_Paulo",
        "--json",
    ]
    change = ["change", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--type", "rack_relocation", "--description", "d",
              "--window-start", "2026-12-10T22:00", "--window-end", "2026-12-11T04:00",
              "--project-manager", "Pia <pia@acme.pe> +51 1 4117001", "--no-input", "--json"]  # fmt: skip
    return {
        "questionnaire": [[*OPEN, "--json"]],
        "messages-es": [OPEN],
        "countries": [[*OPEN, "--json"], ssr_check],
        "severity": [classify, ["shift", "--json"]],
        "classification": [["classify", unclassified, "--accept-suggestion", "--json"], ["escalate", never, "--json"]],
        "escalation": [["escalate", inc, "--json"], ["shift"]],
        "workflow": [["list", "--json"], ["show", inc], ["change", "states", "--json"], [*OPEN, "--json"]],
        "ssr": [ssr_check],
        "change": [change],
        "preset-servicenow": [["import", snow, "--preset", "servicenow", "--country", "PE", "--dry-run", "--json"]],
        "contracts": [classify],
    }  # fmt: skip


PER_FILE = 45  # mutations sampled per file (deterministically): about 800 runs in all


def test_mutated_desk_files_never_crash_and_name_file_and_key(home, tmp_path, monkeypatch):
    """Every data file, mutated (wrong types, missing keys, unknown keys, empty lists), in the
    home: each run of the commands that read it succeeds or prints one `Error:` line, exit 1; when
    the loader refuses the file, that line is its refusal (file and key path)."""
    command = typer.main.get_command(app)  # built once: the runs take milliseconds, not 30 ms each
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: command)
    runner = typer.testing.CliRunner()
    for k, v in NOW.items():
        monkeypatch.setenv(k, v)

    def run(args):
        return runner.invoke(app, args)

    inc = json.loads(run([*OPEN, "--json"]).stdout)["id"]
    assert run(["classify", inc, "--severity", "1", "--reason", "r"]).exit_code == 0
    unclassified = json.loads(run([*OPEN, "--json"]).stdout)["id"]
    never = json.loads(run([*OPEN, "--json"]).stdout)["id"]  # escalated on its suggestion: reads the rules
    snow = tmp_path / "snow.csv"
    snow.write_text("".join(DATA.joinpath("servicenow-incident-event-log-sample.csv").open().readlines()[:4]))
    runs = _runs(inc, unclassified, never, str(snow))
    rng = random.Random(13)
    crashes, done = [], []
    figures = {"runs": 0, "ok": 0, "file_errors": 0, "other_errors": 0}
    for name, commands in runs.items():
        base = CONTRACTS if name == "contracts" else packaged(name)
        every = mutations(base)
        for kind, path, new in rng.sample(every, min(PER_FILE, len(every))):
            data = mutate(base, path, new)
            file = write(home, name, toml(data))
            for args in commands:
                r = run(args)
                figures["runs"] += 1
                error = refusal(r)
                if "Traceback" in r.output or "(a bug" in err(r) or (r.exit_code != 0 and error is None):
                    crashes.append((name, kind, path, args[:2], r.exit_code, err(r)[-300:]))
                done.append((name, file, data, args, error))
        (home / f"{name}.toml").unlink()
    report("config_mutations", runs=figures["runs"], crashes=len(crashes))
    assert crashes == [], f"{len(crashes)} of {figures['runs']} runs crashed: {crashes[:5]}"
    wrong_message = []
    for name, file, data, args, error in done:
        expected = _refusal(name, file, data)
        if expected is not None and args[0] != "shift" and error != expected:  # shift may not read it
            wrong_message.append((name, file, args[:2], error, expected))
        elif error is None:
            figures["ok"] += 1
        else:
            figures["file_errors" if error.startswith(f"Error: {file}: ") else "other_errors"] += 1
    report("config_mutations", **figures, crashes=0)
    assert wrong_message == [], wrong_message[:5]
    assert figures["runs"] >= 700 and figures["file_errors"] >= figures["runs"] // 2, figures


def _refusal(name: str, file: str, data: dict) -> str | None:
    """The one line the loader gives for this file, or None when it accepts it."""
    from sdcli import config
    from sdcli.errors import ConfigError
    from sdcli.ui import one_line

    try:
        config.parse(toml(data).encode("utf-8"), file, name)
    except ConfigError as e:
        return f"Error: {one_line(e)}"
    return None


@pytest.mark.parametrize(
    ("lang", "toml_says", "private_says"),
    [
        (
            "es",
            "no es TOML válido (",
            "el archivo de configuración de la mesa puede ser modificado por el grupo",
        ),
        ("pt", "não é TOML válido (", "o arquivo de configuração da central pode ser alterado pelo grupo"),
        ("en", "is not valid TOML (", "the desk configuration file is writable by group or others"),
    ],
)
def test_a_broken_or_unprivate_desk_file_is_told_in_the_sessions_language(sdcli, home, lang, toml_says,
                                                                          private_says):  # fmt: skip
    """A desk file that is no TOML, or one others may write, was refused in English in a Spanish or
    Portuguese session (the not-UTF-8 refusal was not): each is in the language of --lang or
    SDCLI_LANG now, naming the file, the parser's words and the fix as before."""
    inc = open_incident(sdcli)
    word = {"es": "Error", "pt": "Erro", "en": "Error"}[lang]

    def refused(r) -> str:
        lines = err(r).strip().splitlines()
        assert r.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"{word}: "), r.output
        return lines[0]

    path = write(home, "escalation", "level = [")
    line = refused(sdcli("--lang", lang, "escalate", inc, "--json", env=NOW))
    assert line.startswith(f"{word}: {path}: {toml_says}"), line
    write(home, "escalation", "x = " + "[" * 3000 + "]" * 3000)
    nested = {"es": "(anidado demasiado hondo)", "pt": "(aninhado fundo demais)", "en": "(nested too deeply)"}
    assert nested[lang] in refused(sdcli("escalate", inc, "--json", env={**NOW, "SDCLI_LANG": lang}))
    write(home, "escalation", toml(packaged("escalation")))
    os.chmod(path, 0o666)
    line = refused(sdcli("escalate", inc, "--json", env={**NOW, "SDCLI_LANG": lang}))
    assert line.startswith(f"{word}: {path}: {private_says}") and "0666" in line, line
    assert line.endswith(f": chmod go-w {path}"), line
    os.chmod(path, 0o600)
    settings = write(home, "config", "lang = [")  # the settings file: its language is not read from it
    os.chmod(settings, 0o600)
    line = refused(sdcli("list", env={"SDCLI_LANG": lang}))
    assert line.startswith(f"{word}: {settings}: {toml_says}"), line
