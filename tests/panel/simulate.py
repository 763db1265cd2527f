"""Simulated 14 x 11 industry-year panels with known coefficients."""

from __future__ import annotations

import numpy as np
import pandas as pd

TRUE = {"exposure": 0.3, "size": -0.05, "rd": 0.02, "kl": 0.01}


def simulated_panel(seed: int, n_sectors: int = 14, years=range(2008, 2019)) -> pd.DataFrame:
    """Exposure = s_i x z(g_t); controls vary by industry and year; industry and year effects."""
    rng = np.random.default_rng(seed)
    years = list(years)
    g = 1 / rng.uniform(43, 47, len(years))
    z = (g - g.mean()) / g.std(ddof=1)
    share = rng.uniform(0.05, 0.3, n_sectors)
    rows = []
    alpha = rng.normal(0, 0.1, n_sectors)
    delta = rng.normal(0, 0.05, len(years))
    for i in range(n_sectors):
        for t, year in enumerate(years):
            size = 9 + 0.1 * t + rng.normal(0, 0.3)
            rd = -5 + rng.normal(0, 0.3)
            kl = 3.5 + 0.05 * t + rng.normal(0, 0.2)
            exposure = share[i] * z[t]
            y = (
                alpha[i]
                + delta[t]
                + TRUE["exposure"] * exposure
                + TRUE["size"] * size
                + TRUE["rd"] * rd
                + TRUE["kl"] * kl
                + rng.normal(0, 0.02)
            )
            rows.append(
                {
                    "sector": f"c{i + 3}",
                    "year": year,
                    "icc": y,
                    "exposure": exposure,
                    "anti_global": g[t],
                    "size": size,
                    "rd": rd,
                    "kl": kl,
                }
            )
    return pd.DataFrame(rows)
