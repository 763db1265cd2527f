"""Model specifications of the reference study's Tables 2-4 and their identified variants.

ARCHITECTURE.md decision 6: the paper's specification (national ``anti_global`` with
industry and year effects) is always estimated and shown; its absorbed regressor is reported
as "absorbed by year effects". The headline identified regressor is ``exposure`` =
s_i x z(anti_global_t) with s_i the sector's 2007 backward GVC participation; variants use
forward participation or export intensity as s_i, or industry effects with a linear trend
instead of year effects (which identifies the national index from 11 annual values only).
"""

from __future__ import annotations

from dataclasses import dataclass

CONTROLS: tuple[str, ...] = ("size", "rd", "kl")
OUTCOMES: tuple[str, ...] = ("icc", "ics")
MECHANISMS: tuple[str, ...] = ("tech", "infina", "human")
LABELS: dict[str, str] = {
    "icc": "ICC",
    "ics": "ICS",
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
    "tech": "Tech",
    "infina": "Infina",
    "human": "Human",
}


@dataclass(frozen=True)
class Spec:
    """One regression: ``dependent`` on ``regressors`` (the first is the one of interest)."""

    name: str
    dependent: str
    regressors: tuple[str, ...]
    effects: str = "twoway"  # "twoway": industry + year effects; "trend": industry + trend
    design: str = ""  # short label of the column: "paper", "exposure", "trend", ...

    @property
    def interest(self) -> str:
        return self.regressors[0]


#: ``--exposure`` choice -> the mart column holding s_i x z(anti_global_t).
EXPOSURES: dict[str, str] = {
    "backward": "exposure",
    "forward": "exposure_fwd",
    "export": "exposure_export",
}


def _designs(dependent: str, lag: bool, exposure: str) -> list[Spec]:
    ag = "anti_global_lag1" if lag else "anti_global"
    ex = f"{exposure}_lag1" if lag else exposure
    return [
        Spec(f"{dependent}:paper", dependent, (ag, *CONTROLS), "twoway", "paper (two-way FE)"),
        Spec(
            f"{dependent}:exposure", dependent, (ex, *CONTROLS), "twoway", "exposure (two-way FE)"
        ),
        Spec(f"{dependent}:trend", dependent, (ag, *CONTROLS), "trend", "industry FE + trend"),
    ]


def table_specs(exposure: str = "backward") -> dict[str, list[Spec]]:
    """Specifications of Tables 2 (baseline), 3 (lagged) and 4 (mechanisms).

    ``exposure`` chooses the share s_i of the identified design: the sector's 2007 backward
    GVC participation (default, ARCHITECTURE decision 6: how much of its final output
    relies on imported value added), forward participation, or export intensity.
    """
    column = EXPOSURES[exposure]
    return {
        "table2": [s for y in OUTCOMES for s in _designs(y, False, column)],
        "table3": [s for y in OUTCOMES for s in _designs(y, True, column)],
        "table4": [s for m in MECHANISMS for s in _designs(m, False, column)[:2]],
    }
