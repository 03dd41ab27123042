"""The questionnaire's flags of `sdcli open` and `sdcli complete` (--customer X, --callback '...'
repeated, --no-power, --power-unknown...): the questions are data (a desk's questionnaire.toml may
add some), so sdcli reads these flags, not Click. FlagsCommand hands them over whole, each with
its value, before Click parses the command's declared options; parse_flags reads them."""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand

from sdcli.errors import SdcliError, UsageProblem
from sdcli.validate import UNKNOWN


def flag_table(questions: list[Any]) -> dict[str, tuple[Any, Any]]:
    """Each flag of the questionnaire -> (its question, the answer it gives: True, False or
    UNKNOWN for a yes/no flag; True for a flag that takes a value)."""
    by_flag: dict[str, tuple[Any, Any]] = {}
    for q in questions:
        by_flag[q.flag] = (q, True)
        if q.flag_no:
            by_flag[q.flag_no] = (q, False)
        if q.kind == "yesno":
            by_flag[q.flag_unknown] = (q, UNKNOWN)
    return by_flag


def parse_flags(args: list[str], questions: list[Any]) -> dict[str, Any]:
    """The answers the questionnaire's flags give (args as FlagsCommand left them)."""

    by_flag = flag_table(questions)
    out: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            raise UsageProblem("error.unexpected_argument", text=repr(arg))
        name, eq, value = arg[2:].partition("=")
        if name not in by_flag:
            raise UsageProblem("error.unknown_option", name=name)
        q, positive = by_flag[name]
        if q.kind == "yesno":
            if eq:
                raise UsageProblem("error.takes_no_value", name=name)
            out[q.key] = positive
        else:
            if not eq:
                i += 1
                if i >= len(args):
                    raise UsageProblem("error.needs_value", name=name)
                value = args[i]
            if q.kind in ("contacts", "datetimes"):
                out.setdefault(q.key, []).append(value)
            else:
                out[q.key] = value
        i += 1
    return out


def split_args(args: list[str], declared: dict[str, bool], valued: set[str]) -> tuple[list[str], list[str]]:
    """(the questionnaire's tokens, Click's). A declared option (name -> takes a value) and its
    value are Click's; any other --name, and the token after it when it is a questionnaire flag
    that takes a value (`valued`), are the questionnaire's: that token is the flag's value
    whatever it starts with ("- sin enlace desde las 8h"), as Click reads a declared option's.
    Everything else (an argument, a short option, all after "--") is Click's to read or refuse."""
    ours: list[str] = []
    click: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            click.extend(args[i:])
            break
        name, eq, _ = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in declared:
            into, takes = click, declared[name] and not eq
        elif arg.startswith("--"):
            into, takes = ours, name[2:] in valued and not eq
        else:
            into, takes = click, False
        into.extend(args[i : i + 1 + takes])
        i += 1 + takes
    return ours, click


class FlagsCommand(TyperCommand):
    """A command that takes the questionnaire's flags beside its own options: they reach the
    command in ctx.args, each with its value (split_args); Click reads the rest, so an unknown
    short option or a stray "-..." is a usage error (exit 2), never the help of a bundled -h."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ours, click = split_args(args, self._declared(ctx), _valued(ctx))
        rest = super().parse_args(ctx, click)
        ctx.args = [*ours, *rest]
        return ctx.args

    def _declared(self, ctx: Any) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if param.param_type_name == "option":
                for name in (*param.opts, *param.secondary_opts):
                    out[name] = not (getattr(param, "is_flag", False) or getattr(param, "count", False))
        return out


def _valued(ctx: Any) -> set[str]:
    """The questionnaire's flags that take a value: the desk's questionnaire once the root command
    has named the home, else the packaged one (shell completion); none when it cannot be read
    while completing (the command itself names the error when it runs)."""
    from sdcli.questionnaire import load_questionnaire

    home = getattr(ctx.find_root().obj, "home", None)
    try:
        table = flag_table(load_questionnaire(home))
    except SdcliError:
        if not ctx.resilient_parsing:
            raise
        return set()
    return {name for name, (q, _) in table.items() if q.kind != "yesno"}
