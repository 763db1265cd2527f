"""Defaults of the panel layer are defined once (function length: tests/test_code_shape.py)."""

from __future__ import annotations

import re
from pathlib import Path

import analysis.panel

PANEL = Path(analysis.panel.__path__[0])


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
