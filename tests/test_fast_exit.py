"""analysis.fast_exit.leave: a normal exit as seen from outside (status, output, threads
joined, atexit handlers run), minus the interpreter's teardown."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_leave_does_what_an_exit_shows(tmp_path):
    marks = tmp_path / "marks"
    program = textwrap.dedent(
        f"""
        import atexit, threading, time
        from analysis.fast_exit import leave

        def late():
            time.sleep(0.3)
            with open({str(marks)!r}, "a") as fh:
                fh.write("thread ")

        atexit.register(lambda: open({str(marks)!r}, "a").write("atexit"))
        threading.Thread(target=late).start()
        print("out", end="")
        print("err", end="", file=__import__("sys").stderr)
        leave(3)
        print("never")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3
    assert (done.stdout, done.stderr) == ("out", "err")
    assert marks.read_text() == "thread atexit"  # the thread joined before the handlers


def test_the_gvc_program_exits_with_its_status(tmp_path):
    """The console script ends through leave(): status and message as before (bad input:
    exit 1)."""
    gvc = subprocess.run(
        [sys.executable, "-c", "from analysis.cli import main; main()", "nonsense"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert gvc.returncode == 1
    assert "No such command" in gvc.stderr
