"""The root is a lazy group (issue 17): the command table (sdcli/commands/__init__.py) names every
command with its line of help, and a command's module is imported only when that command runs,
shows its own help or completes. Checked in a process of its own: the modules it imported."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BACKEND, PY, err, subprocess_env

from sdcli.commands import COMMANDS

#: runs `sdcli ARGS` as the `sdcli` program does, then prints the modules it imported
PROBE = """\
import atexit, json, sys
atexit.register(lambda: print("MODULES " + json.dumps(sorted(sys.modules))))
sys.argv = ["sdcli", *sys.argv[1:]]
from sdcli.cli import main
main()
"""


def run(home, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    r = subprocess.run([PY, "-c", PROBE, *args], env=subprocess_env(home, **env), capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    head, _, modules = r.stdout.rpartition("MODULES ")
    r.stdout = head
    return r, set(json.loads(modules))


def command_modules(modules: set[str]) -> set[str]:
    return {m for m in modules if m.startswith("sdcli.commands.")}


def test_root_help_lists_every_command_with_its_line_and_imports_no_command(home):
    r, modules = run(home, "--help")
    assert r.returncode == 0, r.stderr
    assert command_modules(modules) == set()
    listed = r.stdout.partition("Commands:")[2]
    for name, (_module, line) in COMMANDS.items():
        assert f"\n  {name} " in listed, name
        assert " ".join(line.split()[:3]) in " ".join(listed.split()), name  # wrapped, but whole
    order = [w.split()[0] for w in listed.split("\n  ") if w.strip() and not w.startswith(" ")]
    assert order[: len(COMMANDS)] == list(COMMANDS)  # the table's order


def test_version_and_no_arguments_import_no_command(home):
    r, modules = run(home, "--version")
    assert r.returncode == 0 and r.stdout.startswith("sdcli ")
    assert command_modules(modules) == set()
    r, modules = run(home)  # no_args_is_help: the root's help
    assert "Commands:" in r.stdout + r.stderr and command_modules(modules) == set()
    assert r.returncode == 2 and r.stderr.startswith("Usage: sdcli [OPTIONS]") and "Error:" not in r.stderr


def test_a_command_s_help_imports_that_command_only(home):
    r, modules = run(home, "escalate", "--help")
    assert r.returncode == 0 and "--call" in r.stdout
    assert "sdcli.commands.escalate" in modules
    others = {f"sdcli.commands.{m}" for n, (m, _line) in COMMANDS.items() if n != "escalate"}
    assert command_modules(modules) & others == set()
    assert not {"sdcli.importing", "sdcli.tables"} & modules  # nor the importer


def test_a_group_loads_with_its_sub_commands_and_runs(home):
    r, modules = run(home, "ssr", "--help")
    assert r.returncode == 0 and "schedule" in r.stdout and "ack" in r.stdout
    assert "sdcli.commands.ssr" in modules and "sdcli.commands.open" not in modules
    r, _ = run(home, "--lang", "en", "ssr", "list", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []


def test_a_command_runs_after_it_is_loaded(home):
    r, modules = run(home, "--lang", "en", "show", "INC9")
    assert r.returncode == 1  # through the one error boundary: an unknown id is exit 1, one line
    assert err(r).startswith("Error: no ticket INC9") and len(err(r).splitlines()) == 1
    assert command_modules(modules) & {"sdcli.commands.open", "sdcli.commands.import_"} == set()


def test_a_mistyped_command_is_told_the_nearest_names_of_the_table(home):
    r, modules = run(home, "opne")
    assert r.returncode == 2
    assert "Error: no such command 'opne'; did you mean 'open', 'reopen'?" in r.stderr
    assert command_modules(modules) == set()


def test_command_names_complete_from_the_table_without_importing_them(home):
    r, modules = run(home, _SDCLI_COMPLETE="complete_bash", COMP_WORDS="sdcli s", COMP_CWORD="1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [n for n in COMMANDS if n.startswith("s")]
    assert command_modules(modules) == set()
    r, _ = run(home, _SDCLI_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="sdcli cl")
    assert '"classify":"Classify an incident' in r.stdout and '"close":"Close a resolved' in r.stdout


def test_the_table_s_line_is_the_command_s_own_first_line():
    """The root's --help shows the table's line without importing the command; it is the
    first line of the command's docstring (or of a group's help), a whole sentence."""
    for name, (module_name, line) in COMMANDS.items():
        module = importlib.import_module(f"sdcli.commands.{module_name}")
        if hasattr(module, "app"):
            own = " ".join(inspect.cleandoc(module.app.info.help).split("\n\n", 1)[0].split())
        else:
            own = inspect.cleandoc(module.command.__doc__ or "").split("\n", 1)[0]
        assert line == own, name
        assert line.endswith("."), name


#: what `escalate ID --json` leaves out (issue 18 start-up): recording a call, its advice and hours
NOT_ON_ESCALATE_JSON = {"sdcli.escalation_calls", "sdcli.tickets", "sdcli.views.escalation", "sdcli.prompts"}


def test_escalate_json_reads_without_the_call_recording_machinery(home):
    r, _ = run(home, "--lang", "en", "open", "--no-input", "--customer", "ACME", "--site", "Lima HQ",
               "--country", "PE", "--problem", "link_down", "--service-type", "mpls", "--callback",
               "Ana <ana@acme.pe> +51 987654321", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    inc = json.loads(r.stdout)["id"]
    r, modules = run(home, "--lang", "en", "escalate", inc, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["active_level"] >= 1  # the state, read whole
    assert modules & NOT_ON_ESCALATE_JSON == set()
    assert "sdcli.escalation" in modules and "sdcli.commands.escalate" in modules


#: what a read of one ticket never loads once the data files' checks are cached (issue 18 start-up):
#: the phone and e-mail validators, the terminal libraries, the questionnaire's compiled steps, the
#: file store's write side and its open index (SQLite: a canonical id is read from its shard)
NOT_ON_A_WARM_READ = {"phonenumbers", "email_validator", "rich", "questionary", "prompt_toolkit", "tomllib",
                      "sqlite3", "sdcli.store.openindex", "sdcli.store.tiny_prepare", "sdcli.questionnaire",
                      "sdcli.kinds", "sdcli.intake", "getpass"}  # fmt: skip


def test_escalate_json_on_a_warm_cache_loads_no_validator_terminal_library_or_write_side(home):
    home.mkdir(mode=0o700, parents=True)  # the cache is kept in the home (a PostgreSQL store creates none)
    r, _ = run(home, "--lang", "en", "open", "--no-input", "--customer", "ACME", "--site", "Lima HQ",
               "--country", "PE", "--problem", "link_down", "--service-type", "mpls", "--callback",
               "Ana <ana@acme.pe> +51 987654321", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    inc = json.loads(r.stdout)["id"]
    run(home, "--lang", "en", "escalate", inc, "--json")  # checks and caches the escalation table
    r, modules = run(home, "--lang", "en", "escalate", inc, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["severity_classified"] is False  # suggested: the questionnaire's facts read
    # postgres_query.py reads the open index's keys from openindex.py, which imports sqlite3
    skip = {"sqlite3", "sdcli.store.openindex"} if BACKEND == "postgresql" else set()
    assert modules & (NOT_ON_A_WARM_READ - skip) == set()
    assert "sdcli.escalation_table" in modules and "sdcli.sla" in modules


#: runs `sdcli ARGS` on a terminal; when the first question is drawn, writes the modules imported
#: by then to the file $PROBE_OUT (the question is then asked as usual)
PROBE_AT_PROMPT = """\
import json, os, sys
from prompt_toolkit.application import Application
run = Application.run
def first(self, *args, **kwargs):
    with open(os.environ["PROBE_OUT"], "w") as f:
        json.dump(sorted(sys.modules), f)
    Application.run = run
    return run(self, *args, **kwargs)
Application.run = first
sys.argv = ["sdcli", *sys.argv[1:]]
from sdcli.cli import main
main()
"""

#: what `open` does not load before its first question on a warm cache (issue 18 start-up): the
#: store (its directory is read once a customer is named), Rich, a TOML parser
NOT_BEFORE_OPEN_S_FIRST_PROMPT = {"sdcli.store.base", "sdcli.store.tiny", "sdcli.store.postgres", "tinydb",
                                  "sqlite3", "rich", "getpass", "tomllib",
                                  # the validators of later answers and the date reader (the first
                                  # answer checked loads them), and, on Linux, platformdirs (home.user_dir)
                                  "sdcli.kinds", "sdcli.dates", "sdcli.instants", "sdcli.sites", "sdcli.model",
                                  "sdcli.stored", "phonenumbers", "email_validator", "dateutil",
                                  *(["platformdirs"] if sys.platform == "linux" else [])}  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_open_asks_its_first_question_before_loading_the_store(home, tmp_path):
    import pexpect

    home.mkdir(mode=0o700, parents=True)  # the data files' cache is kept in the home
    # an English-speaking customer: the acknowledgement (in the customer's language) caches English's catalogue
    assert run(home, "customer", "add", "ACME", "--customer-lang", "en")[0].returncode == 0
    for _ in range(2):  # a store, then the home's cache of the data files
        r, _ = run(home, "--lang", "en", "open", "--no-input", "--customer", "ACME", "--site", "Lima HQ",
                   "--country", "PE", "--problem", "link_down", "--service-type", "mpls", "--callback",
                   "Ana <ana@acme.pe> +51 987654321")  # fmt: skip
        assert r.returncode == 0, r.stderr
    out = tmp_path / "modules.json"
    env = subprocess_env(home, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", PROBE_OUT=str(out))
    child = pexpect.spawn(PY, ["-c", PROBE_AT_PROMPT, "--lang", "en", "open"], env=env, encoding="utf-8",
                          timeout=30, dimensions=(40, 120))  # fmt: skip
    child.expect_exact("Customer name")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    modules = set(json.loads(out.read_text()))
    assert "questionary" in modules and "sdcli.intake" in modules  # it was at the first question
    assert modules & NOT_BEFORE_OPEN_S_FIRST_PROMPT == set()
    assert child.exitstatus == 130  # Ctrl-C at the first question: nothing kept, exit 130


def test_the_program_freezes_what_a_command_loaded_and_collects_young_objects_less_often(home):
    """A short-lived program: the modules a command loads are frozen (no collection scans them
    again) and young objects are collected every 10,000 allocations, not 700 — a full collection
    just before `open`'s first prompt was a tenth of its start-up. In-process callers keep Python's."""
    probe = PROBE.replace(
        'print("MODULES " + json.dumps(sorted(sys.modules)))',
        'print("GC " + json.dumps([__import__("gc").get_freeze_count(), __import__("gc").get_threshold()[0]]))',
    )
    r = subprocess.run([PY, "-c", probe, "store", "--help"], env=subprocess_env(home), capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    frozen, young = json.loads(r.stdout.rpartition("GC ")[2])
    assert r.returncode == 0 and frozen > 10_000 and young == 10_000, r.stdout[-300:]
    import gc

    assert gc.get_threshold()[0] != 10_000  # this process (the tests) left alone


@pytest.mark.parametrize(
    "env",
    [{}, {"XDG_DATA_HOME": "/x/data", "XDG_CONFIG_HOME": "/x/conf"}, {"XDG_DATA_HOME": "rel", "XDG_CONFIG_HOME": ""},
     {"HOME": "/home/a/"}, {"HOME": "/"}],
)  # fmt: skip
def test_the_user_directories_are_platformdirs_own(env, monkeypatch):
    """home.user_dir works out the XDG rule on Linux without importing platformdirs: the same
    directories platformdirs gives, whatever the variables say."""
    import platformdirs

    from sdcli.home import user_dir

    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert user_dir("data") == Path(platformdirs.user_data_dir("sdcli", appauthor=False))
    assert user_dir("config") == Path(platformdirs.user_config_dir("sdcli", appauthor=False))


def test_the_translated_help_is_read_only_for_a_help_page(home):
    """The command reference in Spanish or Portuguese (sdcli/helptext.py, help-es.toml) is loaded
    when a help page is made, never by an ordinary command in that language."""
    r, modules = run(home, "--lang", "es", "list", "--json")
    assert r.returncode == 0, r.stderr
    assert "sdcli.helptext" not in modules
    r, modules = run(home, "--lang", "es", "list", "-h")
    assert r.returncode == 0 and "Opciones:" in r.stdout and "sdcli.helptext" in modules
    r, modules = run(home, "--version", SDCLI_LANG="es")
    assert r.returncode == 0 and "sdcli.helptext" not in modules
