"""Shared by the benchmarks: timing of whole commands, interleaved so noise hits both sides."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def env_for(home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SDCLI_NOW", None)
    env["PYTHONPATH"] = str(ROOT)
    env["SDCLI_AGENT"] = "bench"
    if home is not None:
        env["SDCLI_HOME"] = str(home)
    return env


def run_once(argv: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(
    a: tuple[Sequence[str], dict[str, str]], b: tuple[Sequence[str], dict[str, str]], rounds: int
) -> tuple[float, float]:
    """Median seconds of a and of b, run alternately `rounds` times each after one warm-up."""
    run_once(*a)
    run_once(*b)
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(run_once(*a))
        tb.append(run_once(*b))
    return statistics.median(ta), statistics.median(tb)


SDCLI = [sys.executable, "-m", "sdcli"]


def timed(argv: Sequence[str], env: dict[str, str], *, tty: bool = False) -> float:
    start = time.perf_counter()
    if tty:  # on a terminal: what an agent sees (Rich tables, a screenful)
        import pexpect

        child = pexpect.spawn(argv[0], list(argv[1:]), env=env, dimensions=(50, 100), timeout=600)
        child.expect(pexpect.EOF)
        child.close()
    else:
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0:  # a command that fails is not timed
            print(f"  ({' '.join(argv[2:])}: exit {done.returncode}: {done.stderr.decode()[:100].strip()})")
            return float("nan")
    return time.perf_counter() - start


def medians(runs: list[Callable[[], float]], rounds: int) -> list[float]:
    """Median of each run, the runs taken alternately (noise hits every side alike)."""
    for run in runs:
        run()
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for i, run in enumerate(runs):
            times[i].append(run())
    return [statistics.median(t) for t in times]
