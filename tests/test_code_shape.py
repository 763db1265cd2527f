"""The shape the project keeps: no function over 60 lines outside the tests."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 60


def long_functions(root: Path = ROOT, folders=("analysis", "models", "bench")) -> list[str]:
    """``path:line name (n lines)`` of every function longer than MAX_LINES."""
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > MAX_LINES:
                        where = path.relative_to(root)
                        found.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_over_60_lines():
    assert long_functions() == []


def test_the_checker_sees_long_functions(tmp_path):
    body = "\n".join(f"    x{k} = {k}" for k in range(MAX_LINES))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "long.py").write_text(f"def long():\n{body}\n", encoding="utf-8")
    assert long_functions(tmp_path, ("pkg",)) == ["pkg/long.py:1 long (61 lines)"]
