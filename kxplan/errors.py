"""One error hierarchy and the documented exit codes.

Every error a user can cause is a ``KxplanError`` carrying a one-line message and an exit
code; ``cli`` is the single place that turns it into stderr text and a process status.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (documented in the README)."""

    OK = 0
    PROBLEMS = 1  # validation problems found, bad input refused, `--exit-code` differences
    USAGE = 2  # wrong command-line usage (unknown option, missing argument)
    NO_DATABASE = 3  # the database is missing, or is not a kxplan database
    IO = 4  # a file could not be read or written (permissions, disk full)
    INTERNAL = (
        70  # an unexpected internal error (a bug: run again with KXPLAN_DEBUG=1 and report it)
    )
    INTERRUPTED = 130  # Ctrl-C


class KxplanError(Exception):
    """An error with a one-line message for the user and an exit code."""

    exit_code: ExitCode = ExitCode.PROBLEMS

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(KxplanError):
    """Bad input from the user: an argument, a CSV row, a plan value."""


class RepeatedEntry(InputError):
    """An entry identical to a live one (``entry_id``): refused unless asked for again.

    Identical means the same target (old ids included), date, amount, item, note and unit.
    ``record --again`` and ``add``'s confirmation write it anyway.
    """

    def __init__(self, message: str, entry_id: int) -> None:
        super().__init__(message)
        self.entry_id = entry_id


class UsageError(KxplanError):
    """The command line itself is wrong."""

    exit_code = ExitCode.USAGE


class PlanError(KxplanError):
    """The plan file is missing or invalid; ``problems`` lists every problem found."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class DatabaseError(KxplanError):
    """The database is missing, foreign, damaged or too new."""

    exit_code = ExitCode.NO_DATABASE


class OutputError(KxplanError):
    """A file could not be written."""

    exit_code = ExitCode.IO
