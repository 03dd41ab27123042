"""Start-up bench: `sdcli --help`, `--version`, `escalate ID --json` and `open` to its first
prompt, each ÷ a minimal Typer app doing the same, medians of runs taken alternately in this run.

    python -m bench.startup_bench                   # this tree ÷ the minimal apps
    python -m bench.startup_bench --before 9109ae6^ # and the code at that revision, in the same run

With --before, the revision's tree is extracted (`git archive`) to a temporary directory and run
with PYTHONPATH=<that tree> and this same Python (same venv, same libraries), so the figures
are before ÷ baseline, after ÷ baseline and after ÷ before, all from one run. Each side works on
a small store of its own (a few incidents opened by that side's own `sdcli open`).

Each side's tree is byte-compiled first (`compileall`), as `pip install` does for the baseline's
libraries (typer, click, rich): with PYTHONDONTWRITEBYTECODE set, as on the shared machine, an
editable tree is otherwise compiled again on every run (~100 ms of `escalate ID --json`), which
no installed sdcli pays. `--no-compile` measures the trees as they are.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import ROOT, SDCLI, env_for, medians, timed

#: a minimal Typer app: one command with an argument and --json, and an eager --version
MINIMAL = """\
import json, typer
app = typer.Typer()
def version(value: bool):
    if value:
        print("minimal 1.0")
        raise typer.Exit()
@app.command()
def main(ticket: str, as_json: bool = typer.Option(False, '--json'),
         v: bool = typer.Option(False, '--version', callback=version, is_eager=True)):
    '''Show one ticket.'''
    print(json.dumps({'id': ticket}))
app()
"""

#: a minimal Typer command that asks one questionary question (what `open` does first)
ASKING = """\
import typer, questionary
app = typer.Typer()
@app.command()
def main():
    questionary.text('Nombre del cliente').unsafe_ask()
app()
"""

FIRST_PROMPT = "Nombre del cliente"

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 987654321", "--json"]  # fmt: skip


def apps(tmp: Path) -> tuple[Path, Path]:
    minimal, asking = tmp / "minimal.py", tmp / "asking.py"
    minimal.write_text(MINIMAL)
    asking.write_text(ASKING)
    return minimal, asking


def first_prompt(argv: list[str], env: dict[str, str]) -> float:
    """Seconds until `argv`, on a pseudo-terminal, shows the first question."""
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(40, 100), timeout=60)
    child.expect(FIRST_PROMPT)
    took = time.perf_counter() - start
    child.sendcontrol("c")
    child.close(force=True)
    return took


def startup(tmp: Path, home: Path, rounds: int) -> None:
    """`escalate ID --json` and `open` to its first prompt ÷ minimal Typer apps (the scale
    bench's start-up lines; `home` holds INC1). This tree is byte-compiled first, as `side` does
    and as an installed package is."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parent.parent / "sdcli")],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    minimal, asking = apps(tmp)
    env = env_for(home)
    a, b = medians([lambda: timed([*SDCLI, "escalate", "INC1", "--json"], env),
                    lambda: timed([sys.executable, str(minimal), "INC1", "--json"], env)], rounds)  # fmt: skip
    print(f"escalate ID --json {a * 1000:.0f}ms ÷ a one-command Typer app {b * 1000:.0f}ms: {a / b:.2f}x")
    a, b = medians([lambda: first_prompt([*SDCLI, "--lang", "es", "open"], env),
                    lambda: first_prompt([sys.executable, str(asking)], env)], rounds)  # fmt: skip
    print(f"open to its first prompt {a * 1000:.0f}ms ÷ a Typer command asking one question {b * 1000:.0f}ms: "
          f"{a / b:.2f}x")  # fmt: skip


def side(tree: Path, home: Path, compile_first: bool = True) -> dict[str, str]:
    """The environment of one side: its code first on the path (byte-compiled, as an installed
    package is, unless told not to), its own small store."""
    env = {**env_for(home), "PYTHONPATH": str(tree)}
    if compile_first:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "sdcli")], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    for _ in range(3):
        subprocess.run([*SDCLI, *OPEN], env=env, check=True, stdout=subprocess.DEVNULL)
    where = subprocess.run([sys.executable, "-c", "import sdcli; print(sdcli.__file__)"], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert where.startswith(str(tree)), f"{tree}: sdcli imported from {where}"
    return env


def extract(rev: str, into: Path) -> Path:
    """The tree of `rev` (git archive), to run with PYTHONPATH."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def compare(tmp: Path, rounds: int, before: str | None, compile_first: bool = True) -> None:
    minimal, asking = apps(tmp)
    sides = {"after": side(ROOT, tmp / "home-after", compile_first)}
    if before is not None:
        sides["before"] = side(extract(before, tmp / "before"), tmp / "home-before", compile_first)
    base_env = env_for(tmp / "home-after")
    cases: list[tuple[str, Callable[[dict[str, str]], float], Callable[[], float]]] = [
        ("--help", lambda env: timed([*SDCLI, "--help"], env),
         lambda: timed([sys.executable, str(minimal), "--help"], base_env)),
        ("--version", lambda env: timed([*SDCLI, "--version"], env),
         lambda: timed([sys.executable, str(minimal), "--version"], base_env)),
        ("escalate ID --json", lambda env: timed([*SDCLI, "escalate", "INC1", "--json"], env),
         lambda: timed([sys.executable, str(minimal), "INC1", "--json"], base_env)),
        ("open to its first prompt", lambda env: first_prompt([*SDCLI, "--lang", "es", "open"], env),
         lambda: first_prompt([sys.executable, str(asking)], base_env)),
    ]  # fmt: skip
    load = os.getloadavg()
    print(
        f"{rounds} rounds, each side alternately; {'byte-compiled' if compile_first else 'not compiled'}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    names = list(sides)
    head = "".join(f"{n:>10}" for n in [*names, "baseline"]) + "".join(f"{n + ' ÷ base':>15}" for n in names)
    print(f"{'':26}{head}" + (f"{'after ÷ before':>16}" if before else ""))
    for name, ours, base in cases:
        runs = [lambda env=env, ours=ours: ours(env) for env in sides.values()] + [base]
        got = medians(runs, rounds)
        line = "".join(f"{t * 1000:8.0f}ms" for t in got) + "".join(f"{t / got[-1]:14.2f}x" for t in got[:-1])
        print(f"{name:26}{line}" + (f"{got[0] / got[1]:15.2f}x" if before else ""), flush=True)
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", metavar="REV", help="also run the code at this git revision (e.g. 9109ae6^)")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--no-compile", action="store_true", help="run the trees without byte-compiling them")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)  # `python -m` puts the working directory first on the path: no side's tree
        compare(Path(scratch), args.rounds, args.before, not args.no_compile)


if __name__ == "__main__":
    main()
