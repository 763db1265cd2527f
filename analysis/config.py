"""Where things live and the settings read from the environment, declared once.

Every ``GVC_*`` environment variable is declared in :data:`ENVIRONMENT`; an unknown one (a
typo such as ``GVC_RAWW``) or an invalid value is refused with the accepted names or values:

=========================  ===============================  ==============================
variable                   meaning                          default
=========================  ===============================  ==============================
``GVC_HOME``               project root (dbt project)       the repository root
``GVC_RAW``                raw files, one folder a source   ``data/raw``
``GVC_LANDING``            landed Parquet (versions)        ``warehouse/landing``
``GVC_WAREHOUSE``          the published DuckDB file        ``warehouse/gvc.duckdb``
``GVC_HISTORY``            append-only tables               ``warehouse/history.duckdb``
``GVC_REPORTS``            tables, figures, quality report  ``reports``
``GVC_PANEL_EDITION``      MRIO edition of the ICC/ICS      62 when landed, else the only
                           panel                            edition landed
``GVC_DASK_SCHEDULER``     Dask scheduler for per-year      a local cluster
                           work (``tcp://host:port``)
``GVC_WORKERS``            local worker processes (0: in    one per core, at most one
                           this process, no Dask)           per table and per GiB free;
                                                            none for one table
``GVC_DB``                 database file of a plain         ``warehouse/dev.duckdb``
                           ``dbt build`` (profiles.yml)
``GVC_DUCKDB_MEMORY``      DuckDB memory cap of the dbt     ``256MB``
                           build (profiles.yml; it spills
                           beyond it)
=========================  ===============================  ==============================
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import BadInput

PACKAGE_ROOT = Path(__file__).resolve().parent

#: Every GVC_* variable the project reads, with its meaning.
ENVIRONMENT: dict[str, str] = {
    "GVC_HOME": "project root",
    "GVC_RAW": "raw files folder",
    "GVC_LANDING": "landing folder",
    "GVC_WAREHOUSE": "published DuckDB file",
    "GVC_HISTORY": "history DuckDB file",
    "GVC_REPORTS": "reports folder",
    "GVC_PANEL_EDITION": "MRIO edition of the ICC/ICS panel (e.g. 62)",
    "GVC_DASK_SCHEDULER": "Dask scheduler address, tcp://host:port",
    "GVC_WORKERS": "local Dask worker processes (0: in-process)",
    "GVC_DB": "database of a plain dbt build",
    "GVC_DUCKDB_MEMORY": "DuckDB memory cap of the dbt build, e.g. 256MB or 2GB",
}
_EDITION = re.compile(r"^[1-9][0-9]*$")
_MEMORY = re.compile(r"^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)
_SCHEDULER = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://\S+$")


def check_environment(environ: dict[str, str] | None = None) -> None:
    """Refuse unknown ``GVC_*`` variables and invalid values (BadInput naming them)."""
    env = os.environ if environ is None else environ
    unknown = sorted(k for k in env if k.startswith("GVC_") and k not in ENVIRONMENT)
    if unknown:
        raise BadInput(
            f"unknown environment variable(s) {', '.join(unknown)}; accepted: "
            + ", ".join(ENVIRONMENT)
        )
    for name in (
        "GVC_HOME",
        "GVC_RAW",
        "GVC_LANDING",
        "GVC_WAREHOUSE",
        "GVC_HISTORY",
        "GVC_REPORTS",
    ):
        if name in env and not env[name].strip():
            raise BadInput(f"{name} is set but empty; unset it or give a path")
    edition = env.get("GVC_PANEL_EDITION", "")
    if edition and not _EDITION.match(edition):
        raise BadInput(
            f"GVC_PANEL_EDITION={edition!r}: an edition is a number of economies, e.g. 62 or 72"
        )
    scheduler = env.get("GVC_DASK_SCHEDULER", "")
    if scheduler and not _SCHEDULER.match(scheduler):
        raise BadInput(
            f"GVC_DASK_SCHEDULER={scheduler!r}: give the scheduler's address, e.g. "
            "tcp://10.0.0.5:8786"
        )
    memory = env.get("GVC_DUCKDB_MEMORY", "")
    if memory and not _MEMORY.match(memory.strip()):
        raise BadInput(
            f"GVC_DUCKDB_MEMORY={memory!r}: give an amount with its unit, e.g. 256MB or 2GB"
        )


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
