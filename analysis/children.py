"""Child processes that end with ``gvc``, however it ends.

Each child (dbt) starts in its own session and process group through :func:`command`, a
small launcher that sets the Linux parent-death signal to SIGKILL and then execs the real
program, so that the child is killed when ``gvc`` dies even by SIGKILL; when ``gvc``
stops normally, on an exception, Ctrl-C or SIGTERM, it stops the child's whole group
(SIGTERM, then SIGKILL after a grace period). ``install_signal_handlers`` turns SIGTERM and
SIGHUP into the same orderly exit as Ctrl-C, except those the process was started to
ignore (``nohup`` ignores SIGHUP).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1
GRACE_SECONDS = 5.0


def command(argv: list[str]) -> list[str]:
    """``argv`` run through the launcher: ``python -m analysis.children <parent pid> argv...``."""
    return [sys.executable, "-m", "analysis.children", str(os.getpid()), *argv]


def _launch(parent: int, argv: list[str]) -> None:
    """Set the parent-death signal (kept across exec), check the parent lives, exec."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except OSError:
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        sys.exit(1)
    os.execvp(argv[0], argv)


def terminate_group(proc: subprocess.Popen) -> None:
    """Stop ``proc`` and every process of its group: SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM or SIGHUP (exit status 128 + signal)."""


def _raise_terminated(signum, _frame) -> None:
    raise Terminated(128 + signum)


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP unwind the stack like Ctrl-C does, so children are stopped; a
    signal ignored when the process started (``nohup``: SIGHUP) stays ignored."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _raise_terminated)


if __name__ == "__main__":
    _launch(int(sys.argv[1]), sys.argv[2:])
