"""What a published warehouse was built from, stored inside the warehouse file.

``gvc build`` writes one row into the table ``gvc_build`` of the candidate just before the
candidate replaces the published file, so the record and the publication it describes are
one atomic ``os.replace``: the raw files landed (name and SHA-256 per source), the landing
version, the project fingerprint (models, seeds, tests, expectations, the Python package),
and the build's settings. ``gvc refresh`` compares the raw files with this record, so a
warehouse is never reported fresh while its raw files say otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

#: Project parts whose content decides the numbers (a change rebuilds from scratch).
PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "seeds",
    "macros",
    "tests/generic",
    "expectations",
    "analysis",
)
TABLE = "gvc_build"


def project_fingerprint(home: Path) -> str:
    """SHA-256 over the project parts that decide the published numbers."""
    digest = hashlib.sha256()
    for part in PROJECT_PARTS:
        root = Path(home) / part
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(home)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@dataclass
class BuildRecord:
    """One publication: what it was built from and how."""

    inputs: dict[str, dict[str, str]]  # source -> raw file name -> sha256
    landing_version: str
    project: str
    settings: dict[str, Any] = field(default_factory=dict)
    built_at: str = ""
    seconds: float = 0.0
    #: the dbt tests that stand for this publication (``NodeResult`` fields; ``checked_at``
    #: "" for those its own build ran), which a later build of the same project may carry
    #: over instead of running them again (``analysis.incremental``)
    tests: list[dict[str, Any]] = field(default_factory=list)

    def same_build(self, other: BuildRecord) -> bool:
        """Same inputs, project and settings: rebuilding would publish the same numbers."""
        return (self.inputs, self.project, self.settings) == (
            other.inputs,
            other.project,
            other.settings,
        )

    def changed_sources(self, inputs: dict[str, dict[str, str]]) -> list[str]:
        """Sources whose raw files differ from ``inputs`` (added, removed or changed)."""
        names = sorted(set(self.inputs) | set(inputs))
        return [s for s in names if self.inputs.get(s, {}) != inputs.get(s, {})]


def write_record(database: Path, record: BuildRecord) -> None:
    """Replace the ``gvc_build`` table of ``database`` (the candidate) with ``record``."""
    record.built_at = record.built_at or datetime.now(UTC).isoformat(timespec="seconds")
    row = asdict(record)
    tests = [{**t, "checked_at": t.get("checked_at") or record.built_at} for t in record.tests]
    with contextlib.closing(duckdb.connect(str(database))) as con:
        con.execute(
            f"create or replace table {TABLE} (built_at varchar, landing_version varchar, "
            "project varchar, settings varchar, inputs varchar, seconds double, dbt_tests varchar)"
        )
        con.execute(
            f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?)",
            [
                row["built_at"],
                row["landing_version"],
                row["project"],
                json.dumps(row["settings"], sort_keys=True),
                json.dumps(row["inputs"], sort_keys=True),
                row["seconds"],
                json.dumps(tests, sort_keys=True),
            ],
        )
        con.execute(
            f"comment on table {TABLE} is 'What this warehouse was built from: raw files "
            "(SHA-256 per source), landing version, project fingerprint, settings; the dbt "
            "test results that stand for it (dbt_tests)'"
        )


def read_record(database: Path) -> BuildRecord | None:
    """The record of ``database``, or None (no file, or built before records existed)."""
    if not Path(database).exists():
        return None
    try:
        with contextlib.closing(duckdb.connect(str(database), read_only=True)) as con:
            cur = con.execute(f"select * from {TABLE}")
            values = cur.fetchone()
            names = [d[0] for d in cur.description]
    except duckdb.Error:
        return None
    if values is None:
        return None
    row = dict(zip(names, values, strict=True))  # files built before dbt_tests lack it
    return BuildRecord(
        json.loads(row["inputs"]),
        row["landing_version"],
        row["project"],
        json.loads(row["settings"]),
        row["built_at"],
        row["seconds"],
        json.loads(row.get("dbt_tests") or "[]"),
    )


#: Beside the published file while its estimates and scenarios are still to be redone.
PENDING_MARK = ".refresh_pending"


def pending_mark(warehouse: Path) -> Path:
    """The mark of a publication whose estimates and scenarios are still to be redone."""
    return Path(warehouse).parent / PENDING_MARK


def _mark_text(record: BuildRecord) -> str:
    return f"{record.built_at} {record.landing_version} {record.project}\n"


def mark_pending(warehouse: Path, record: BuildRecord) -> None:
    """Write the mark naming ``record`` (just before ``record``'s publication)."""
    pending_mark(warehouse).write_text(_mark_text(record), encoding="utf-8")


def clear_pending(warehouse: Path, record: BuildRecord | None = None) -> None:
    """Remove the mark once the estimates are redone.

    With ``record`` (read before the estimates read the warehouse) the mark is removed only
    when it names that publication, or none (a mark written by an earlier version): a build
    that published meanwhile keeps its mark, so the next refresh estimates its data.
    """
    mark = pending_mark(warehouse)
    if record is not None:
        try:
            text = mark.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        if text.strip() and text != _mark_text(record):
            return
    mark.unlink(missing_ok=True)
