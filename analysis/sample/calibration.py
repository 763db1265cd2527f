"""Calibration of the synthetic MRIO: stylised, rounded magnitudes (no table is copied).

Orders of magnitude follow public facts about the world economy in current USD: gross output
of each ADB-62 economy in 2000, 2008 and 2018 (USD billion, two significant digits), sector
shares of world gross output, input-output ratios (total intermediate input / output) and
final-demand ratios (final use / output) by sector, China's sector structure in 2008 and 2018
(rounded, with the two odd ADB sectors c19 and c35, empty in China, given a token size).
Tradability and openness parameters are behavioural knobs tuned so that China's manufacturing
GVC participation lands where the literature puts it (roughly 0.05-0.30).
"""

from __future__ import annotations

import numpy as np

from analysis.sample.constants import ADB62, ROW, SECTOR_CODES

#: Gross output by economy, USD billion (2000, 2008, 2018), two significant digits.
#: ``RoW`` is the rest of the world of the ADB-62 edition; a smaller sample folds the
#: economies it leaves out into its RoW.
OUTPUT_ANCHORS: dict[str, tuple[float, float, float]] = {
    "AUS": (800, 2100, 2700),
    "AUT": (330, 800, 850),
    "BEL": (490, 1100, 1100),
    "BGR": (27, 120, 140),
    "BRA": (1100, 3000, 3300),
    "CAN": (1400, 2800, 3000),
    "SWI": (530, 1100, 1500),
    "PRC": (3300, 14000, 43000),
    "CYP": (18, 47, 48),
    "CZE": (140, 570, 560),
    "GER": (3500, 7100, 7400),
    "DEN": (270, 640, 630),
    "SPA": (1100, 3300, 2500),
    "EST": (12, 49, 61),
    "FIN": (240, 560, 520),
    "FRA": (2400, 5300, 4900),
    "UKG": (2800, 5000, 4900),
    "GRC": (220, 570, 350),
    "HRV": (37, 130, 100),
    "HUN": (99, 330, 310),
    "INO": (350, 1100, 2000),
    "IND": (890, 2600, 5100),
    "IRE": (200, 620, 740),
    "ITA": (2200, 4800, 4000),
    "JPN": (8700, 9700, 9500),
    "KOR": (1200, 2500, 3800),
    "LTU": (19, 87, 95),
    "LUX": (51, 160, 240),
    "LVA": (16, 72, 63),
    "MEX": (1100, 1900, 2100),
    "MLT": (9.4, 24, 39),
    "NET": (780, 1800, 1800),
    "NOR": (280, 780, 730),
    "POL": (330, 1100, 1200),
    "POR": (230, 500, 430),
    "ROM": (73, 390, 460),
    "RUS": (450, 2900, 3000),
    "SVK": (48, 220, 250),
    "SVN": (39, 110, 100),
    "SWE": (470, 970, 1000),
    "TUR": (570, 1400, 1500),
    "TAP": (680, 990, 1300),
    "USA": (19000, 27000, 36000),
    "BAN": (73, 150, 460),
    "MAL": (280, 620, 850),
    "PHI": (170, 340, 640),
    "THA": (290, 820, 1200),
    "VIE": (67, 280, 680),
    "KAZ": (40, 250, 290),
    "MON": (2.1, 10, 25),
    "SRI": (24, 69, 140),
    "PAK": (140, 280, 490),
    "FIJ": (3.4, 6.1, 8.6),
    "LAO": (2.4, 7.9, 28),
    "BRU": (11, 24, 24),
    "BHU": (0.68, 2.1, 3.9),
    "KGZ": (3.4, 11, 16),
    "CAM": (6.6, 19, 46),
    "MLD": (1.0, 4.5, 10),
    "NEP": (8.7, 18, 49),
    "SIN": (280, 520, 960),
    "HKG": (310, 420, 670),
    ROW: (4600, 13000, 20000),
}
ANCHOR_YEARS = (2000, 2008, 2018)

#: Business cycle around the log-linear path between the anchors (1 in anchor years).
#: ``world`` applies to every economy but China; ``PRC`` to China.
CYCLE: dict[str, dict[int, float]] = {
    "world": {2009: 0.91, 2010: 0.96, 2011: 1.01, 2012: 0.99, 2015: 0.95, 2016: 0.95, 2017: 0.97},
    "PRC": {2009: 0.97, 2010: 0.99, 2015: 1.02, 2016: 0.97, 2017: 0.95},
}
COVID = {2020: 0.95, 2021: 0.99}


def _vector(values: dict[str, float], default: float = 0.0) -> np.ndarray:
    return np.array([values.get(code, default) for code in SECTOR_CODES], dtype=float)


#: Sector shares of world gross output (rounded, around 2008).
WORLD_SHARE = _vector(
    {
        "c1": 0.032, "c2": 0.033, "c3": 0.040, "c4": 0.013, "c5": 0.0026, "c6": 0.0052,
        "c7": 0.016, "c8": 0.024, "c9": 0.033, "c10": 0.011, "c11": 0.011, "c12": 0.046,
        "c13": 0.025, "c14": 0.037, "c15": 0.033, "c16": 0.009, "c17": 0.033, "c18": 0.073,
        "c19": 0.010, "c20": 0.050, "c21": 0.034, "c22": 0.024, "c23": 0.026, "c24": 0.0052,
        "c25": 0.0052, "c26": 0.011, "c27": 0.019, "c28": 0.050, "c29": 0.056, "c30": 0.083,
        "c31": 0.059, "c32": 0.022, "c33": 0.040, "c34": 0.029, "c35": 0.0015,
    }
)  # fmt: skip
#: Total intermediate input / gross output (column sums of A) by sector, world, rounded.
INPUT_RATIO = _vector(
    {
        "c1": 0.43, "c2": 0.38, "c3": 0.73, "c4": 0.71, "c5": 0.74, "c6": 0.70, "c7": 0.61,
        "c8": 0.78, "c9": 0.71, "c10": 0.72, "c11": 0.66, "c12": 0.74, "c13": 0.67,
        "c14": 0.70, "c15": 0.74, "c16": 0.62, "c17": 0.62, "c18": 0.61, "c19": 0.41,
        "c20": 0.39, "c21": 0.35, "c22": 0.50, "c23": 0.50, "c24": 0.65, "c25": 0.67,
        "c26": 0.53, "c27": 0.44, "c28": 0.42, "c29": 0.30, "c30": 0.41, "c31": 0.34,
        "c32": 0.30, "c33": 0.38, "c34": 0.44, "c35": 0.30,
    }
)  # fmt: skip
#: Final use / gross output by sector, world, rounded (the rest is sold as inputs).
FINAL_RATIO = _vector(
    {
        "c1": 0.37, "c2": 0.07, "c3": 0.61, "c4": 0.51, "c5": 0.56, "c6": 0.10, "c7": 0.24,
        "c8": 0.27, "c9": 0.22, "c10": 0.13, "c11": 0.07, "c12": 0.09, "c13": 0.48,
        "c14": 0.37, "c15": 0.54, "c16": 0.58, "c17": 0.23, "c18": 0.79, "c19": 0.57,
        "c20": 0.44, "c21": 0.66, "c22": 0.73, "c23": 0.38, "c24": 0.30, "c25": 0.45,
        "c26": 0.16, "c27": 0.41, "c28": 0.37, "c29": 0.74, "c30": 0.24, "c31": 0.92,
        "c32": 0.90, "c33": 0.94, "c34": 0.59, "c35": 0.90,
    }
)  # fmt: skip
#: China's sector shares of gross output, 2008 and 2018 (rounded, stylised).
PRC_SHARE = {
    2008: _vector(
        {
            "c1": 0.060, "c2": 0.043, "c3": 0.051, "c4": 0.037, "c5": 0.0095, "c6": 0.011,
            "c7": 0.013, "c8": 0.023, "c9": 0.053, "c10": 0.019, "c11": 0.025, "c12": 0.094,
            "c13": 0.046, "c14": 0.085, "c15": 0.038, "c16": 0.008, "c17": 0.038,
            "c18": 0.085, "c19": 0.001, "c20": 0.038, "c21": 0.008, "c22": 0.019,
            "c23": 0.020, "c24": 0.0067, "c25": 0.003, "c26": 0.006, "c27": 0.012,
            "c28": 0.023, "c29": 0.019, "c30": 0.034, "c31": 0.026, "c32": 0.017,
            "c33": 0.014, "c34": 0.017, "c35": 0.0005,
        }
    ),
    2018: _vector(
        {
            "c1": 0.040, "c2": 0.020, "c3": 0.048, "c4": 0.023, "c5": 0.006, "c6": 0.010,
            "c7": 0.014, "c8": 0.022, "c9": 0.062, "c10": 0.025, "c11": 0.020, "c12": 0.060,
            "c13": 0.036, "c14": 0.082, "c15": 0.034, "c16": 0.005, "c17": 0.026,
            "c18": 0.096, "c19": 0.001, "c20": 0.046, "c21": 0.011, "c22": 0.017,
            "c23": 0.021, "c24": 0.005, "c25": 0.003, "c26": 0.006, "c27": 0.009,
            "c28": 0.038, "c29": 0.031, "c30": 0.038, "c31": 0.035, "c32": 0.024,
            "c33": 0.030, "c34": 0.030, "c35": 0.0005,
        }
    ),
}  # fmt: skip

_MANUF = np.array([f"c{i}" for i in range(3, 17)])
IS_MANUF = np.isin(np.array(SECTOR_CODES), _MANUF)
IS_SERVICE = np.array([int(code[1:]) >= 19 for code in SECTOR_CODES])
IS_GOODS = np.array([int(code[1:]) <= 16 for code in SECTOR_CODES])

#: Structure type of an economy: sector-share multipliers on top of the world shares.
ADVANCED = {
    "AUS", "AUT", "BEL", "CAN", "SWI", "CYP", "GER", "DEN", "SPA", "EST", "FIN", "FRA", "UKG",
    "GRC", "IRE", "ITA", "JPN", "KOR", "LUX", "LVA", "LTU", "MLT", "NET", "NOR", "POR", "SVN",
    "SWE", "TAP", "USA", "SIN", "HKG", "CZE", "SVK",
}  # fmt: skip
SECTOR_TILT: dict[str, dict[str, float]] = {
    "USA": {"c28": 1.3, "c30": 1.3, "c31": 1.2},
    "JPN": {"c13": 1.6, "c14": 1.5, "c15": 1.8},
    "GER": {"c13": 2.2, "c15": 2.0, "c9": 1.3},
    "KOR": {"c14": 2.8, "c15": 1.6, "c24": 2.0, "c12": 1.4},
    "TAP": {"c14": 4.0, "c12": 1.3, "c9": 1.4},
    "VIE": {"c4": 3.0, "c5": 5.0, "c14": 2.5, "c1": 1.5},
    "IND": {"c1": 1.6, "c30": 1.6, "c4": 1.8},
    "BAN": {"c4": 6.0},
    "CAM": {"c4": 6.0, "c5": 3.0},
    "SRI": {"c4": 3.0},
    "PAK": {"c4": 3.5},
    "MAL": {"c14": 2.5, "c2": 2.0},
    "THA": {"c14": 1.8, "c15": 1.6, "c3": 1.4},
    "PHI": {"c14": 2.0, "c30": 1.5},
    "MEX": {"c15": 2.2, "c14": 1.6},
    "SIN": {"c8": 3.0, "c14": 2.2, "c28": 2.0, "c26": 2.0, "c1": 0.05},
    "HKG": {"c20": 2.0, "c26": 2.0, "c28": 1.8, "c1": 0.05, "c2": 0.05},
    "IRE": {"c9": 5.0, "c14": 1.5, "c30": 1.4},
    "SWI": {"c9": 3.0, "c28": 1.8},
    "LUX": {"c28": 5.0, "c1": 0.3},
    "NET": {"c20": 1.4, "c8": 1.5},
    "RUS": {"c2": 4.0, "c8": 2.0},
    "NOR": {"c2": 5.0, "c24": 2.0},
    "AUS": {"c2": 3.0},
    "CAN": {"c2": 2.0},
    "KAZ": {"c2": 5.0},
    "BRU": {"c2": 10.0, "c8": 3.0},
    "MON": {"c2": 6.0},
    "INO": {"c2": 2.5, "c1": 1.6},
    "BRA": {"c1": 1.5, "c2": 1.4},
    "CZE": {"c15": 2.2, "c13": 1.5},
    "SVK": {"c15": 3.0},
    "HUN": {"c15": 2.0, "c14": 1.8},
    "MLD": {"c22": 5.0, "c1": 2.0},
}

#: Tradability of a supplying sector's output as an input abroad (share of use imported,
#: before economy openness and the trade cycle).
INPUT_TRADABILITY = _vector(
    {
        "c1": 0.12, "c2": 0.42, "c3": 0.22, "c4": 0.36, "c5": 0.42, "c6": 0.16, "c7": 0.16,
        "c8": 0.22, "c9": 0.32, "c10": 0.26, "c11": 0.11, "c12": 0.24, "c13": 0.34,
        "c14": 0.50, "c15": 0.34, "c16": 0.26, "c17": 0.02, "c18": 0.01, "c19": 0.01,
        "c20": 0.03, "c21": 0.01, "c22": 0.02, "c23": 0.04, "c24": 0.30, "c25": 0.25,
        "c26": 0.05, "c27": 0.05, "c28": 0.06, "c29": 0.005, "c30": 0.08, "c31": 0.005,
        "c32": 0.01, "c33": 0.005, "c34": 0.04, "c35": 0.0,
    }
)  # fmt: skip
#: How much a using sector relies on imported inputs (multiplier on the above).
BUYER_IMPORT_BIAS = _vector(
    {
        "c3": 0.55, "c4": 1.0, "c5": 1.0, "c6": 1.5, "c7": 1.25, "c8": 1.2, "c9": 1.1,
        "c10": 1.1, "c11": 1.25, "c12": 1.1, "c13": 1.15, "c14": 1.28, "c15": 1.15,
        "c16": 1.2, "c18": 0.8,
    },
    default=0.9,
)  # fmt: skip
#: China's weight as a supplier of inputs to the world, by sector (multiplier on its size).
PRC_SUPPLIER_PULL = _vector(
    {
        "c3": 1.9, "c4": 1.3, "c5": 1.3, "c6": 1.5, "c7": 0.6, "c8": 0.4, "c9": 0.5,
        "c10": 0.8, "c11": 3.2, "c12": 0.55, "c13": 1.0, "c14": 0.85, "c15": 0.8, "c16": 1.2,
    },
    default=1.0,
)  # fmt: skip
#: Share of final use exported, by sector (before economy openness and the trade cycle).
FINAL_TRADABILITY = _vector(
    {
        "c1": 0.06, "c2": 0.10, "c3": 0.10, "c4": 0.45, "c5": 0.50, "c6": 0.20, "c7": 0.10,
        "c8": 0.15, "c9": 0.25, "c10": 0.35, "c11": 0.20, "c12": 0.25, "c13": 0.30,
        "c14": 0.45, "c15": 0.28, "c16": 0.50, "c17": 0.01, "c18": 0.003, "c19": 0.01,
        "c20": 0.10, "c21": 0.02, "c22": 0.06, "c23": 0.07, "c24": 0.50, "c25": 0.50,
        "c26": 0.10, "c27": 0.02, "c28": 0.03, "c29": 0.001, "c30": 0.12, "c31": 0.002,
        "c32": 0.005, "c33": 0.003, "c34": 0.04, "c35": 0.0,
    }
)  # fmt: skip

#: Final-demand category split (F1 households, F2 NPISH, F3 government, F4 GFCF) by sector;
#: F5 (inventories) is drawn separately and may be negative.
_CATEGORY_DEFAULTS = {
    "goods": (0.85, 0.005, 0.02, 0.125),
    "services": (0.88, 0.01, 0.05, 0.06),
}
CATEGORY_SPLIT: dict[str, tuple[float, float, float, float]] = {
    "c1": (0.86, 0.0, 0.02, 0.12),
    "c2": (0.55, 0.0, 0.0, 0.45),
    "c6": (0.45, 0.0, 0.02, 0.53),
    "c11": (0.50, 0.0, 0.02, 0.48),
    "c12": (0.40, 0.0, 0.02, 0.58),
    "c13": (0.10, 0.0, 0.05, 0.85),
    "c14": (0.52, 0.0, 0.05, 0.43),
    "c15": (0.45, 0.0, 0.05, 0.50),
    "c17": (0.88, 0.0, 0.12, 0.0),
    "c18": (0.02, 0.0, 0.03, 0.95),
    "c28": (0.95, 0.01, 0.04, 0.0),
    "c29": (0.88, 0.0, 0.0, 0.12),
    "c30": (0.30, 0.02, 0.18, 0.50),
    "c31": (0.02, 0.0, 0.98, 0.0),
    "c32": (0.35, 0.10, 0.55, 0.0),
    "c33": (0.35, 0.10, 0.55, 0.0),
    "c34": (0.75, 0.15, 0.10, 0.0),
    "c35": (1.0, 0.0, 0.0, 0.0),
}


def category_split() -> np.ndarray:
    """N x 4 shares of F1..F4 in each sector's final use (rows sum to 1)."""
    rows = []
    for code, goods in zip(SECTOR_CODES, IS_GOODS, strict=True):
        default = _CATEGORY_DEFAULTS["goods" if goods else "services"]
        rows.append(CATEGORY_SPLIT.get(code, default))
    split = np.array(rows, dtype=float)
    return split / split.sum(axis=1, keepdims=True)


#: Key input relations (supplier -> {buyer: weight}) on top of a dense base: the typical
#: recipe of an input-output table. Rebalanced (RAS) to the world input and final ratios.
KEY_INPUTS: dict[str, dict[str, float]] = {
    "c1": {"c3": 4.0, "c22": 1.0, "c4": 0.8, "c1": 1.5},
    "c2": {"c8": 6.0, "c12": 2.5, "c11": 2.0, "c17": 3.0, "c9": 1.0},
    "c3": {"c22": 3.0, "c1": 0.8, "c3": 2.0, "c33": 0.5},
    "c4": {"c5": 2.0, "c4": 3.0, "c16": 0.8, "c34": 0.3},
    "c6": {"c18": 1.5, "c16": 1.5, "c7": 0.8},
    "c7": {"c30": 0.8, "c3": 0.5, "c7": 1.5, "c32": 0.4},
    "c8": {"c23": 2.5, "c24": 3.0, "c25": 4.0, "c9": 1.5, "c1": 0.8, "c17": 1.0},
    "c9": {"c10": 3.0, "c1": 1.5, "c4": 1.0, "c33": 1.0, "c9": 3.0, "c14": 0.5},
    "c10": {"c15": 1.2, "c14": 0.8, "c3": 0.4, "c18": 0.5},
    "c11": {"c18": 4.0, "c11": 1.0},
    "c12": {"c13": 3.0, "c15": 2.5, "c14": 1.5, "c18": 2.0, "c12": 4.0},
    "c13": {"c18": 0.8, "c2": 0.8, "c13": 1.5, "c15": 0.6},
    "c14": {"c14": 4.0, "c13": 1.2, "c15": 1.2, "c27": 1.0, "c30": 0.3},
    "c15": {"c15": 4.0, "c23": 0.8, "c25": 0.5},
    "c17": {"c12": 1.0, "c9": 0.8, "c2": 0.6},
    "c18": {"c29": 2.0, "c31": 0.6, "c17": 0.5},
    "c20": {"c3": 0.6, "c14": 0.5, "c21": 0.6},
    "c23": {"c2": 0.5, "c11": 0.5, "c20": 0.8},
    "c26": {"c24": 1.0, "c25": 1.0, "c23": 1.0},
    "c27": {"c28": 0.6, "c30": 0.6},
    "c28": {"c29": 1.5, "c28": 1.0},
    "c29": {"c22": 0.6, "c28": 0.5, "c20": 0.5, "c21": 0.6},
    "c30": {"c28": 1.0, "c31": 0.8, "c29": 0.5},
}
#: Dense base weight of every supplier, and extra weight of broad suppliers for everyone.
BROAD_SUPPLIERS: dict[str, float] = {
    "c17": 0.35, "c20": 0.45, "c23": 0.35, "c28": 0.35, "c29": 0.15, "c30": 0.55, "c27": 0.15,
}  # fmt: skip


def economy_index(code: str) -> int:
    """1-based ADB-62 index (RoW 63): keys the random streams of an economy."""
    return ADB62.index(code) + 1
