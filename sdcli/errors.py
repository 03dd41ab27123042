"""Domain exceptions. Each is one line for the user; the CLI's error boundary prints it.

Exit codes (documented in the README): 0 ok, 1 an error the user can act on,
2 wrong usage, 130 interrupted.
"""

from __future__ import annotations

from typing import Any

from sdcli.i18n import DEFAULT, Joined, Literal, Message, message


class SdcliError(Exception):
    """Base of every error sdcli reports to the user.

    Built from a catalogue key and its values (``UnknownTicket("error.no_ticket", id="INC9")``),
    rendered by the CLI in the session's language; a text that is no catalogue key (a path and
    an OS reason from the store, a desk file's key path) is shown as it is. str() is English."""

    exit_code = 1

    def __init__(self, text: Any = "", /, **params: Any) -> None:
        super().__init__(text)
        self.message: Message | Literal | Joined = Message(str(text), **params) if params else message(text)

    def render(self, lang: str | None = None) -> str:
        return self.message.render(lang)

    def __str__(self) -> str:
        return self.message.render(DEFAULT)


class UsageProblem(SdcliError):
    "The command was called the wrong way"

    exit_code = 2


class BadTicketId(SdcliError):
    "A ticket id is not INC, SSR or CHG followed by a number"


class UnknownTicket(SdcliError):
    "No ticket has that id"


class InvalidValue(SdcliError):
    "A value given for a field is not valid"

    def __init__(self, field: str, value: object, reason: Any, /, **params: Any):
        """reason: a catalogue key (with its values as keywords), a Message, or a plain text."""
        self.field, self.value = field, value
        self.reason: Message | Literal = Message(reason, **params) if params else message(reason)
        shown = value if isinstance(value, str) else _plain(value)
        if isinstance(shown, str) and len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__("error.invalid_value", field=field, value=repr(shown), reason=self.reason)


def _plain(value: object) -> str:
    """A value that is not text, as JSON writes it (true, 12, [1, 2]), never a Python repr."""
    import json

    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


class InvalidValues(SdcliError):
    "Several values are not valid; all are named at once"

    def __init__(self, problems: list[InvalidValue]):
        self.problems = problems
        super().__init__()
        self.message = Joined([p.message for p in problems], "; ")


def also_missing(flags: list[str]) -> InvalidValue:
    """The missing answers, named beside invalid ones ("...; also missing: --site, --tz")."""
    e = InvalidValue("missing", ", ".join(flags), "invalid.required_missing")
    e.message = Message("error.also_missing", flags=Joined(flags, ", "))
    return e


class MissingAnswers(SdcliError):
    "Required answers are missing and no prompt may ask for them"

    def __init__(self, flags: list[Any], keys: list[str] | None = None):
        self.flags = flags
        self.keys = keys or []
        super().__init__("error.missing_answers", flags=Joined(flags, ", "))


class MissingFlag(MissingAnswers):
    "A command's required text was left out and no prompt may ask for it (a usage error, as before)"

    exit_code = 2


class RefusedTransition(SdcliError):
    "The ticket's state does not allow that action"


class RuleViolation(SdcliError):
    "A desk rule refuses the request"


class StoreBusy(SdcliError):
    "Another process holds the store's lock for too long"


class StoreDamaged(SdcliError):
    "A store file cannot be read; it is left untouched"


class StoreUnwritable(SdcliError):
    "The store cannot be written (read-only, full disk, permissions)"

    def __init__(self, what: Any, outcome: Any = None) -> None:
        """what: "cannot write PATH: REASON" (a Message, or a text shown as it is); outcome: what
        became of the write (default: nothing was changed)."""
        self.what: Message | Literal = message(what)
        done = Message("store.nothing_changed") if outcome is None else message(outcome)
        super().__init__("store.what_outcome", what=self.what, outcome=done)


class ConfigError(SdcliError):
    "A desk configuration file is not valid"


class UnknownDraft(SdcliError):
    "No draft has that id"


class OutputUnwritable(SdcliError):
    "An output (a file, a device, standard output) cannot be written"


class DraftDamaged(SdcliError):
    "A saved draft cannot be read; it is left as it is"


class DraftInUse(SdcliError):
    "Another run holds the draft (resuming or walking it); freed when that run ends"
