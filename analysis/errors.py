"""Errors that carry their exit code; ``gvc`` maps them to exit codes in one place.

The rule, for every command: 0 ok, 1 bad input or failed checks (the message names the file,
key, cell or rule and says what is accepted), 2 could not run (no warehouse yet, another
writer holds the lock, disk full, a child process killed). Library code raises these and
never exits; :func:`analysis.cli.main` prints the message (no traceback) and exits.
"""

from __future__ import annotations

import errno

EXIT_BAD_INPUT = 1
EXIT_CANNOT_RUN = 2


class GvcError(Exception):
    """An error the user can act on; ``str(error)`` is the whole message."""

    exit_code = EXIT_CANNOT_RUN


class BadInput(GvcError):
    """A file, option, setting or value the user gave breaks a rule, or checks failed."""

    exit_code = EXIT_BAD_INPUT


class CannotRun(GvcError):
    """The command could not run: environment, missing prerequisite, lock, disk, signal."""

    exit_code = EXIT_CANNOT_RUN


def os_reason(exc: OSError) -> str:
    """The operating system's reason for a failed file operation ('No space left on device')."""
    return exc.strerror or str(exc) or type(exc).__name__


def describe_os_error(exc: OSError, doing: str = "") -> str:
    """One line for an OSError: what was done, on which file, and why (disk full named)."""
    target = exc.filename or ""
    if exc.filename2:
        target = f"{target} -> {exc.filename2}"
    what = f"{doing} {target}".strip() or "a file operation"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full: {what} failed ({os_reason(exc)}); free space and run again"
    return f"{what} failed ({os_reason(exc)})"
