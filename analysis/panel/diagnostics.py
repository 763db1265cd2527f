"""Identification diagnostics: which regressors do the fixed effects absorb?

For each regressor x the share of its variation left after removing the model's effects,
``||M x|| / ||x - mean(x)||``, M removing industry and year effects (or industry effects
and a common linear trend). A national, time-only regressor has share 0 under year
effects (perfectly collinear); below 1e-5 (linearmodels' own threshold) it is absorbed and
dropped with a message, below 1e-2 it is flagged as nearly absorbed: its coefficient would
rest on noise (econometrics.md section 1.1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ABSORBED = 1e-5
NEARLY_ABSORBED = 1e-2


@dataclass(frozen=True)
class Diagnosis:
    variable: str
    share_left: float
    status: str  # "ok", "nearly absorbed", "absorbed"

    def message(self, effects: str) -> str:
        what = "year effects" if effects == "twoway" else "the fixed effects"
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
    """A :class:`Diagnosis` per regressor."""
    out = []
    for column in regressors:
        x = frame[column].to_numpy(float)
        spread = np.linalg.norm(x - x.mean())
        left = np.linalg.norm(residualise(frame, column, entity, time, effects))
        share = 0.0 if spread == 0 else left / spread
        status = (
            "absorbed"
            if share < ABSORBED
            else "nearly absorbed"
            if share < NEARLY_ABSORBED
            else "ok"
        )
        out.append(Diagnosis(column, float(share), status))
    return out
