"""A synthetic but economically plausible MRIO year (pure numpy).

Construction (balanced by design): input coefficients ``A`` (column sums < 1) and final
demand ``F`` are drawn first, output follows as ``x = (I - A)^-1 F 1`` and flows as
``Z = A diag(x)``; value added is ``x - colsum(Z) = x (1 - colsum(A)) > 0``. Structure
(recipes, sector profiles, base import shares) comes from the seed alone, year-to-year
movements from (seed, year), so one year is the same whichever other years are generated.

Calibration targets: China's manufacturing (c3-c16) import shares of intermediate inputs of
5-30 % (electronics highest, food lowest), a trade collapse in 2009 and a slow decline of
import reliance after 2015, economy sizes and growth rates of the right order (USD million).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.reference import ADB_ECONOMIES, MANUFACTURING, SECTOR_CODES

N = len(SECTORS := SECTOR_CODES)
K = 5  # final-demand categories
MANUF = np.array([s in MANUFACTURING for s in SECTORS])
PRIMARY = np.array([s in ("c1", "c2") for s in SECTORS])
SERVICES = ~(MANUF | PRIMARY)
REGION = {code: region for code, _, _, _, _, region in ADB_ECONOMIES}

#: Final demand of some economies in 2007, USD million, and nominal growth per year.
ANCHORS: dict[str, tuple[float, float]] = {
    "USA": (14.0e6, 0.035),
    "PRC": (4.6e6, 0.125),
    "JPN": (4.4e6, 0.005),
    "GER": (3.3e6, 0.015),
    "UKG": (2.9e6, 0.010),
    "FRA": (2.6e6, 0.012),
    "KOR": (1.05e6, 0.040),
    "IND": (1.2e6, 0.090),
    "TAP": (0.40e6, 0.035),
    "VIE": (0.07e6, 0.110),
    "RoW": (24.0e6, 0.045),
}
#: Global trade intensity by year relative to 2007: collapse in 2009, slow decline after 2015.
TRADE_PATH = {
    2007: 1.00,
    2008: 1.03,
    2009: 0.84,
    2010: 0.93,
    2011: 0.97,
    2012: 0.96,
    2013: 0.955,
    2014: 0.95,
    2015: 0.92,
    2016: 0.89,
    2017: 0.885,
    2018: 0.875,
    2019: 0.86,
    2020: 0.82,
}


def trade_path(year: int) -> float:
    """Trade intensity relative to 2007 (extrapolated flat outside 2007-2020)."""
    return TRADE_PATH[min(max(year, 2007), 2020)]


@dataclass(frozen=True)
class SampleTable:
    """One synthetic MRIO year: flows, final demand and the VA-type rows."""

    year: int
    economies: list[str]
    Z: np.ndarray  # n x n
    F: np.ndarray  # n x (G*K)
    va_rows: np.ndarray  # 6 x (n + G*K): r61..r66 under every data column

    @property
    def x(self) -> np.ndarray:
        return self.Z.sum(axis=1) + self.F.sum(axis=1)


def _structure(economies: list[str], seed: int) -> dict[str, np.ndarray]:
    """Year-invariant structure drawn from the seed."""
    rng = np.random.default_rng([seed, 0])
    G = len(economies)
    # Recipes: column-stochastic input mix; own sector, mining, chemicals, metals and
    # business services are common inputs.
    base = np.full(N, 0.3)
    for code, w in {
        "c2": 2.0,
        "c9": 2.0,
        "c12": 2.0,
        "c17": 1.5,
        "c20": 1.5,
        "c23": 1.2,
        "c28": 1.5,
        "c30": 2.0,
    }.items():
        base[SECTORS.index(code)] = w
    recipe = rng.dirichlet(base, size=N).T  # recipe[:, j] sums to 1
    recipe += np.eye(N) * 0.6
    recipe /= recipe.sum(axis=0, keepdims=True)
    # total input share of gross output, by sector type
    tau = np.where(MANUF, rng.uniform(0.62, 0.78, N), np.where(PRIMARY, 0.42, 0.40))
    tau = np.where(SERVICES, rng.uniform(0.30, 0.52, N), tau)
    # sector shares of final demand
    fd_share = np.where(SERVICES, rng.uniform(2.0, 5.0, N), np.where(MANUF, 3.0, 1.2))
    fd_share[SECTORS.index("c14")] = 7.0
    fd_share[SECTORS.index("c18")] = 8.0  # construction: investment demand
    fd_share /= fd_share.sum()
    # manufacturing import shares: electronics high, food low
    profile = np.linspace(0.07, 0.22, 14)  # c3 .. c16 before shuffling the middle
    profile[SECTORS.index("c14") - 2] = 0.26
    profile[SECTORS.index("c3") - 2] = 0.05
    m_base = np.where(SERVICES, 0.04, np.where(PRIMARY, 0.06, 0.0))
    m_base[MANUF] = profile
    # economy-level openness: big economies trade less of their inputs
    openness = np.array(
        [
            0.75 if e == "PRC" else 0.6 if e in ("USA", "RoW", "JPN") else rng.uniform(1.2, 2.2)
            for e in economies
        ]
    )
    sizes = np.array(
        [ANCHORS.get(e, (rng.lognormal(np.log(2.5e5), 1.0), 0.04))[0] for e in economies]
    )
    growth = np.array([ANCHORS.get(e, (0.0, rng.uniform(0.02, 0.07)))[1] for e in economies])
    # partner attractiveness: size^0.9 with a regional bonus
    pull = sizes**0.9
    region = np.array([REGION.get(e, "Rest of the world") for e in economies])
    affinity = np.where(region[:, None] == region[None, :], 2.0, 1.0)
    china_pull = np.array([2.5 if e == "PRC" else 1.0 for e in economies])
    weights = affinity * (pull * china_pull)[None, :]
    np.fill_diagonal(weights, 0.0)
    weights = weights / weights.sum(axis=1, keepdims=True) if G > 1 else weights
    return {
        "recipe": recipe,
        "tau": tau,
        "fd_share": fd_share,
        "m_base": m_base,
        "openness": openness,
        "sizes": sizes,
        "growth": growth,
        "partner": weights,  # partner[g, h]: share of g's imports that come from h
    }


def sample_table(economies: list[str], year: int, seed: int) -> SampleTable:
    """Draw one balanced MRIO year for ``economies`` (ADB codes in table order)."""
    s = _structure(economies, seed)
    rng = np.random.default_rng([seed, year])
    G = len(economies)
    n = G * N
    trade = trade_path(year)
    years_since = year - 2007

    A = np.zeros((n, n))
    for g in range(G):
        jitter = rng.uniform(0.9, 1.1, N)
        m = np.clip(s["m_base"] * s["openness"][g] * trade * jitter, 0.0, 0.6) if G > 1 else 0
        tau = s["tau"] * rng.uniform(0.98, 1.02, N)
        cols = slice(g * N, (g + 1) * N)
        for h in range(G):
            share = (1.0 - m) if h == g else m * s["partner"][g, h]
            A[h * N : (h + 1) * N, cols] = s["recipe"] * (tau * share)[None, :]

    # final demand: size grows; import share of final goods follows the trade path
    size = s["sizes"] * (1.0 + s["growth"]) ** years_since * rng.uniform(0.98, 1.02, G)
    if year == 2009:
        size *= 0.97
    categories = np.array([0.60, 0.02, 0.15, 0.21, 0.02])
    F = np.zeros((n, G * K))
    for g in range(G):
        demand = size[g] * s["fd_share"] * rng.uniform(0.9, 1.1, N)
        mf = np.where(MANUF, 0.22, 0.03) * s["openness"][g] * trade if G > 1 else np.zeros(N)
        for h in range(G):
            share = (1.0 - mf) if h == g else mf * s["partner"][g, h]
            block = (demand * share)[:, None] * categories[None, :]
            # inventories: small, sometimes negative
            block[:, 4] *= rng.uniform(-0.8, 1.6, N)
            F[h * N : (h + 1) * N, g * K : (g + 1) * K] = block

    x = np.linalg.solve(np.eye(n) - A, F.sum(axis=1))
    Z = A * x[None, :]
    va = x - Z.sum(axis=0)
    va_rows = np.zeros((6, n + G * K))
    # under the intermediate columns the six rows sum to va: taxes 4 %, cif/fob 0,
    # margins 1 %, VA at basic prices the rest
    va_rows[0, :n] = 0.04 * va
    va_rows[5, :n] = 0.01 * va
    va_rows[4, :n] = va - va_rows[0, :n] - va_rows[5, :n]
    # under final-demand columns: taxes on final products, residents' purchases abroad
    # (>= 0) and non-residents' purchases at home (<= 0) in household consumption (F1)
    fd_total = F.sum(axis=0)
    va_rows[0, n:] = 0.06 * fd_total
    f1 = np.arange(G) * K
    va_rows[2, n + f1] = 0.012 * fd_total[f1]
    va_rows[3, n + f1] = -0.010 * fd_total[f1]
    return SampleTable(year=year, economies=list(economies), Z=Z, F=F, va_rows=va_rows)
