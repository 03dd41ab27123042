"""The prompts of one answer (a line, a choice, a yes/no question) the walker (sdcli.prompts)
and the commands on a terminal ask with.

Every text comes from the catalogue in the session's language (sdcli.i18n), the prompts' own
chrome included. Prompts use `unsafe_ask()` so Ctrl-C and Ctrl-D reach the caller (which keeps
the draft); a bad answer stays in the input line with the reason shown, to be fixed, never
thrown out. A yes/no question has no default: Enter asks it again; `?` answers "don't know".

Going back: `<` (alone on a text line, or pressed at a choice or a yes/no question) goes to the
previous question asked, its answer kept as the default; in the review's change of an answer it
goes back to the review with nothing changed. `<` is never a valid answer (no name, site, e-mail,
phone, address or date is `<` alone), it is one key on every keyboard layout the desk uses, and
it arrives the same through a real terminal and prompt_toolkit's pipe input (Escape sequences
and Ctrl keys are taken by the terminal or by prompt_toolkit's own bindings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sdcli.errors import InvalidValue, SdcliError
from sdcli.i18n import render, t
from sdcli.validate import UNKNOWN

SKIPPED = None  # an optional question answered with Enter is stored as None in the draft
UNKNOWN_KEY = "?"
BACK_KEY = "<"


class GoBack(Exception):
    """The agent asked for the previous question (`<`)."""


def _is_back(value: str, back: bool) -> bool:
    return back and value.strip() == BACK_KEY


def _back_binding(keys: Any) -> None:
    @keys.add(BACK_KEY, eager=True)
    def _back(event: Any) -> None:
        event.app.exit(exception=GoBack())


def _validator(
    check: Callable[[str], Any],
    required: bool,
    accept: str = "",
    check_empty: bool = False,
    back: bool = False,
) -> Callable[[str], bool | str]:
    def run(value: str) -> bool | str:
        if _is_back(value, back):
            return True
        if not value.strip() and not check_empty:
            return True if accept or not required else t("prompt.required")
        try:
            check(value)
        except InvalidValue as e:
            return refusal(render(e.reason))
        except SdcliError as e:  # a rule of the form (an SSR's lead time) refuses it on its line
            return refusal(e.render())
        return True

    return run


def refusal(text: str) -> str:
    """Why an answer is refused, folded between words for the line under the question (its own
    wrap cut "indique la línea di" / "recta"), never inside a phone number or a date."""
    from sdcli.folding import kept

    return kept(text, columns() - 1)


#: columns a question's line keeps free for the answer typed after it
ANSWER_ROOM = 16


def columns() -> int:
    """The terminal's width a question is drawn in (80 when it cannot be known)."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def fits(label: str, *hints: str) -> bool:
    """Whether the back hint still fits on the question's (last) line, with room left for the
    answer (else it is left out, not wrapped mid-word on an 80-column terminal: the shorter
    questions around it show it)."""
    last = label.rsplit("\n", 1)[-1]
    shown = len(last) + sum(len(h) + 1 for h in hints) + len(t("prompt.back_hint")) + 4  # "? " and spaces
    return shown + ANSWER_ROOM <= columns()


def folded(label: str) -> str:
    """A question too long for the terminal's line folded between words, the lines after the first
    indented under it: the terminal's own wrap cut it mid-word ("(opcional, E" / "nter para
    omitir)")."""
    width = columns()
    if 2 * len(label) + 2 + ANSWER_ROOM <= width:  # surely fits (a cell is at most two columns)
        return label
    from rich.cells import cell_len

    from sdcli.folding import hanging

    if cell_len(label) + 2 + ANSWER_ROOM <= width:
        return label
    lines = hanging(label, width - 2, indent=2)
    if len(lines) > 1 and cell_len(lines[-1]) + 2 + ANSWER_ROOM > width:  # the answer's room on the last line
        lines[-1:] = ["  " + x for x in hanging(lines[-1].strip(), width - 4 - ANSWER_ROOM, indent=0)]
    elif len(lines) == 1:  # it fits, but with no room for the answer: its end goes down
        lines = hanging(label, width - 2 - ANSWER_ROOM, indent=2)
    return "\n".join(lines)


def fitted(title: str) -> str:
    """A choice on one line of the terminal (a choice is never wrapped: the edge cut "(solo
    respaldo: n"): an e-mail address in it left out first (the table above shows it), then its
    end cut between words, with "…" to say so."""
    room = columns() - 4  # " » " before it
    if len(title) <= room:
        return title
    import re

    title = re.sub(r" <[^<>\s]+@[^<>\s]+>", "", title)
    if len(title) <= room:
        return title
    cut = title[: room - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[room // 2 :] else cut) + "…"


def _wrap_refusals(app: Any) -> None:
    """Let the line under a question that says why an answer is refused wrap to the terminal's
    width: prompt_toolkit gives it one line, and a refusal that says what to do ("Rio Net has no
    project manager nor account manager: give --project-manager 'Name <email> phone', or add one:
    sdcli customer add ...") was cut at column 80."""
    from prompt_toolkit.filters import to_filter

    layout = getattr(app, "layout", None)
    for window in layout.find_all_windows() if layout is not None else ():
        text = getattr(window.content, "text", None)
        if getattr(text, "__qualname__", "").startswith("ValidationToolbar."):
            window.height = None
            window.wrap_lines = to_filter(True)


def line(
    label: str,
    check: Callable[[str], Any],
    required: bool,
    default: str = "",
    accept: str = "",
    check_empty: bool = False,
    back: bool = False,
) -> str:
    """One line of text. `default` is typed in the buffer (an answer being changed); `accept` is
    only shown, and taken by Enter on an empty line (a configured default, never typed in).
    With `back`, `<` alone raises GoBack."""
    import questionary

    label = folded(label)
    hints = [t("prompt.enter_takes", value=accept)] if accept else []
    if back and fits(label, *hints):
        hints.append(t("prompt.back_hint"))
    extra: dict[str, Any] = {"instruction": " ".join(hints)} if hints else {}
    asked = questionary.text(
        label, default=default, validate=_validator(check, required, accept, check_empty, back), **extra
    )
    _wrap_refusals(getattr(asked, "application", None))
    raw = asked.unsafe_ask()
    if _is_back(raw, back):
        raise GoBack
    return raw if raw.strip() else accept


def select(label: str, choices: list[tuple[str, Any]], default: Any = None, back: bool = False) -> Any:
    """A choice among labelled values, with the chrome in the session's language; with `back`,
    the `<` key raises GoBack."""
    import questionary
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    label = folded(label)
    options = [questionary.Choice(fitted(title), value) for title, value in choices]
    start = next((c for c in options if c.value == default), None) if default is not None else None
    hint = t("prompt.arrows") + (
        " " + t("prompt.back_hint") if back and fits(label, t("prompt.arrows")) else ""
    )
    asked = questionary.select(label, choices=options, default=start, instruction=hint)
    if back:
        keys = KeyBindings()
        _back_binding(keys)
        app = asked.application
        app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])
    return asked.unsafe_ask()


def confirm(message: str, *, default: Any = None, unknown: bool = False, back: bool = False) -> bool | str:
    """A yes/no question in the agent's language: s/n in Spanish and Portuguese, y/n in English (y
    answers yes in every language); with `unknown`, ? answers "don't know" (UNKNOWN). Without a
    default, Enter asks again. Ctrl-C and Ctrl-D interrupt."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import to_formatted_text
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys
    from questionary.constants import DEFAULT_QUESTION_PREFIX
    from questionary.question import Question as Asked
    from questionary.styles import merge_styles_default

    message = folded(message)
    words: dict[Any, str] = {True: t("yesno.yes"), False: t("yesno.no"), UNKNOWN: t("yesno.unknown")}
    y, n = words[True][:1].lower() or "y", words[False][:1].lower() or "n"
    if y == n:
        y, n = "y", "n"
    keys_hint = f"{y.upper() if default is True else y}/{n.upper() if default is False else n}"
    hint = t("prompt.yesno_unknown", keys=keys_hint, unknown=UNKNOWN_KEY) if unknown else f"({keys_hint}) "
    if back and fits(message, hint):
        hint += t("prompt.back_hint") + " "
    given: list[Any] = []  # the answer, once a key gives it
    again: list[bool] = []  # Enter without an answer: the question is asked again, with how to answer

    def tokens() -> Any:
        out: list[Any] = [("class:qmark", DEFAULT_QUESTION_PREFIX), ("class:question", f" {message} ")]
        if given:
            out.append(("class:answer", words[given[0]].capitalize()))
        else:
            out.append(("class:instruction", hint))
            if again:
                out.append(("class:instruction", " " + t("prompt.yesno_again")))
        return to_formatted_text(out)

    keys = KeyBindings()

    @keys.add(Keys.ControlC, eager=True)
    @keys.add(Keys.ControlQ, eager=True)
    def _abort(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @keys.add(Keys.ControlD, eager=True)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    def answer(value: Any) -> Callable[[Any], None]:
        def done(event: Any) -> None:
            given.append(value)
            event.app.exit(result=value)

        return done

    for key in {y, y.upper(), "y", "Y"}:
        keys.add(key)(answer(True))
    for key in {n, n.upper()}:
        keys.add(key)(answer(False))
    if unknown:
        keys.add(UNKNOWN_KEY)(answer(UNKNOWN))
    if back:
        _back_binding(keys)

    @keys.add(Keys.ControlM, eager=True)
    def _enter(event: Any) -> None:
        if default is None:
            again.append(True)  # no silent default: the question stays, saying how to answer
            event.app.invalidate()
        else:
            answer(default)(event)

    @keys.add(Keys.Any)
    def _other(event: Any) -> None:
        """Any other key types nothing."""

    session: PromptSession[Any] = PromptSession(tokens, key_bindings=keys, style=merge_styles_default([None]))
    return Asked(session.app).unsafe_ask()  # type: ignore[no-any-return]
