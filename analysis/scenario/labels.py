"""Words for codes: sectors, economies, methods, targets and shocks on charts and summaries."""

from __future__ import annotations

from collections.abc import Sequence

from analysis.reference import ADB_ECONOMIES, ADB_SECTORS

#: Each method in words (legend and summary), as docs/methods.md (section 6) names them.
METHOD_LABELS: dict[str, str] = {
    "leontief_demand": "demand-driven (Leontief)",
    "ghosh_supply": "supply-driven (Ghosh)",
    "extraction": "hypothetical extraction",
    "full_extraction": "full hypothetical extraction",
}
#: One colour per method, the same on every chart (colour-blind-safe Okabe-Ito hues).
METHOD_COLOURS: dict[str, str] = {
    "leontief_demand": "#0072B2",
    "ghosh_supply": "#E69F00",
    "extraction": "#009E73",
    "full_extraction": "#CC79A7",
}
SECTOR_SHORT: dict[str, str] = {code: short for code, _, short in ADB_SECTORS}
ECONOMY_NAMES: dict[str, str] = {code: name for code, _, name, *_ in ADB_ECONOMIES}


def method_label(method: str) -> str:
    """'demand-driven (Leontief)' for 'leontief_demand'; unknown methods as given."""
    return METHOD_LABELS.get(method, method)


def sector_label(code: str) -> str:
    """'Electricals (c14)': the ADB short name and the code."""
    short = SECTOR_SHORT.get(code)
    return f"{short} ({code})" if short else code


def economy_label(code: str) -> str:
    """'Republic of Korea (KOR)': the ADB economy name and the code."""
    name = ECONOMY_NAMES.get(code)
    return f"{name} ({code})" if name else code


def economy_sector_label(economy: str, sector: str) -> str:
    """'Electricals (c14) in People's Republic of China (PRC)'."""
    return f"{sector_label(sector)} in {economy_label(economy)}"


def _listing(labels: Sequence[str], every: str, limit: int = 3) -> str:
    if not labels:
        return every
    if len(labels) <= limit:
        return ", ".join(labels)
    return ", ".join(labels[:limit]) + f" and {len(labels) - limit} more"


def target_label(economies: Sequence[str], sectors: Sequence[str]) -> str:
    """'Republic of Korea (KOR) — Electricals (c14)'; an omitted list reads 'every ...'."""
    who = _listing([economy_label(e) for e in economies], "every economy")
    what = _listing([sector_label(s) for s in sectors], "every sector")
    return f"{who} — {what}"


def percent(fraction: float) -> str:
    """0.5 -> '50 %', 0.125 -> '12.5 %', 0.00123 -> '0.123 %'."""
    return f"{fraction * 100:.3g} %"


def shock_label(shock: float, methods: Sequence[str]) -> str:
    """'50 % cut' or, when every method is full extraction, 'fully extracted'."""
    if set(methods) == {"full_extraction"}:
        return "fully extracted"
    return f"{percent(shock)} cut"
