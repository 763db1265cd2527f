"""``gvc report``: a table written by ``gvc estimate``, and where the report files are."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import CannotRun


def report_text(reports: Path, number: int) -> str:
    """Table ``number`` (Markdown) followed by the list of tables, figures and quality report."""
    table = reports / "tables" / f"table{number}.md"
    if not table.exists():
        raise CannotRun(f"{table} does not exist: run `gvc estimate` first")
    lines = [table.read_text(encoding="utf-8")]
    for folder in ("tables", "figures"):
        files = sorted(p.name for p in (reports / folder).glob("*") if p.is_file())
        lines.append(f"{reports / folder}: {', '.join(files)}")
    quality = reports / "quality" / "index.html"
    if quality.exists():
        lines.append(f"quality report: {quality}")
    return "\n".join(lines)
