"""Domain exceptions. Each is one line for the user; the CLI's error boundary prints it.

Exit codes (documented in the README): 0 ok, 1 an error the user can act on,
2 wrong usage, 130 interrupted.
"""

from __future__ import annotations


class SdcliError(Exception):
    "Base of every error sdcli reports to the user"

    exit_code = 1


class UsageProblem(SdcliError):
    "The command was called the wrong way"

    exit_code = 2


class BadTicketId(SdcliError):
    "A ticket id is not INC, SSR or CHG followed by a number"


class UnknownTicket(SdcliError):
    "No ticket has that id"


class InvalidValue(SdcliError):
    "A value given for a field is not valid"

    def __init__(self, field: str, value: object, reason: str):
        self.field, self.value, self.reason = field, value, reason
        shown = value if isinstance(value, str) else repr(value)
        if isinstance(shown, str) and len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{field}: {shown!r} is not valid: {reason}")


class InvalidValues(SdcliError):
    "Several values are not valid; all are named at once"

    def __init__(self, problems: list[InvalidValue]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class MissingAnswers(SdcliError):
    "Required answers are missing and no prompt may ask for them"

    def __init__(self, flags: list[str], keys: list[str] | None = None):
        self.flags = flags
        self.keys = keys or []
        super().__init__("missing required " + ", ".join(flags) + " (no prompt without a terminal)")


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

    def __init__(self, what: str, outcome: str = "nothing was changed") -> None:
        self.what = what  # "cannot write PATH: REASON"
        super().__init__(f"{what}; {outcome}")


class ConfigError(SdcliError):
    "A desk configuration file is not valid"


class UnknownDraft(SdcliError):
    "No draft has that id"


class OutputUnwritable(SdcliError):
    "An output (a file, a device, standard output) cannot be written"


class DraftDamaged(SdcliError):
    "A saved draft cannot be read; it is left as it is"
