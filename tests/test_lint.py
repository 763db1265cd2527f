"""Style gates run by the suite: ruff (Python) and sqlfluff (dbt SQL)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    exe = BIN / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; run `make test` to set up the environment")
    return found


@pytest.mark.parametrize(
    "args",
    [["check", "."], ["format", "--check", "."]],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff(args: list[str]) -> None:
    proc = subprocess.run([_tool("ruff"), *args], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_sqlfluff() -> None:
    proc = subprocess.run(
        [
            _tool("sqlfluff"),
            "lint",
            "models",
            "macros",
            "tests/generic",
            "--disable-progress-bar",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_make_recipes_get_no_gvc_variables_of_its_own() -> None:
    """gvc refuses unknown GVC_* variables, so the Makefile must not export any to the
    recipes (`make run` would stop at its first gvc command)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GVC_", "MAKE"))}
    probe = "show-env:\n\t@env\n"
    proc = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "show-env"],
        cwd=ROOT,
        input=probe,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    exported = [line.split("=")[0] for line in proc.stdout.splitlines()]
    assert "DBT_SEND_ANONYMOUS_USAGE_STATS" in exported  # the probe sees the exports
    assert not [name for name in exported if name.startswith("GVC_")]
