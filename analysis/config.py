"""Where things live: project root, raw files, landing, warehouse files.

Every path can be overridden by an environment variable so that tests, scheduled refreshes
and users with their own data folders can point the same commands elsewhere:

========================  ===============================  ====================
variable                  meaning                          default
========================  ===============================  ====================
``GVC_HOME``              project root (dbt project)       the repository root
``GVC_RAW``               raw files, one folder a source   ``data/raw``
``GVC_LANDING``           landed Parquet                   ``warehouse/landing``
``GVC_WAREHOUSE``         the published DuckDB file        ``warehouse/gvc.duckdb``
``GVC_HISTORY``           append-only tables               ``warehouse/history.duckdb``
``GVC_REPORTS``           tables, figures, quality report  ``reports``
========================  ===============================  ====================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def _default_home() -> Path:
    """The repository root when ``analysis`` is imported from a checkout, else the cwd."""
    candidate = PACKAGE_ROOT.parent
    return candidate if (candidate / "dbt_project.yml").is_file() else Path.cwd()


@dataclass(frozen=True)
class Paths:
    """Resolved locations of one warehouse (all absolute)."""

    home: Path
    raw: Path
    landing: Path
    warehouse: Path
    history: Path
    reports: Path

    @property
    def warehouse_dir(self) -> Path:
        return self.warehouse.parent

    @classmethod
    def from_env(cls) -> Paths:
        home = Path(os.environ.get("GVC_HOME") or _default_home()).resolve()

        def pick(var: str, default: str) -> Path:
            value = Path(os.environ.get(var) or default)
            return (value if value.is_absolute() else home / value).resolve()

        return cls(
            home=home,
            raw=pick("GVC_RAW", "data/raw"),
            landing=pick("GVC_LANDING", "warehouse/landing"),
            warehouse=pick("GVC_WAREHOUSE", "warehouse/gvc.duckdb"),
            history=pick("GVC_HISTORY", "warehouse/history.duckdb"),
            reports=pick("GVC_REPORTS", "reports"),
        )


def disable_telemetry() -> None:
    """Turn off dbt's and great-expectations' usage tracking (nothing may call out)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
