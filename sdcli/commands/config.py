"""sdcli config get|set|unset|list|path"""

from __future__ import annotations

import typer
from rich.table import Table

from sdcli import config
from sdcli.i18n import t, word
from sdcli.ui import JSON_OPTION, app_of, console, emit_json, say, text

app = typer.Typer(
    help="Settings: default country, language, time zone, agent name, day order, CSV delimiter, store.\n\n"
    "Example: sdcli config set country PE",
    no_args_is_help=True,
)
KEY = typer.Argument(
    ..., metavar="KEY", help="country, lang, tz, agent, dayfirst, csv_delimiter, store, or mail_* and smtp_*."
)
DESK = typer.Option(False, "--desk", help="The desk's file (config.toml in SDCLI_HOME), not the user's.")


def _path(ctx: typer.Context, desk: bool):
    return config.desk_config_path(app_of(ctx).home) if desk else config.user_config_path()


@app.command("get")
def get(ctx: typer.Context, key: str = KEY, as_json: bool = JSON_OPTION) -> None:
    """Print the value in force of one setting (empty when it has none).

    Example: sdcli config get country
    """
    found = config.settings(app_of(ctx).home)
    if key not in config.SETTINGS:
        config.setting_value(key, "x")  # refused, naming the known ones
    value = getattr(found, key)
    if as_json:
        emit_json({"key": key, "value": value, "source": found.source(key)})
        return
    typer.echo("" if value is None else ("true" if value is True else "false" if value is False else value))


@app.command("set")
def set_(
    ctx: typer.Context, key: str = KEY, value: str = typer.Argument(..., metavar="VALUE"), desk: bool = DESK
) -> None:
    """Set a setting in the user's config file (or the desk's, with --desk).

    Flags and environment variables still win over it (README: Configuration).

    Example: sdcli config set country PE
    """
    a = app_of(ctx)
    checked = config.setting_value(key, value, a.home)
    path = _path(ctx, desk)
    config.write_setting(path, key, checked)
    shown = "true" if checked is True else "false" if checked is False else checked
    say("config.set", key=key, value=shown, path=str(path))


@app.command("unset")
def unset(ctx: typer.Context, key: str = KEY, desk: bool = DESK) -> None:
    """Remove a setting from the user's config file (or the desk's, with --desk).

    Example: sdcli config unset country
    """
    if key not in config.SETTINGS:
        config.setting_value(key, "x")
    path = _path(ctx, desk)
    config.write_setting(path, key, None)
    say("config.unset", key=key, path=str(path))


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Every setting, its value in force and where it comes from.

    Example: sdcli config list --json
    """
    found = config.settings(app_of(ctx).home)
    rows = [{"key": k, "value": getattr(found, k), "source": found.source(k)} for k in config.SETTINGS]
    if as_json:
        emit_json(rows)
        return

    table = Table()
    for col in ("setting", "value", "source"):
        table.add_column(t(f"config.{col}"))
    for r in rows:
        value = r["value"]
        shown = (
            ""
            if value is None
            else ("tab" if value == "\t" else word("yesno", value) if isinstance(value, bool) else value)
        )
        source = t("config.default") if r["source"] == "default" else r["source"]
        table.add_row(text(r["key"]), text(shown), text(source))
    console().print(table)


@app.command("path")
def path(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Where the config files are: the user's, then the desk's (flags and variables win over both).

    Example: sdcli config path
    """
    user, desk = config.user_config_path(), config.desk_config_path(app_of(ctx).home)
    if as_json:
        emit_json({"user": str(user), "desk": str(desk)})
        return
    typer.echo(f"{t('config.user_file')}: {user}")
    typer.echo(f"{t('config.desk_file')}: {desk}")
