"""The Makefile's .venv check: reused while its inputs hold the same content, rebuilt (with
the reason) when they change. The check script runs in a scratch folder with a stand-in
.venv (its interpreter is this one), never on the real .venv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _venv_check() -> str:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^define VENV_CHECK\n(.*?)^endef$", text, re.M | re.S)
    assert found, "no VENV_CHECK in the Makefile"
    return found.group(1)


def _run(folder: Path, mode: str) -> subprocess.CompletedProcess:
    script = _venv_check()
    env = {**os.environ, "VENV_CHECK": script, "VENV_PYTHON": sys.executable}
    return subprocess.run(
        [sys.executable, "-c", script, mode], cwd=folder, env=env, capture_output=True, text=True
    )


def test_venv_is_reused_after_a_touch_and_rebuilt_after_a_change(tmp_path):
    for name in ("pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    stamp = _run(tmp_path, "stamp")
    assert stamp.returncode == 0, stamp.stderr
    (tmp_path / ".venv" / ".installed").write_text(stamp.stdout)
    assert _run(tmp_path, "check").returncode == 0
    later = time.time() + 60  # `git checkout` or `touch`: newer, same content
    for name in ("pyproject.toml", "constraints.txt"):
        os.utime(tmp_path / name, (later, later))
    touched = _run(tmp_path, "check")
    assert touched.returncode == 0, touched.stderr
    with (tmp_path / "constraints.txt").open("a") as fh:
        fh.write("# a new pin\n")
    changed = _run(tmp_path, "check")
    assert changed.returncode == 10
    assert "constraints.txt changed since .venv was installed" in changed.stderr


def test_make_tex_checks_the_packages_the_latex_tables_use():
    """`make tex` (run by `make test`) looks for the .sty files of the packages the LaTeX
    tables load: a package added to one and not the other fails here, not in CI's LaTeX
    test."""
    from analysis.panel.render import LATEX_PACKAGES

    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^TEX_STY := (.*)$", text, re.M)
    assert found, "no TEX_STY in the Makefile"
    used = {re.fullmatch(r"\\usepackage\{(\w+)\}", p).group(1) + ".sty" for p in LATEX_PACKAGES}
    assert set(found.group(1).split()) == used
    assert "kpsewhich $(TEX_STY)" in text
