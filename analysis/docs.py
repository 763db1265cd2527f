"""``gvc docs``: the dbt documentation site of the published warehouse, as one HTML page."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.config import Paths
from analysis.errors import CannotRun, describe_os_error
from analysis.published_copy import PublishedCopy, published_copy


def build_docs(paths: Paths) -> Path:
    """Run ``dbt docs generate --static`` against a copy of the published warehouse (never
    opened for writing); write ``reports/docs/static_index.html`` and return its path."""
    out = paths.reports / "docs"
    with published_copy(paths, "docs") as copy:
        try:
            out.mkdir(parents=True, exist_ok=True)
            _generate(copy, out)
        except OSError as exc:
            raise CannotRun(describe_os_error(exc, "writing the documentation")) from None
    return out / "static_index.html"


def _generate(copy: PublishedCopy, out: Path) -> None:
    """Generate the static page and copy it (and the catalog) to ``out``."""
    copied: list[str] = []

    def collect(target: Path) -> None:
        for name in ("static_index.html", "manifest.json", "catalog.json"):
            if (target / name).exists():
                shutil.copyfile(target / name, out / name)
                copied.append(name)

    result = copy.run_dbt(["docs", "generate", "--static"], collect=collect)
    if result.returncode != 0 or "static_index.html" not in copied:
        raise CannotRun(f"dbt docs generate failed:\n{result.output[-3000:]}")
