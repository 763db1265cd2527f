"""A synthetic but economically plausible MRIO year (pure numpy, no I/O).

Construction, output first, balanced by design:

1. Target gross output ``x*`` of every economy-sector: each economy's total follows its
   (2000, 2008, 2018) anchors with a business cycle; sector shares follow the world shares
   tilted by economy type (China: its own 2008 -> 2018 structure). A sample with fewer than
   62 economies folds the others into ``RoW``, so RoW is the rest of the world in every size.
2. Input coefficients ``A``: one world recipe (dense, key input relations, rebalanced by RAS
   to the world input and final-use ratios), scaled per economy to its input ratios, split
   into domestic and imported parts by tradability x openness x the year's trade cycle, and
   imports split over partner economies by size, region and China's pull.
3. ``Z = A diag(x*)``, final use ``y* = x* - A x*`` (rows whose inputs sold would exceed
   output are scaled down, so ``y* > 0``), split over destinations (export shares) and
   categories F1..F5 (F5 inventories small and sometimes negative).
4. Row sums ``Z 1 + F 1`` equal ``x*`` up to float rounding; value added ``x - colsum(Z)``
   is positive, split into the six ADB rows r99, r61, r62, r63, r64, trs.

Random streams: the world recipe from ``(seed, 0)``, each economy's structure from
``(seed, 1, economy)``, each economy's year from ``(seed, 2, year, economy)`` and the table's
year draws from ``(seed, 3, year)``: one year never depends on which other years are drawn,
and China's output targets (used by the NBS tables) do not depend on the sample size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analysis.sample import calibration as cal
from analysis.sample.constants import ADB62, ADB_ECONOMIES, N_FD, N_SECTORS, ROW, SECTOR_CODES

N = N_SECTORS
K = N_FD
PRC = "PRC"
REGION: dict[str, str] = {code: region for code, _, _, _, _, region in ADB_ECONOMIES}
ASIA = {"East Asia", "Southeast Asia", "South Asia"}

#: World trade intensity relative to 2008 (imports per unit of use): the 2009 collapse,
#: recovery, the slowdown of the 2010s and the 2020 shock. Flat outside 2000-2025.
TRADE_CYCLE: dict[int, float] = {
    2000: 0.80, 2001: 0.79, 2002: 0.80, 2003: 0.83, 2004: 0.88, 2005: 0.92, 2006: 0.96,
    2007: 0.99, 2008: 1.00, 2009: 0.85, 2010: 0.94, 2011: 0.98, 2012: 0.97, 2013: 0.965,
    2014: 0.96, 2015: 0.93, 2016: 0.91, 2017: 0.92, 2018: 0.93, 2019: 0.91, 2020: 0.86,
    2021: 0.92, 2022: 0.94, 2023: 0.92, 2024: 0.92, 2025: 0.92,
}  # fmt: skip
#: China's own reliance on imported inputs relative to 2008: WTO-era rise, 2009 dip,
#: then the long substitution of domestic for imported inputs, faster after 2015.
PRC_IMPORT_PATH: dict[int, float] = {
    2000: 0.86, 2001: 0.87, 2002: 0.90, 2003: 0.96, 2004: 1.02, 2005: 1.04, 2006: 1.05,
    2007: 1.04, 2008: 1.00, 2009: 0.93, 2010: 0.98, 2011: 0.97, 2012: 0.94, 2013: 0.92,
    2014: 0.90, 2015: 0.86, 2016: 0.81, 2017: 0.79, 2018: 0.77, 2019: 0.75, 2020: 0.73,
    2021: 0.74, 2022: 0.73, 2023: 0.72, 2024: 0.71, 2025: 0.70,
}  # fmt: skip
#: China's pull as a supplier of manufactures to the world relative to 2008 (multiplier on
#: its sector weights ``calibration.PRC_SUPPLIER_PULL``): rise, 2009 dip, plateau, decline
#: after 2015 (rising costs, trade tensions).
PRC_PULL: dict[int, float] = {
    2000: 0.63, 2001: 0.67, 2002: 0.70, 2003: 0.76, 2004: 0.81, 2005: 0.87, 2006: 0.93,
    2007: 0.98, 2008: 1.00, 2009: 0.97, 2010: 1.05, 2011: 1.10, 2012: 1.14, 2013: 1.18,
    2014: 1.22, 2015: 1.25, 2016: 1.22, 2017: 1.20, 2018: 1.16, 2019: 1.12, 2020: 1.14,
    2021: 1.18, 2022: 1.14, 2023: 1.10, 2024: 1.08, 2025: 1.06,
}  # fmt: skip


def _on(path: dict[int, float], year: int) -> float:
    return path[min(max(year, min(path)), max(path))]


@dataclass(frozen=True)
class SampleTable:
    """One synthetic MRIO year in table order (economy-major, sectors c1..c35)."""

    year: int
    economies: list[str]
    Z: np.ndarray  # n x n intermediate flows, USD million
    F: np.ndarray  # n x (G*5) final demand, F1..F5 per destination economy
    va_rows: np.ndarray  # 6 x (n + G*5): rows r99, r61..r64, trs under every data column

    @property
    def x(self) -> np.ndarray:
        """Gross output, ``rowsum(Z) + rowsum(F)`` (= the ToT column)."""
        return self.Z.sum(axis=1) + self.F.sum(axis=1)

    @property
    def va(self) -> np.ndarray:
        """Value added for IO purposes, ``x - colsum(Z)`` (= rows r99..trs, intermediate)."""
        return self.x - self.Z.sum(axis=0)


# --------------------------------------------------------------------------- structure
@lru_cache(maxsize=8)
def world_recipe(seed: int) -> np.ndarray:
    """N x N input recipe, columns sum to 1 (supplier rows, buyer columns)."""
    rng = np.random.default_rng([seed, 0])
    index = {code: i for i, code in enumerate(SECTOR_CODES)}
    base = np.full((N, N), 0.05)
    for supplier, weight in cal.BROAD_SUPPLIERS.items():
        base[index[supplier], :] += weight
    for supplier, buyers in cal.KEY_INPUTS.items():
        for buyer, weight in buyers.items():
            base[index[supplier], index[buyer]] += weight
    base += np.diag(np.where(cal.IS_GOODS, 0.8, 0.3))
    base *= rng.lognormal(0.0, 0.25, (N, N))
    # RAS to world flows: rows = inputs sold, columns = inputs bought (shares of world output)
    w = cal.WORLD_SHARE / cal.WORLD_SHARE.sum()
    cols = cal.INPUT_RATIO * w
    rows = (1.0 - cal.FINAL_RATIO) * w
    rows *= cols.sum() / rows.sum()
    flows = base * cols[None, :] / base.sum(axis=0, keepdims=True)
    for _ in range(200):
        flows *= (rows / flows.sum(axis=1))[:, None]
        flows *= (cols / flows.sum(axis=0))[None, :]
    return _frozen(flows / flows.sum(axis=0, keepdims=True))


def _frozen(array: np.ndarray) -> np.ndarray:
    """Read-only: cached arrays are shared between calls."""
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class EconomyStructure:
    """Year-invariant parameters of one ADB-62 economy (or the ADB-62 RoW)."""

    code: str
    profile: np.ndarray  # N sector-share multipliers (world shares x tilt x noise)
    input_ratio: np.ndarray  # N column sums of A
    recipe_noise: np.ndarray  # N x N multiplicative noise on the world recipe
    tax_share: np.ndarray  # N taxes less subsidies on products / va (r99)
    margin_share: np.ndarray  # N international transport margins / va (trs)


@lru_cache(maxsize=256)
def economy_structure(code: str, seed: int) -> EconomyStructure:
    rng = np.random.default_rng([seed, 1, cal.economy_index(code)])
    tilt = np.ones(N)
    if code not in (PRC, ROW):
        if code in cal.ADVANCED:
            tilt = np.where(cal.IS_MANUF, 0.8, np.where(cal.IS_SERVICE, 1.12, 0.6))
        else:
            tilt = np.where(cal.IS_MANUF, 1.2, np.where(cal.IS_SERVICE, 0.85, 1.9))
        for sector, factor in cal.SECTOR_TILT.get(code, {}).items():
            tilt[SECTOR_CODES.index(sector)] *= factor
    noise = rng.lognormal(0.0, 0.0 if code == PRC else 0.18, N)
    profile = cal.WORLD_SHARE * tilt * noise
    ratio = cal.INPUT_RATIO * rng.uniform(0.95, 1.05, N)
    if code == PRC:  # China's manufacturing uses more inputs per unit of output
        ratio = np.where(cal.IS_MANUF, ratio * 1.07, ratio)
    elif code in cal.ADVANCED:
        ratio = np.where(cal.IS_MANUF, ratio * 0.95, ratio)
    return EconomyStructure(
        code=code,
        profile=_frozen(profile),
        input_ratio=_frozen(np.clip(ratio, 0.15, 0.83)),
        recipe_noise=_frozen(rng.lognormal(0.0, 0.12, (N, N))),
        tax_share=_frozen(
            np.where(np.arange(N) == 0, rng.uniform(-0.03, 0.01, N), rng.uniform(0.01, 0.06, N))
        ),
        margin_share=_frozen(rng.uniform(0.001, 0.008, N)),
    )


def economy_output(code: str, year: int, seed: int) -> np.ndarray:
    """Target gross output x* of the 35 sectors of one ADB-62 economy (USD million)."""
    s = economy_structure(code, seed)
    rng = np.random.default_rng([seed, 2, year, cal.economy_index(code)])
    anchors = np.log([v * 1e3 for v in cal.OUTPUT_ANCHORS[code]])  # USD million
    # log-linear between the anchors; after 2018 the 2008-2018 trend (0-7 % a year)
    total = float(np.exp(np.interp(year, cal.ANCHOR_YEARS, anchors)))
    if year > cal.ANCHOR_YEARS[-1]:
        growth = min(max(np.exp((anchors[2] - anchors[1]) / 10) - 1.0, 0.0), 0.07)
        total *= (1.0 + growth) ** (year - cal.ANCHOR_YEARS[-1])
    cycle = cal.CYCLE[PRC if code == PRC else "world"]
    total *= cycle.get(year, 1.0) * cal.COVID.get(year, 1.0) * rng.uniform(0.99, 1.01)
    if code == PRC:
        t = min(max((year - 2008) / 10.0, 0.0), 1.0)
        shares = (1 - t) * cal.PRC_SHARE[2008] + t * cal.PRC_SHARE[2018]
    else:
        shares = s.profile
    shares = shares * rng.uniform(0.98, 1.02, N)
    return total * shares / shares.sum()


# --------------------------------------------------------------------------- one year
def _units(economies: Sequence[str]) -> list[list[str]]:
    """ADB-62 economies that make up each economy of the table (RoW takes the rest)."""
    listed = set(economies)
    unknown = listed - set(ADB62)
    if unknown:
        raise ValueError(f"unknown ADB-62 economy codes: {sorted(unknown)}")
    if ROW not in listed:
        raise ValueError("the table needs a rest of the world ('RoW')")
    rest = [code for code in ADB62 if code not in listed]
    return [[code] if code != ROW else [*rest, ROW] for code in economies]


@dataclass
class _Structure:
    """Per-economy targets and parameters of one year (RoW: output-weighted over members)."""

    x_star: np.ndarray  # n target outputs
    X: np.ndarray  # G x N
    totals: np.ndarray  # G
    ratio: np.ndarray  # G x N input ratios
    recipes: np.ndarray  # G x N x N
    tax: np.ndarray  # G x N
    margin: np.ndarray  # G x N


def _structure(units, year: int, seed: int, rng: np.random.Generator) -> _Structure:
    G = len(units)
    parts = [[economy_output(c, year, seed) for c in members] for members in units]
    x_star = np.concatenate([np.sum(p, axis=0) for p in parts])
    X = x_star.reshape(G, N)
    recipe = world_recipe(seed)
    ratio, tax, margin = np.empty((G, N)), np.empty((G, N)), np.empty((G, N))
    recipes = np.empty((G, N, N))
    for g, members in enumerate(units):
        weights = np.array(parts[g])  # members x N
        structs = [economy_structure(c, seed) for c in members]
        wsum = weights.sum(axis=0)
        ratio[g] = sum(w * s.input_ratio for w, s in zip(weights, structs, strict=True)) / wsum
        tax[g] = sum(w * s.tax_share for w, s in zip(weights, structs, strict=True)) / wsum
        margin[g] = sum(w * s.margin_share for w, s in zip(weights, structs, strict=True)) / wsum
        noise = structs[0].recipe_noise if len(structs) == 1 else np.ones((N, N))
        r = recipe * noise
        recipes[g] = r / r.sum(axis=0, keepdims=True)
    ratio = np.clip(ratio * rng.uniform(0.985, 1.015, (G, N)), 0.15, 0.83)
    return _Structure(x_star, X, X.sum(axis=1), ratio, recipes, tax, margin)


def _openness(economies, totals: np.ndarray, prc_path: float) -> np.ndarray:
    """Share of inputs bought abroad: larger economies buy less; China and RoW their own."""
    openness = np.clip(0.9 * (totals / 2.0e6) ** -0.2, 0.42, 1.9)
    for g, e in enumerate(economies):
        if e == PRC:
            openness[g] = 0.60 * prc_path
        elif e == ROW:  # RoW trades mostly within itself: only imports from listed partners
            openness[g] = 0.62 * (totals.sum() - totals[g]) / totals.sum()
    return openness


def _affinity(economies) -> np.ndarray:
    """Trade affinity of buyer g and supplier h: same region 2, both in Asia 1.5, else 1."""
    G = len(economies)
    region = [REGION.get(e, "Rest of the world") for e in economies]
    affinity = np.ones((G, G))
    for g in range(G):
        for h in range(G):
            if region[g] == region[h] and region[g] != "Rest of the world":
                affinity[g, h] = 2.0
            elif region[g] in ASIA and region[h] in ASIA:
                affinity[g, h] = 1.5
    np.fill_diagonal(affinity, 0.0)
    return affinity


def _sources(economies, X: np.ndarray, affinity: np.ndarray, prc_pull: float) -> np.ndarray:
    """Supplier weights, buyer g x supplier h x sector i: size x affinity x China's pull."""
    pull = np.ones(X.shape)
    for g, e in enumerate(economies):
        if e == PRC:
            pull[g] = cal.PRC_SUPPLIER_PULL * np.where(cal.IS_MANUF, prc_pull, 1.0)
    size = (X**0.9) * pull
    source = affinity[:, :, None] * size[None, :, :]
    denom = source.sum(axis=1, keepdims=True)
    return np.divide(source, denom, out=np.zeros_like(source), where=denom > 0)


def _coefficients(st: _Structure, openness, source, trade: float, rng) -> np.ndarray:
    """Input coefficients A: recipes x ratios, split into domestic and imported parts."""
    G = len(st.totals)
    n = G * N
    A = np.empty((n, n))
    m_scale = cal.INPUT_TRADABILITY[:, None] * cal.BUYER_IMPORT_BIAS[None, :] * trade
    for g in range(G):
        base = st.recipes[g] * st.ratio[g][None, :]  # supplier i x buyer j
        jitter = rng.uniform(0.95, 1.05, (N, 1))
        m = np.clip(openness[g] * m_scale * jitter, 0.0, 0.8) if G > 1 else np.zeros((N, N))
        imported = base * m
        block = imported[None, :, :] * source[g][:, :, None]  # h x i x j
        block[g] = base - imported
        A[:, g * N : (g + 1) * N] = block.reshape(n, N)
    return A


def _final_use(A: np.ndarray, x_star: np.ndarray, G: int) -> np.ndarray:
    """Final use y* = x* - A x*, rows scaled down so that at least a small share is left."""
    y_min = np.tile(np.maximum(0.4 * cal.FINAL_RATIO, 0.015), G) * x_star
    used = A @ x_star
    short = x_star - used < y_min
    if short.any():
        A[short] *= ((x_star[short] - y_min[short]) / used[short])[:, None]
        used = A @ x_star
    return x_star - used


def _final_demand(economies, st, y_star, openness, affinity, trade, rng) -> np.ndarray:
    """F: final use split over destinations (export shares) and categories F1..F5."""
    G = len(economies)
    export_share = cal.FINAL_TRADABILITY[None, :] * openness[:, None] * trade
    for g, e in enumerate(economies):
        if e == PRC:  # China's final-goods export orientation in manufactures
            export_share[g] = np.where(cal.IS_MANUF, export_share[g] * 2.2, export_share[g])
    export_share = np.clip(export_share, 0.0, 0.85) if G > 1 else np.zeros((G, N))
    dest = affinity * (st.totals**0.9)[None, :]  # exporter g -> destination h
    dest /= np.maximum(dest.sum(axis=1, keepdims=True), 1e-300)
    category = cal.category_split()  # N x 4
    F = np.zeros((G * N, G * K))
    for h in range(G):  # supplying economy
        rows = slice(h * N, (h + 1) * N)
        to = export_share[h][:, None] * dest[h][None, :]  # N x G
        to[:, h] = 1.0 - export_share[h]
        inventories = np.where(
            cal.IS_GOODS[:, None], np.clip(rng.normal(0.012, 0.012, (N, G)), -0.025, 0.04), 0.0
        )
        for g in range(G):  # destination
            split = np.empty((N, K))
            split[:, :4] = category * (1.0 - inventories[:, g])[:, None]
            split[:, 4] = inventories[:, g]
            F[rows, g * K : (g + 1) * K] = (y_star[rows] * to[:, g])[:, None] * split
    return F


def _value_added_rows(Z, F, st: _Structure, rng) -> np.ndarray:
    """Rows r99, r61, r62, r63, r64, trs (ADB_TOTAL_ROWS after r60) under every data column."""
    G, n = len(st.totals), Z.shape[0]
    x = Z.sum(axis=1) + F.sum(axis=1)
    va = x - Z.sum(axis=0)
    va_rows = np.zeros((6, n + G * K))
    va_rows[0, :n] = st.tax.ravel() * va  # r99 taxes less subsidies on products
    va_rows[5, :n] = st.margin.ravel() * va  # trs international transport margins
    va_rows[4, :n] = va - va_rows[0, :n] - va_rows[5, :n]  # r64 value added at basic prices
    fd_total = F.sum(axis=0)
    va_rows[0, n:] = np.tile([0.08, 0.01, 0.02, 0.06, 0.0], G) * fd_total
    f1 = n + np.arange(G) * K  # household consumption columns
    va_rows[1, f1] = 0.001 * fd_total[f1 - n]  # r61 cif/fob adjustments (small, F1 only)
    tourism = rng.uniform(0.01, 0.03, (2, G))
    va_rows[2, f1] = tourism[0] * fd_total[f1 - n]  # r62 direct purchases abroad (>= 0)
    va_rows[3, f1] = -tourism[1] * fd_total[f1 - n]  # r63 purchases by non-residents (<= 0)
    return va_rows


def sample_table(economies: Sequence[str], year: int, seed: int) -> SampleTable:
    """Draw one balanced MRIO year for ``economies`` (ADB codes in table order, RoW last).

    Steps (module docstring): targets and structures, trade weights, input coefficients,
    final use and its destinations, value-added rows. The random draws of the year come
    from one stream in a fixed order.
    """
    economies = list(economies)
    rng = np.random.default_rng([seed, 3, year])
    trade = _on(TRADE_CYCLE, year)
    st = _structure(_units(economies), year, seed, rng)
    openness = _openness(economies, st.totals, _on(PRC_IMPORT_PATH, year))
    affinity = _affinity(economies)
    source = _sources(economies, st.X, affinity, _on(PRC_PULL, year))
    A = _coefficients(st, openness, source, trade, rng)
    y_star = _final_use(A, st.x_star, len(economies))
    Z = A * st.x_star[None, :]
    F = _final_demand(economies, st, y_star, openness, affinity, trade, rng)
    va_rows = _value_added_rows(Z, F, st, rng)
    return SampleTable(year=year, economies=economies, Z=Z, F=F, va_rows=va_rows)


def prc_output(year: int, seed: int) -> dict[str, float]:
    """China's gross output by ADB sector in ``year`` (USD million), as in every table size."""
    return dict(zip(SECTOR_CODES, economy_output(PRC, year, seed).tolist(), strict=True))
