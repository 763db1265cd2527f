"""Shape rules of analysis/panel: short functions, defaults defined once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import analysis.panel

PANEL = Path(analysis.panel.__path__[0])
MAX_LINES = 60


def _functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


def test_no_function_in_the_panel_layer_is_longer_than_60_lines():
    long = [
        f"{path.name}:{line} {name} ({length} lines)"
        for path in sorted(PANEL.glob("*.py"))
        for name, line, length in _functions(path)
        if length > MAX_LINES
    ]
    assert long == []


def test_the_checker_sees_long_functions(tmp_path):
    body = "\n".join(f"    x{k} = {k}" for k in range(MAX_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n", encoding="utf-8")
    assert [n for n, _, length in _functions(tmp_path / "long.py") if length > MAX_LINES]


def test_bootstrap_draws_and_seed_are_defined_only_in_analysis_defaults():
    from analysis.defaults import BOOTSTRAP_DRAWS, SEED

    literals = re.compile(rf"\b({BOOTSTRAP_DRAWS}|{SEED})\b")
    found = [
        f"{path.name}:{k}"
        for path in sorted(PANEL.glob("*.py"))
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literals.search(line.replace("_", ""))
    ]
    assert found == []
