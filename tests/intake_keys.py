"""Keystrokes for the intake questionnaire, and a runner of `sdcli open` on pipe input."""

from __future__ import annotations

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

DOWN = "\x1b[B"
ENTER = "\r"
KILL_LINE = "\x15"  # Ctrl-U
CTRL_C = "\x03"

PROBLEM = {"link_down": 0, "slow": 1, "degraded": 2, "packet_loss": 3, "voice": 4, "other": 5}
SERVICE = {"satellite": 0, "internet": 1, "mpls": 2, "other": 3}


def select(index: int) -> str:
    return DOWN * index + ENTER


def line(text: str) -> str:
    return text + ENTER


def yes(flag: bool) -> str:
    return "y" if flag else "n"


def base_keys(
    problem: str, service: str, *, contingency: bool | None = False, works: bool = True
) -> list[str]:
    """customer..service_type, then the yes/no block; conditional parts are added by tests."""
    keys = [
        line("ACME Perú"), line("Lima HQ"), KILL_LINE + line("PE"), select(PROBLEM[problem]),
        line("Sin servicio desde las 8"),
        line("Ana Díaz"), line("ana@acme.pe"), line("01 4117000"), yes(False),
        line("Luis Soto"), line("luis@acme.pe"), line("+51 987 654 321"), yes(False),
        line("Mon-Fri 08:00-18:00"), line("ACME-4411"), select(SERVICE[service]),
    ]  # fmt: skip
    keys.append(yes(bool(contingency)))
    if contingency:
        keys.append(yes(works))
    return keys


def rest_keys(service: str, *, raining: bool = False) -> list[str]:
    keys = [yes(True), yes(False), yes(raining)]  # power now, power outage, raining (asked for every service)
    keys += [yes(True), yes(True)]  # equipment connected, rebooted
    return keys


SAVE = select(0)


def run_open(keys: list[str], args: list[str] | None = None, env: dict | None = None):
    from sdcli.cli import app

    with create_pipe_input() as inp:
        for k in keys:
            inp.send_text(k)
        inp.close()  # running out of keys ends the prompt instead of hanging the test
        with create_app_session(input=inp, output=DummyOutput()):
            return CliRunner().invoke(app, ["open", *(args or [])], env=env)
