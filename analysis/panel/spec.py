"""Model specifications of the reference study's Tables 2-4 and their identified variants.

docs/architecture.md, decision 6: the paper's specification (national ``anti_global`` with
industry and year effects) is always estimated and shown; its absorbed regressor is reported
as "absorbed by year effects". The headline identified regressor is ``exposure`` =
s_i x z(anti_global_t) with s_i the sector's 2007 backward GVC participation; variants use
forward participation or export intensity as s_i, or industry effects with a linear trend
instead of year effects (which identifies the national index from 11 annual values only).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.errors import BadInput

CONTROLS: tuple[str, ...] = ("size", "rd", "kl")
OUTCOMES: tuple[str, ...] = ("icc", "ics")
MECHANISMS: tuple[str, ...] = ("tech", "infina", "human")
LABELS: dict[str, str] = {
    "icc": "ICC",
    "ics": "ICS",
    "tech": "Tech",
    "infina": "Infina",
    "human": "Human",
    "anti_global": "Anti_global",
    "anti_global_lag1": "L.Anti_global",
    "exposure": "Exposure (s_i x z(Anti_global))",
    "exposure_lag1": "L.Exposure",
    "exposure_fwd": "Exposure, forward share",
    "exposure_export": "Exposure, export share",
    "exposure_fwd_lag1": "L.Exposure, forward share",
    "exposure_export_lag1": "L.Exposure, export share",
    "size": "Size",
    "rd": "R&D",
    "kl": "K/L",
}

#: Designs of a table's columns, in column order within each dependent variable:
#: design -> (effects, clustering under ``cov="clustered"``, what it is).
DESIGNS: dict[str, tuple[str, str, str]] = {
    "paper": ("twoway", "entity", "the reference study's specification, industry and year FE"),
    "exposure": ("twoway", "entity", "exposure design, industry and year FE"),
    "trend": ("trend", "both", "industry FE and a linear trend instead of year FE"),
}


@dataclass(frozen=True)
class Spec:
    """One column of a table: ``dependent`` on ``regressors`` (the first is of interest)."""

    table: str  # "table2"
    column: int  # the table's column, 1-based
    dependent: str
    regressors: tuple[str, ...]
    design: str  # a key of DESIGNS: "paper", "exposure", "trend"

    @property
    def name(self) -> str:
        """Unique within a run: 'table3:icc:exposure'."""
        return f"{self.table}:{self.dependent}:{self.design}"

    @property
    def effects(self) -> str:
        return DESIGNS[self.design][0]

    @property
    def cluster(self) -> str:
        """What the column is clustered by when the covariance is clustered."""
        return DESIGNS[self.design][1]

    @property
    def interest(self) -> str:
        return self.regressors[0]


#: ``--exposure`` choice -> the mart column holding s_i x z(anti_global_t).
EXPOSURES: dict[str, str] = {
    "backward": "exposure",
    "forward": "exposure_fwd",
    "export": "exposure_export",
}
#: Which designs each table shows for every dependent variable, and whether it lags.
TABLE_LAYOUT: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "table2": (OUTCOMES, ("paper", "exposure", "trend"), False),
    "table3": (OUTCOMES, ("paper", "exposure", "trend"), True),
    "table4": (MECHANISMS, ("paper", "exposure"), False),
}


def _regressors(design: str, lag: bool, exposure: str) -> tuple[str, ...]:
    interest = exposure if design == "exposure" else "anti_global"
    return (f"{interest}_lag1" if lag else interest, *CONTROLS)


def table_specs(exposure: str = "backward") -> dict[str, list[Spec]]:
    """Specifications of Tables 2 (baseline), 3 (lagged) and 4 (mechanisms), by column.

    ``exposure`` chooses the share s_i of the identified design: the sector's 2007 backward
    GVC participation (default, docs/architecture.md, decision 6: how much of its final output
    relies on imported value added), forward participation, or export intensity.
    """
    if exposure not in EXPOSURES:
        raise BadInput(f"exposure must be one of {', '.join(EXPOSURES)}; got {exposure!r}")
    specs: dict[str, list[Spec]] = {}
    for table, (dependents, designs, lag) in TABLE_LAYOUT.items():
        cells = [(y, d) for y in dependents for d in designs]
        specs[table] = [
            Spec(table, k, y, _regressors(d, lag, EXPOSURES[exposure]), d)
            for k, (y, d) in enumerate(cells, 1)
        ]
    return specs


def variables_used(exposure: str = "backward") -> list[str]:
    """Dependent variables, the regressors of interest and the exposure variables (the
    backward-share ``exposure`` and its lag, and the chosen variant), then every other
    regressor of Tables 2-4 (the controls)."""
    specs = [s for table in table_specs(exposure).values() for s in table]
    chosen = EXPOSURES[exposure]
    first = [
        *(s.dependent for s in specs),
        *("anti_global", "anti_global_lag1", "exposure", "exposure_lag1"),
        *(chosen, f"{chosen}_lag1"),
    ]
    return list(dict.fromkeys([*first, *(r for s in specs for r in s.regressors)]))
