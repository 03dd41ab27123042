"""How Click's help names values and speaks: installed once, when the command line is built
(cli.py). CLI side. The translated texts themselves are helptext.py's, imported only when a help
page or a completion is made."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


def install(root: type) -> None:
    """Help that names values as a person would: ID, TEXT, N, NAME (not {ID}, <list[str]>, <int>, name); help
    pages and the completion's descriptions in the help's language (sdcli/helptext.py, imported
    when one is made: the English texts stay where they are written). `root`: the root group
    class (cli.SdcliGroup), whose own completion is localized too."""
    from typer import core
    from typer._click.core import Command

    def usage(self: Any) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")

    words = {"<str>": "TEXT", "<list[str]>": "TEXT", "<int>": "N", "<int range>": "N", "<list[int]>": "N",
             "<float>": "N", "<Path>": "PATH"}  # fmt: skip
    for cls in (core.TyperOption, core.TyperArgument):
        shown = cls.display_type

        def display(self: Any, ctx: Any, _shown: Any = shown) -> str:
            if self.param_type_name == "argument":
                return ""
            if self.metavar:
                return str(self.metavar)
            got = _shown(self, ctx)
            return words.get(got, got)

        cls.display_type = display  # type: ignore[method-assign]
    core.TyperArgument._usage_display_name = usage  # type: ignore[method-assign]
    # an argument without a metavar is named as the others are (NAME, as ID, TEXT, FILE), so that
    # the help's and the usage errors' notation says it in the help's language (help.metavar.name)
    core.TyperArgument.display_name_raw = property(  # type: ignore[method-assign,assignment]
        lambda self: self.metavar if self.metavar is not None else str(self.name).upper()
    )
    for owner, name in ((Command, "get_help"), (Command, "shell_complete"), (TyperGroup, "shell_complete"),
                        (root, "shell_complete")):  # fmt: skip
        english = owner.__dict__[name]

        def localized(self: Any, ctx: Any, *args: Any, _english: Any = english) -> Any:
            from sdcli.helptext import translated

            with translated(self, ctx):
                return _english(self, ctx, *args)

        setattr(owner, name, localized)
