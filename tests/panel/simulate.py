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


SHORT_NAMES = {
    3: "Food & beverages",
    4: "Textiles",
    5: "Leather",
    6: "Wood",
    7: "Paper",
    8: "Refined fuels",
    9: "Chemicals",
    10: "Rubber",
    11: "Other minerals",
    12: "Metals",
    13: "Other machinery",
    14: "Electricals",
    15: "Transport equipment",
    16: "Other manufacturing",
}


def simulated_mart(seed: int = 20, *, real: bool = False) -> pd.DataFrame:
    """A ``mart_icc_ics`` look-alike: every column Tables 1-4 and the figures read.

    Provenance columns as the mart publishes them: the synthetic sample by default, or with
    ``real`` a landed ADB edition 62 (vintage 2022-03 up to 2016, 2022-12 after), KOF release
    2022 and NBS statistics under GB/T 4754-2002 (to 2011) and GB/T 4754-2011.
    """
    rng = np.random.default_rng(seed)
    frame = simulated_panel(seed)
    g = frame.groupby("year")["anti_global"].first()
    previous = g.shift(1).fillna(1 / rng.uniform(43, 47))  # 2008: the 2007 value
    mean, sd = g.mean(), g.std(ddof=1)
    frame["anti_global_lag1"] = frame["year"].map(previous)
    shares = {
        "exposure": rng.uniform(0.05, 0.3, 14),
        "exposure_fwd": rng.uniform(0.05, 0.3, 14),
        "exposure_export": rng.uniform(0.05, 0.5, 14),
    }
    position = frame["sector"].str[1:].astype(int) - 3
    for column, share in shares.items():
        s = share[position]
        if column != "exposure":
            frame[column] = s * (frame["anti_global"] - mean) / sd
        frame[f"{column}_lag1"] = s * (frame["anti_global_lag1"] - mean) / sd
    n = len(frame)
    frame["ics"] = 0.8 + 0.1 * frame["exposure"] + rng.normal(0, 0.05, n)
    frame["tech"] = 0.15 + 0.2 * frame["rd"] + rng.normal(0, 0.1, n)
    frame["infina"] = -1.2 + 0.1 * frame["kl"] + rng.normal(0, 0.1, n)
    frame["human"] = frame["size"] + frame["rd"] + rng.normal(0, 0.05, n)
    frame["standardise_first_year"] = frame["year"].min()  # mean and sd over every year
    frame["standardise_last_year"] = frame["year"].max()
    order = frame["sector"].str[1:].astype(int)
    frame["sector_order"] = order
    frame["sector_short_name"] = order.map(SHORT_NAMES)
    frame["sector_name"] = frame["sector_short_name"] + " (long name)"
    return frame.assign(**_provenance(frame["year"], real))


def _provenance(year: pd.Series, real: bool) -> dict:
    if not real:
        return {
            "mrio_edition": "8",
            "mrio_vintage": "synthetic",
            "mrio_synthetic": True,
            "kof_vintage": 2022,
            "kof_synthetic": True,
            "nbs_classification": np.where(year < 2012, "GB/T 4754-2002", "GB/T 4754-2011"),
            "nbs_synthetic": True,
        }
    return {
        "mrio_edition": "62",
        "mrio_vintage": np.where(year <= 2016, "2022-03", "2022-12"),
        "mrio_synthetic": False,
        "kof_vintage": 2022,
        "kof_synthetic": False,
        "nbs_classification": np.where(year < 2012, "GB/T 4754-2002", "GB/T 4754-2011"),
        "nbs_synthetic": False,
    }


def write_warehouse(path, frame: pd.DataFrame):
    """``frame`` as ``mart_icc_ics`` in a new DuckDB file at ``path``."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("create table mart_icc_ics as select * from frame")
    return path
