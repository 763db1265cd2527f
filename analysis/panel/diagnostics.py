"""Identification diagnostics: which regressors do the fixed effects absorb?

For each regressor x the share of its variation left after removing the model's effects,
``||M x|| / ||x - mean(x)||``, M removing industry and year effects (or industry effects
and a common linear trend). A national, time-only regressor has share 0 under year
effects (perfectly collinear); below 1e-5 (linearmodels' own threshold) it is absorbed and
dropped with a message, below 1e-2 it is flagged as nearly absorbed: its coefficient would
rest on noise (docs/methods.md, section 7.1). The same shares, computed after also removing
the other regressors, find a regressor collinear with the rest given the effects: those
below 1e-3 (where linearmodels refuses the design) are dropped with a message (last first,
so the regressor of interest, listed first, stays while it can), those below 1e-2 flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ABSORBED = 1e-5
NEARLY_ABSORBED = 1e-2
#: Below this share left after the effects and the other regressors, linearmodels' own rank
#: check already refuses the design (measured: 1.6e-4 refused, 1.6e-3 estimated): dropped.
COLLINEAR = 1e-3


@dataclass(frozen=True)
class Diagnosis:
    variable: str
    share_left: float
    status: str  # "ok", "nearly absorbed", "absorbed", "nearly collinear", "collinear"

    @property
    def dropped(self) -> bool:
        return self.status in ("absorbed", "collinear")

    def message(self, effects: str) -> str:
        what = "year effects" if effects == "twoway" else "the fixed effects"
        if self.status == "collinear":
            return (
                f"{self.variable}: collinear with the other regressors given {what} (share "
                f"of variation left {self.share_left:.1e}); dropped from this specification"
            )
        if self.status == "nearly collinear":
            return (
                f"{self.variable}: nearly collinear with the other regressors given {what} "
                f"(share left {self.share_left:.1e}); its coefficient is fragile"
            )
        if self.status == "absorbed":
            return (
                f"{self.variable}: absorbed by {what} (share of variation left "
                f"{self.share_left:.1e}); not estimable in this specification"
            )
        if self.status == "nearly absorbed":
            return (
                f"{self.variable}: nearly absorbed by {what} (share left "
                f"{self.share_left:.1e}); its coefficient is fragile"
            )
        return f"{self.variable}: identified (share of variation left {self.share_left:.3f})"


def residualise(frame: pd.DataFrame, column: str, entity: str, time: str, effects: str):
    """``M x``: x net of the model's effects (least squares on the effect dummies)."""
    x = frame[column].to_numpy(float)
    dummies = [pd.get_dummies(frame[entity], dtype=float).to_numpy()]
    if effects == "twoway":
        dummies.append(pd.get_dummies(frame[time], dtype=float).to_numpy()[:, 1:])
    elif effects == "trend":
        dummies.append((frame[time].to_numpy(float) - frame[time].min())[:, None])
    D = np.hstack(dummies)
    beta, *_ = np.linalg.lstsq(D, x, rcond=None)
    return x - D @ beta


def diagnose(frame: pd.DataFrame, regressors, entity: str, time: str, effects: str):
    """A :class:`Diagnosis` per regressor, in the order given."""
    out: dict[str, Diagnosis] = {}
    residuals: dict[str, np.ndarray] = {}
    for column in regressors:
        x = frame[column].to_numpy(float)
        spread = np.linalg.norm(x - x.mean())
        residuals[column] = residualise(frame, column, entity, time, effects)
        share = 0.0 if spread == 0 else np.linalg.norm(residuals[column]) / spread
        status = (
            "absorbed"
            if share < ABSORBED
            else "nearly absorbed"
            if share < NEARLY_ABSORBED
            else "ok"
        )
        out[column] = Diagnosis(column, float(share), status)
    # collinearity among the regressors that survive the effects
    kept = [c for c in regressors if not out[c].dropped]
    while len(kept) > 1:
        shares = {c: _share_left(residuals, c, [k for k in kept if k != c]) for c in kept}
        collinear = [c for c in kept if shares[c] < COLLINEAR]
        if not collinear:
            for c in kept:
                if shares[c] < NEARLY_ABSORBED and out[c].status == "ok":
                    out[c] = Diagnosis(c, shares[c], "nearly collinear")
            break
        last = collinear[-1]
        out[last] = Diagnosis(last, shares[last], "collinear")
        kept.remove(last)
    return [out[c] for c in regressors]


def _share_left(residuals: dict[str, np.ndarray], column: str, others: list[str]) -> float:
    """Share of ``column``'s within variation left after the other regressors."""
    x = residuals[column]
    norm = np.linalg.norm(x)
    if norm == 0:
        return 0.0
    X = np.column_stack([residuals[o] for o in others])
    beta, *_ = np.linalg.lstsq(X, x, rcond=None)
    return float(np.linalg.norm(x - X @ beta) / norm)
