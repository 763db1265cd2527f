"""Write a SYNTHETIC KOF Globalisation Index file in the layout of the real 2022 release.

Layout (``data/reference/kof/README.md``): one sheet ``Sheet1``; header row 1 with ``code``,
``country``, ``year`` and the 27 index columns ``KOFGI``, ``KOFGIdf``, ``KOFGIdj``,
``KOFEcGI``, ... ``KOFPoGIdj``; one row per economy-year 1970-2020, sorted by code and year;
the year is a number; a missing index is an empty cell (whole rows of some economies before
1990-1993, single de jure / de facto sub-indices of some small economies before 1975-1980).

Values: twelve base series (trade, financial, interpersonal, informational, cultural and
political globalisation, each de facto and de jure) follow a logistic rise to an economy's
level with persistent noise; the aggregates are means of their available parts, as in the
KOF method (unweighted here): ``KOFEcGIdf = mean(KOFTrGIdf, KOFFiGIdf)``, ``KOFEcGI =
mean(KOFEcGIdf, KOFEcGIdj)``, ``KOFSoGI*`` over Ip/In/Cu, ``KOFGIdf = mean(KOFEcGIdf,
KOFSoGIdf, KOFPoGIdf)``, ``KOFGI = mean(KOFGIdf, KOFGIdj)``. Every value lies in [1, 99].

China: ``KOFEcGI`` 2007-2018 are the published values of the 2022 release (a public fact,
the KOF 2022 release, China 2007-2018); the trade and financial sub-indices are
shifted so that they average to it. Everything else is synthetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xlsxwriter

from analysis.sample.constants import (
    ADB62,
    ECONOMY_NAMES,
    FIXED_CREATED,
    ISO3,
    KOF_COLUMNS,
    KOF_YEARS,
    ROW,
    SYNTHETIC,
)

#: China's KOFEcGI in the KOF 2022 release (data/reference/kof/README.md).
CHINA_KOFECGI_2022: dict[int, float] = {
    2007: 52.0260506,
    2008: 46.8956871,
    2009: 46.037159,
    2010: 46.8028603,
    2011: 45.2351112,
    2012: 44.572403,
    2013: 45.3012238,
    2014: 46.1266823,
    2015: 43.4247398,
    2016: 43.8272781,
    2017: 45.2542038,
    2018: 45.0916061,
}
#: A plausible synthetic path for China's KOFEcGI outside 2007-2018 (knots, interpolated).
CHINA_KOFECGI_KNOTS: dict[int, float] = {
    1970: 17.5,
    1978: 19.5,
    1985: 24.0,
    1992: 31.0,
    1997: 36.5,
    2001: 42.0,
    2004: 48.5,
    2006: 51.4,
    2019: 44.6,
    2020: 44.0,
}
#: Economies beyond the ADB-62 ones (ISO3, name), so the file is not limited to the MRIO.
EXTRA_ECONOMIES: tuple[tuple[str, str], ...] = (
    ("ARE", "United Arab Emirates"),
    ("ARG", "Argentina"),
    ("CHL", "Chile"),
    ("COL", "Colombia"),
    ("EGY", "Egypt, Arab Rep."),
    ("ISR", "Israel"),
    ("KEN", "Kenya"),
    ("NGA", "Nigeria"),
    ("NZL", "New Zealand"),
    ("PER", "Peru"),
    ("SAU", "Saudi Arabia"),
    ("ZAF", "South Africa"),
)
#: Every economy of the file: (ISO3, name), sorted by code as in the release.
KOF_ECONOMIES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [(ISO3[code], ECONOMY_NAMES[code]) for code in ADB62 if code != ROW] + list(EXTRA_ECONOMIES)
    )
)
#: Level of globalisation reached (about 2010), by group: (low, high).
LEVELS: dict[str, tuple[float, float]] = {
    "west": (78, 90),
    "east_eu": (74, 84),
    "advanced": (72, 85),
    "emerging": (56, 72),
    "low": (42, 58),
}
GROUPS: dict[str, str] = {
    "west": "AUT BEL CHE CYP DEU DNK ESP FIN FRA GBR GRC IRL ITA LUX MLT NLD NOR PRT SWE",
    "east_eu": "BGR CZE EST HRV HUN LTU LVA POL ROU SVK SVN",
    "advanced": "AUS CAN HKG ISR JPN KOR NZL SGP TWN USA",
    "emerging": "ARE ARG BRA CHL CHN COL EGY IDN IND KAZ MEX MYS PER PHL RUS SAU THA TUR VNM ZAF",
}
#: ISO3 -> group (economies not listed: "low").
GROUP: dict[str, str] = {code: group for group, codes in GROUPS.items() for code in codes.split()}
LARGE = {"USA", "CHN", "IND", "BRA", "RUS", "JPN", "IDN"}
#: Whole rows empty before the economy existed as such in the data.
FIRST_YEAR: dict[str, int] = {
    **dict.fromkeys(["EST", "LVA", "LTU", "KAZ", "KGZ", "HRV", "SVN"], 1991),
    "RUS": 1990,
    **dict.fromkeys(["CZE", "SVK"], 1993),
}
#: Sub-indices missing in early years: code -> (columns, first year with data).
PARTLY_MISSING: dict[str, tuple[tuple[str, ...], int]] = {
    **dict.fromkeys(
        ["BTN", "MDV", "LAO", "KHM", "MNG", "FJI", "BRN", "NPL"], (("TrGIdj", "EcGIdj"), 1980)
    ),
    **dict.fromkeys(["NGA", "KEN", "LKA", "BGD"], (("InGIdf",), 1975)),
}
#: The twelve base series: (dimension, de facto/jure) and their level relative to the economy's.
BASE: dict[str, float] = {
    "TrGIdf": 0.95,
    "TrGIdj": 0.92,
    "FiGIdf": 0.93,
    "FiGIdj": 0.95,
    "IpGIdf": 0.82,
    "IpGIdj": 0.88,
    "InGIdf": 0.95,
    "InGIdj": 1.00,
    "CuGIdf": 0.78,
    "CuGIdj": 0.98,
    "PoGIdf": 1.05,
    "PoGIdj": 1.02,
}


def _base_series(rng: np.random.Generator, iso3: str) -> dict[str, np.ndarray]:
    years = np.array(KOF_YEARS, dtype=float)
    low, high = LEVELS[GROUP.get(iso3, "low")]
    level = rng.uniform(low, high)
    series = {}
    for name, factor in BASE.items():
        f = factor * rng.uniform(0.85, 1.12)
        if iso3 in LARGE:
            f *= 1.12 if name.startswith("Po") else 0.88 if name.startswith("Tr") else 1.0
        start = rng.uniform(0.35, 0.6)
        mid, width = rng.uniform(1984, 1998), rng.uniform(5, 9)
        shape = start + (1 - start) / (1 + np.exp(-(years - mid) / width))
        if name[:2] in ("Tr", "Fi"):  # economic globalisation stalls after 2008
            shape = shape - 0.004 * np.clip(years - 2008, 0, None)
        noise = np.zeros(len(years))
        for t in range(1, len(years)):
            noise[t] = 0.8 * noise[t - 1] + rng.normal(0.0, 0.7)
        series[name] = level * f * shape + noise
    return series


def _mean(*parts: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        stack = np.vstack(parts)
        count = np.sum(~np.isnan(stack), axis=0)
        total = np.nansum(stack, axis=0)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def china_kofecgi_target() -> np.ndarray:
    """China's KOFEcGI by year 1970-2020: published 2007-2018, synthetic elsewhere."""
    knots = {**CHINA_KOFECGI_KNOTS, **CHINA_KOFECGI_2022}
    years = sorted(knots)
    return np.interp(KOF_YEARS, years, [knots[y] for y in years])


def kof_table(seed: int) -> tuple[list[tuple[str, str]], dict[str, np.ndarray]]:
    """(economies, columns): every index column as an array over economy-years (NaN = empty)."""
    columns: dict[str, list[np.ndarray]] = {name: [] for name in KOF_COLUMNS[3:]}
    T = len(KOF_YEARS)
    years = np.array(KOF_YEARS)
    for k, (iso3, _) in enumerate(KOF_ECONOMIES):
        rng = np.random.default_rng([seed, 5, k])
        base = {name: np.clip(v, 1.0, 99.0) for name, v in _base_series(rng, iso3).items()}
        if iso3 == "CHN":
            target = china_kofecgi_target()
            current = _mean(
                _mean(base["TrGIdf"], base["FiGIdf"]), _mean(base["TrGIdj"], base["FiGIdj"])
            )
            for name in ("TrGIdf", "TrGIdj", "FiGIdf", "FiGIdj"):
                base[name] = base[name] + (target - current)
        if iso3 in PARTLY_MISSING:
            names, first = PARTLY_MISSING[iso3]
            for name in names:
                if name in base:
                    base[name] = np.where(years < first, np.nan, base[name])
        agg: dict[str, np.ndarray] = {}
        for dim in ("Tr", "Fi", "Ip", "In", "Cu", "Po"):
            agg[f"{dim}GIdf"], agg[f"{dim}GIdj"] = base[f"{dim}GIdf"], base[f"{dim}GIdj"]
            agg[f"{dim}GI"] = _mean(base[f"{dim}GIdf"], base[f"{dim}GIdj"])
        for kind in ("df", "dj"):
            agg[f"EcGI{kind}"] = _mean(agg[f"TrGI{kind}"], agg[f"FiGI{kind}"])
            agg[f"SoGI{kind}"] = _mean(agg[f"IpGI{kind}"], agg[f"InGI{kind}"], agg[f"CuGI{kind}"])
        if iso3 in PARTLY_MISSING and "EcGIdj" in PARTLY_MISSING[iso3][0]:
            agg["EcGIdj"] = np.where(years < PARTLY_MISSING[iso3][1], np.nan, agg["EcGIdj"])
        agg["EcGI"] = _mean(agg["EcGIdf"], agg["EcGIdj"])
        agg["SoGI"] = _mean(agg["SoGIdf"], agg["SoGIdj"])
        for kind in ("df", "dj"):
            agg[f"GI{kind}"] = _mean(agg[f"EcGI{kind}"], agg[f"SoGI{kind}"], agg[f"PoGI{kind}"])
        agg["GI"] = _mean(agg["GIdf"], agg["GIdj"])
        if iso3 == "CHN":
            published = np.array([CHINA_KOFECGI_2022.get(y, np.nan) for y in KOF_YEARS])
            agg["EcGI"] = np.where(np.isnan(published), agg["EcGI"], published)
        first = FIRST_YEAR.get(iso3, KOF_YEARS[0])
        for name in columns:
            values = np.where(years < first, np.nan, agg[name.removeprefix("KOF")])
            columns[name].append(values.reshape(T))
    return list(KOF_ECONOMIES), {name: np.concatenate(v) for name, v in columns.items()}


def write_kof_xlsx(path: Path, seed: int) -> Path:
    """Write the synthetic KOF release file (all economies, 1970-2020) to ``path``."""
    economies, columns = kof_table(seed)
    names = list(columns)
    matrix = np.column_stack([columns[name] for name in names])
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties(
        {
            "title": f"KOF Globalisation Index, 2022 release layout - {SYNTHETIC}",
            "subject": "Synthetic sample in the layout of KOFGI_2022_public.xlsx; not KOF data",
            "author": "gvc-warehouse sample generator",
            "keywords": "synthetic, sample, not KOF data",
            "comments": f"{SYNTHETIC}; not KOF data (seed {seed})",
            "created": FIXED_CREATED,
        }
    )
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, list(KOF_COLUMNS))
    row = 1
    for e, (iso3, country) in enumerate(economies):
        for t, year in enumerate(KOF_YEARS):
            values = matrix[e * len(KOF_YEARS) + t]
            cells = [None if np.isnan(v) else round(float(v), 7) for v in values]
            ws.write_row(row, 0, [iso3, country, float(year), *cells])
            row += 1
    wb.close()
    return path
