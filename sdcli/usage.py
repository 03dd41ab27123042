"""Click's usage errors said in the session's language (a session in Spanish or Portuguese shows no
English, errors included): the usage line, the help hint and the reason, made from the error's
own fields rather than from Click's English sentence. CLI side: it reads Typer's exceptions.

The exit code stays Click's (2, a usage error); what cannot be read from the fields (a message a
later Typer words differently) is shown as Typer gives it, never lost.
"""

from __future__ import annotations

import re
from typing import Any

#: pydantic's error type of a value that could not be converted → what the option expects
_EXPECTED = {
    "int_parsing": "usage.expect_int", "int_from_float": "usage.expect_int", "int_type": "usage.expect_int",
    "float_parsing": "usage.expect_number", "float_type": "usage.expect_number",
    "decimal_parsing": "usage.expect_number", "bool_parsing": "usage.expect_yes_no",
    "greater_than_equal": "usage.expect_at_least", "greater_than": "usage.expect_above",
    "less_than_equal": "usage.expect_at_most", "less_than": "usage.expect_below",
}  # fmt: skip


def show(e: Any) -> None:
    """A usage error (exit 2) said in the session's language, as Click would show it; any other
    of Typer's errors is left to Typer (returns). `--lang` is read from the root's parameters:
    `sdcli --lang es lista` fails before the root's callback sets the language."""
    import typer
    from typer._click.exceptions import UsageError

    from sdcli import i18n

    if not isinstance(e, UsageError):
        return
    root = e.ctx.find_root() if e.ctx is not None else None
    asked = root.params.get("lang") if root is not None else None
    if asked in i18n.LANGS:
        i18n.use(asked)
    typer.echo("\n".join(lines(e)), err=True)
    raise typer.Exit(e.exit_code) from None


def lines(e: Any) -> list[str]:
    """What a usage error shows on stderr: the usage line and the help hint (when the error
    knows its command), a blank line, and `Error: <reason>`."""
    from sdcli.helptext import notation
    from sdcli.i18n import t

    if type(e).__name__ == "NoArgsIsHelpError":  # `sdcli` alone: its help, as Click shows it (exit 2)
        return [e.format_message()]
    out: list[str] = []
    ctx = getattr(e, "ctx", None)
    if ctx is not None:
        pieces = notation(" ".join(ctx.command.collect_usage_pieces(ctx)))  # [OPCIONES] as the help says
        out.append(t("usage.usage", command=ctx.command_path, pieces=pieces).rstrip())
        if ctx.command.get_help_option(ctx) is not None:
            out.append(t("usage.try", command=f"{ctx.command_path} {ctx.help_option_names[0]}"))
        out.append("")
    out.append(t("error.prefix", text=reason(e)))
    return out


def reason(e: Any) -> str:
    """The one-line reason of a usage error, in the session's language."""
    from typer._click import exceptions as ce

    from sdcli.i18n import t

    if isinstance(e, ce.NoSuchOption):
        said = t("usage.no_such_option", name=e.option_name)
        return said + (
            t("usage.possible", options=", ".join(sorted(e.possibilities))) if e.possibilities else ""
        )
    if isinstance(e, ce.BadOptionUsage):
        key = "usage.takes_no_value" if "does not take" in e.message else "usage.needs_value"
        return t(key, name=e.option_name)
    if isinstance(e, ce.MissingParameter):
        kind = e.param_type or (e.param.param_type_name if e.param is not None else "option")
        return t("usage.missing_argument" if kind == "argument" else "usage.missing_option", what=_hint(e))
    if isinstance(e, ce.BadParameter):
        return _bad_value(e)
    unknown = getattr(e, "sdcli_unknown_command", None)
    if unknown is not None:
        name, close = unknown
        return t("usage.no_such_command", name=name) + (
            t("usage.did_you_mean", names=", ".join(close)) if close else ""
        )
    extra = re.fullmatch(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", e.message or "")
    if extra:
        return t("usage.extra", args=extra[1])
    if e.message == "Missing command.":
        return t("usage.missing_command")
    return str(e.format_message())


def _hint(e: Any) -> str:
    """The parameter an error is about, in the notation of the help (an argument 'FILE|-' is
    'ARCHIVO|-' in Spanish; an option's flags stay as typed)."""
    from sdcli.helptext import notation

    if e.param_hint is not None:
        hint = e.param_hint
        said = " / ".join(f"'{h}'" for h in hint) if isinstance(hint, list | tuple) else str(hint)
    else:
        said = str(e.param.get_error_hint()) if e.param is not None else ""
    return notation(said)


def _bad_value(e: Any) -> str:
    """An option's value that could not be converted: which option, the value, what it takes."""
    from sdcli.i18n import t

    cause = e.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    if not errors:  # raised with its own message (a callback of sdcli's, a file that cannot be read)
        return t("usage.bad_value_said", param=_hint(e), reason=e.message)
    first = errors[0]
    kind, bound = first.get("type"), (first.get("ctx") or {})
    if kind in ("enum", "literal_error"):
        expected = t("usage.expect_one_of", choices=str(bound.get("expected", "")).replace("'", ""))
    elif kind in _EXPECTED:
        limit = next(iter(bound.values()), "") if bound else ""
        expected = t(_EXPECTED[kind], limit=limit)
    else:
        return t("usage.bad_value_said", param=_hint(e), reason=e.message)
    return t("usage.bad_value", param=_hint(e), value=repr(first.get("input")), expected=expected)
