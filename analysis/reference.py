"""Reference lists used by the sample generator, the readers and (as seeds) by dbt.

This module is the single source: ``seeds/adb_sectors.csv``, ``seeds/adb_economies.csv`` and
``seeds/nbs_industry_codes.csv`` are written from it (``python -m analysis.reference``) and a
test checks that they agree.

Sources: ADB-MRIO sector list c1..c35 and economy codes as published by ADB (and used by the
ADB economist's public ``ksreyes/mrio-processing``); NBS 2-digit codes of GB/T 4754-2002 and
GB/T 4754-2011 (sections B mining, C manufacturing, D utilities), English names as in the
China Statistical Yearbook.
"""

from __future__ import annotations

import csv
from pathlib import Path

#: ADB-MRIO sectors: (code, name, short name).
ADB_SECTORS: tuple[tuple[str, str, str], ...] = (
    ("c1", "Agriculture, hunting, forestry and fishing", "Agriculture"),
    ("c2", "Mining and quarrying", "Mining"),
    ("c3", "Food, beverages and tobacco", "Food & beverages"),
    ("c4", "Textiles and textile products", "Textiles"),
    ("c5", "Leather, leather products and footwear", "Leather"),
    ("c6", "Wood and products of wood and cork", "Wood"),
    ("c7", "Pulp, paper, printing and publishing", "Paper"),
    ("c8", "Coke, refined petroleum and nuclear fuel", "Refined fuels"),
    ("c9", "Chemicals and chemical products", "Chemicals"),
    ("c10", "Rubber and plastics", "Rubber"),
    ("c11", "Other non-metallic mineral", "Other minerals"),
    ("c12", "Basic metals and fabricated metal", "Metals"),
    ("c13", "Machinery, not elsewhere classified", "Other machinery"),
    ("c14", "Electrical and optical equipment", "Electricals"),
    ("c15", "Transport equipment", "Transport equipment"),
    ("c16", "Manufacturing, not elsewhere classified; recycling", "Other manufacturing"),
    ("c17", "Electricity, gas and water supply", "Utilities"),
    ("c18", "Construction", "Construction"),
    (
        "c19",
        "Sale and repair of motor vehicles and motorcycles; retail sale of fuel",
        "Sale of motor vehicles",
    ),
    ("c20", "Wholesale trade, except of motor vehicles and motorcycles", "Wholesale trade"),
    (
        "c21",
        "Retail trade and repair, except of motor vehicles and motorcycles",
        "Retail trade & repair",
    ),
    ("c22", "Hotels and restaurants", "Hotels & restaurants"),
    ("c23", "Inland transport", "Inland transport"),
    ("c24", "Water transport", "Water transport"),
    ("c25", "Air transport", "Air transport"),
    ("c26", "Other supporting transport activities", "Other transport services"),
    ("c27", "Post and telecommunications", "Telecommunications"),
    ("c28", "Financial intermediation", "Finance"),
    ("c29", "Real estate activities", "Real estate"),
    (
        "c30",
        "Renting of machinery & equipment and other business activities",
        "Other business services",
    ),
    (
        "c31",
        "Public administration and defence; compulsory social security",
        "Public administration",
    ),
    ("c32", "Education", "Education"),
    ("c33", "Health and social work", "Social work"),
    ("c34", "Other community, social and personal services", "Other personal services"),
    ("c35", "Private households with employed persons", "Private households"),
)
SECTOR_CODES: tuple[str, ...] = tuple(code for code, _, _ in ADB_SECTORS)
MANUFACTURING: tuple[str, ...] = tuple(f"c{i}" for i in range(3, 17))
FD_CODES: tuple[str, ...] = ("F1", "F2", "F3", "F4", "F5")
FD_NAMES: dict[str, str] = {
    "F1": "Final consumption expenditure by households",
    "F2": "Final consumption expenditure by non-profit organisations serving households",
    "F3": "Final consumption expenditure by government",
    "F4": "Gross fixed capital formation",
    "F5": "Changes in inventories and valuables",
}
#: Rows below the intermediate block of an ADB-MRIO sheet, in order: (code in ADB's published
#: scheme, code in the WIOD convention, name as ADB prints it in column B). ADB's own checker
#: (``ksreyes/mrio`` R/check.R) identifies them by position: G*N + 1 total intermediate, + 2
#: taxes less subsidies on products, + 3 cif/fob, + 4 direct purchases abroad, + 5 purchases by
#: non-residents, + 6 value added at basic prices, + 7 transport margins, + 8 total output.
#: ADB's files (``ADB-MRIO-2022_June2023.xlsx`` as printed in ``ksreyes/mrio-processing``,
#: MARIO's ADB parser) code them r60, r99, r61, r62, r63, r64, trs, r69; WIOD-derived files and
#: earlier gvc samples r60, r61..r66, r69. The warehouse lands ADB's codes.
ADB_TOTAL_ROWS: tuple[tuple[str, str, str], ...] = (
    ("r60", "r60", "Intermediate input total"),
    ("r99", "r61", "Taxes less subsidies on products"),
    ("r61", "r62", "CIF / FOB adjustments on exports"),
    ("r62", "r63", "Direct purchases abroad by residents"),
    ("r63", "r64", "Purchases on the domestic territory by non-residents"),
    ("r64", "r65", "Value added at basic prices"),
    ("trs", "r66", "International Transport Margins"),
    ("r69", "r69", "TOTAL"),
)
#: The accepted code sequences of the total rows (column D), by name.
TOTAL_ROW_SCHEMES: dict[str, tuple[str, ...]] = {
    "ADB": tuple(adb for adb, _, _ in ADB_TOTAL_ROWS),
    "WIOD convention": tuple(wiod for _, wiod, _ in ADB_TOTAL_ROWS),
}
#: What each total row is (for messages), by ADB code.
TOTAL_ROW_MEANING: dict[str, str] = {
    "r60": "total intermediate consumption",
    "r99": "taxes less subsidies on products",
    "r61": "cif/fob adjustments on exports",
    "r62": "direct purchases abroad by residents",
    "r63": "purchases on the domestic territory by non-residents",
    "r64": "value added at basic prices",
    "trs": "international transport margins",
    "r69": "total output",
}
#: Column C of the total rows and the label of the total column (rows 6 or 7), any case.
TOTAL_LABEL = "ToT"
ROW = "RoW"

#: ADB economies: (code, ISO3, name, ADB-62 index, ADB-72 index, region).
ADB_ECONOMIES: tuple[tuple[str, str, str, int | None, int, str], ...] = (
    ("AUS", "AUS", "Australia", 1, 1, "Pacific"),
    ("AUT", "AUT", "Austria", 2, 2, "Europe"),
    ("BEL", "BEL", "Belgium", 3, 3, "Europe"),
    ("BGR", "BGR", "Bulgaria", 4, 4, "Europe"),
    ("BRA", "BRA", "Brazil", 5, 5, "Latin America"),
    ("CAN", "CAN", "Canada", 6, 6, "North America"),
    ("SWI", "CHE", "Switzerland", 7, 7, "Europe"),
    ("PRC", "CHN", "People's Republic of China", 8, 8, "East Asia"),
    ("CYP", "CYP", "Cyprus", 9, 9, "Europe"),
    ("CZE", "CZE", "Czech Republic", 10, 10, "Europe"),
    ("GER", "DEU", "Germany", 11, 11, "Europe"),
    ("DEN", "DNK", "Denmark", 12, 12, "Europe"),
    ("SPA", "ESP", "Spain", 13, 13, "Europe"),
    ("EST", "EST", "Estonia", 14, 14, "Europe"),
    ("FIN", "FIN", "Finland", 15, 15, "Europe"),
    ("FRA", "FRA", "France", 16, 16, "Europe"),
    ("UKG", "GBR", "United Kingdom", 17, 17, "Europe"),
    ("GRC", "GRC", "Greece", 18, 18, "Europe"),
    ("HRV", "HRV", "Croatia", 19, 19, "Europe"),
    ("HUN", "HUN", "Hungary", 20, 20, "Europe"),
    ("INO", "IDN", "Indonesia", 21, 21, "Southeast Asia"),
    ("IND", "IND", "India", 22, 22, "South Asia"),
    ("IRE", "IRL", "Ireland", 23, 23, "Europe"),
    ("ITA", "ITA", "Italy", 24, 24, "Europe"),
    ("JPN", "JPN", "Japan", 25, 25, "East Asia"),
    ("KOR", "KOR", "Republic of Korea", 26, 26, "East Asia"),
    ("LTU", "LTU", "Lithuania", 27, 27, "Europe"),
    ("LUX", "LUX", "Luxembourg", 28, 28, "Europe"),
    ("LVA", "LVA", "Latvia", 29, 29, "Europe"),
    ("MEX", "MEX", "Mexico", 30, 30, "North America"),
    ("MLT", "MLT", "Malta", 31, 31, "Europe"),
    ("NET", "NLD", "Netherlands", 32, 32, "Europe"),
    ("NOR", "NOR", "Norway", 33, 33, "Europe"),
    ("POL", "POL", "Poland", 34, 34, "Europe"),
    ("POR", "PRT", "Portugal", 35, 35, "Europe"),
    ("ROM", "ROU", "Romania", 36, 36, "Europe"),
    ("RUS", "RUS", "Russian Federation", 37, 37, "Europe"),
    ("SVK", "SVK", "Slovak Republic", 38, 38, "Europe"),
    ("SVN", "SVN", "Slovenia", 39, 39, "Europe"),
    ("SWE", "SWE", "Sweden", 40, 40, "Europe"),
    ("TUR", "TUR", "Turkey", 41, 41, "Europe"),
    ("TAP", "TWN", "Taipei,China", 42, 42, "East Asia"),
    ("USA", "USA", "United States", 43, 43, "North America"),
    ("BAN", "BGD", "Bangladesh", 44, 44, "South Asia"),
    ("MAL", "MYS", "Malaysia", 45, 45, "Southeast Asia"),
    ("PHI", "PHL", "Philippines", 46, 46, "Southeast Asia"),
    ("THA", "THA", "Thailand", 47, 47, "Southeast Asia"),
    ("VIE", "VNM", "Viet Nam", 48, 48, "Southeast Asia"),
    ("KAZ", "KAZ", "Kazakhstan", 49, 49, "Central Asia"),
    ("MON", "MNG", "Mongolia", 50, 50, "East Asia"),
    ("SRI", "LKA", "Sri Lanka", 51, 51, "South Asia"),
    ("PAK", "PAK", "Pakistan", 52, 52, "South Asia"),
    ("FIJ", "FJI", "Fiji", 53, 53, "Pacific"),
    ("LAO", "LAO", "Lao People's Democratic Republic", 54, 54, "Southeast Asia"),
    ("BRU", "BRN", "Brunei Darussalam", 55, 55, "Southeast Asia"),
    ("BHU", "BTN", "Bhutan", 56, 56, "South Asia"),
    ("KGZ", "KGZ", "Kyrgyz Republic", 57, 57, "Central Asia"),
    ("CAM", "KHM", "Cambodia", 58, 58, "Southeast Asia"),
    ("MLD", "MDV", "Maldives", 59, 59, "South Asia"),
    ("NEP", "NPL", "Nepal", 60, 60, "South Asia"),
    ("SIN", "SGP", "Singapore", 61, 61, "Southeast Asia"),
    ("HKG", "HKG", "Hong Kong, China", 62, 62, "East Asia"),
    ("ARG", "ARG", "Argentina", None, 63, "Latin America"),
    ("COL", "COL", "Colombia", None, 64, "Latin America"),
    ("ECU", "ECU", "Ecuador", None, 65, "Latin America"),
    ("ARM", "ARM", "Armenia", None, 66, "Central Asia"),
    ("GEO", "GEO", "Georgia", None, 67, "Central Asia"),
    ("EGY", "EGY", "Egypt", None, 68, "Middle East and Africa"),
    ("KUW", "KWT", "Kuwait", None, 69, "Middle East and Africa"),
    ("SAU", "SAU", "Saudi Arabia", None, 70, "Middle East and Africa"),
    ("UAE", "ARE", "United Arab Emirates", None, 71, "Middle East and Africa"),
    ("NZL", "NZL", "New Zealand", None, 72, "Pacific"),
    ("RoW", "ROW", "Rest of the world", 63, 73, "Rest of the world"),
)
ADB62: tuple[str, ...] = tuple(
    code
    for code, _, _, i62, _, _ in sorted(
        (e for e in ADB_ECONOMIES if e[3] is not None), key=lambda e: e[3]
    )
)
ISO3: dict[str, str] = {code: iso3 for code, iso3, *_ in ADB_ECONOMIES}
#: Table order of the economies (seed ``adb_economies.mrio72_index``), RoW last.
ECONOMY_RANK: dict[str, int] = {code: i72 for code, _, _, _, i72, _ in ADB_ECONOMIES}


def economy_order(economies) -> list[str]:
    """Economies in ADB table order (``ECONOMY_RANK``), unknown codes last alphabetically."""
    return sorted(set(economies), key=lambda e: (ECONOMY_RANK.get(e, 999), e))


GBT2002, GBT2011 = "GB/T 4754-2002", "GB/T 4754-2011"
_MINING_UTILITIES_2002 = (
    ("06", "Mining and Washing of Coal"),
    ("07", "Extraction of Petroleum and Natural Gas"),
    ("08", "Mining and Processing of Ferrous Metal Ores"),
    ("09", "Mining and Processing of Non-Ferrous Metal Ores"),
    ("10", "Mining and Processing of Nonmetal Ores"),
    ("11", "Mining of Other Ores"),
)
_UTILITIES = (
    ("44", "Production and Supply of Electric Power and Heat Power"),
    ("45", "Production and Supply of Gas"),
    ("46", "Production and Supply of Water"),
)
#: NBS 2-digit industries by classification: (code, English name).
NBS_CODES: dict[str, tuple[tuple[str, str], ...]] = {
    GBT2002: _MINING_UTILITIES_2002
    + (
        ("13", "Processing of Food from Agricultural Products"),
        ("14", "Manufacture of Foods"),
        ("15", "Manufacture of Beverages"),
        ("16", "Manufacture of Tobacco"),
        ("17", "Manufacture of Textile"),
        ("18", "Manufacture of Textile Wearing Apparel, Footware and Caps"),
        ("19", "Manufacture of Leather, Fur, Feather and Related Products"),
        (
            "20",
            "Processing of Timber, Manufacture of Wood, Bamboo, Rattan, Palm and Straw Products",
        ),
        ("21", "Manufacture of Furniture"),
        ("22", "Manufacture of Paper and Paper Products"),
        ("23", "Printing, Reproduction of Recording Media"),
        ("24", "Manufacture of Articles For Culture, Education and Sport Activity"),
        ("25", "Processing of Petroleum, Coking, Processing of Nuclear Fuel"),
        ("26", "Manufacture of Raw Chemical Materials and Chemical Products"),
        ("27", "Manufacture of Medicines"),
        ("28", "Manufacture of Chemical Fibers"),
        ("29", "Manufacture of Rubber"),
        ("30", "Manufacture of Plastics"),
        ("31", "Manufacture of Non-metallic Mineral Products"),
        ("32", "Smelting and Pressing of Ferrous Metals"),
        ("33", "Smelting and Pressing of Non-ferrous Metals"),
        ("34", "Manufacture of Metal Products"),
        ("35", "Manufacture of General Purpose Machinery"),
        ("36", "Manufacture of Special Purpose Machinery"),
        ("37", "Manufacture of Transport Equipment"),
        ("39", "Manufacture of Electrical Machinery and Equipment"),
        ("40", "Manufacture of Communication Equipment, Computers and Other Electronic Equipment"),
        (
            "41",
            "Manufacture of Measuring Instruments and Machinery for Cultural Activity"
            " and Office Work",
        ),
        ("42", "Manufacture of Artwork and Other Manufacturing"),
        ("43", "Recycling and Disposal of Waste"),
    )
    + _UTILITIES,
    GBT2011: _MINING_UTILITIES_2002[:5]
    + (
        ("11", "Ancillary Activities for Exploitation"),
        ("12", "Mining of Other Ores"),
        ("13", "Processing of Food from Agricultural Products"),
        ("14", "Manufacture of Foods"),
        ("15", "Manufacture of Liquor, Beverages and Refined Tea"),
        ("16", "Manufacture of Tobacco"),
        ("17", "Manufacture of Textile"),
        ("18", "Manufacture of Textile Wearing Apparel and Ornament"),
        ("19", "Manufacture of Leather, Fur, Feather and Related Products and Footwear"),
        (
            "20",
            "Processing of Timber, Manufacture of Wood, Bamboo, Rattan, Palm and Straw Products",
        ),
        ("21", "Manufacture of Furniture"),
        ("22", "Manufacture of Paper and Paper Products"),
        ("23", "Printing and Reproduction of Recording Media"),
        (
            "24",
            "Manufacture of Articles for Culture, Education, Arts and Crafts, Sport"
            " and Entertainment Activities",
        ),
        ("25", "Processing of Petroleum, Coking and Processing of Nuclear Fuel"),
        ("26", "Manufacture of Raw Chemical Materials and Chemical Products"),
        ("27", "Manufacture of Medicines"),
        ("28", "Manufacture of Chemical Fibers"),
        ("29", "Manufacture of Rubber and Plastics Products"),
        ("30", "Manufacture of Non-metallic Mineral Products"),
        ("31", "Smelting and Pressing of Ferrous Metals"),
        ("32", "Smelting and Pressing of Non-ferrous Metals"),
        ("33", "Manufacture of Metal Products"),
        ("34", "Manufacture of General Purpose Machinery"),
        ("35", "Manufacture of Special Purpose Machinery"),
        ("36", "Manufacture of Automobiles"),
        ("37", "Manufacture of Railway, Ship, Aerospace and Other Transport Equipment"),
        ("38", "Manufacture of Electrical Machinery and Apparatus"),
        ("39", "Manufacture of Computers, Communication and Other Electronic Equipment"),
        ("40", "Manufacture of Measuring Instruments"),
        ("41", "Other Manufacturing"),
        ("42", "Utilization of Waste Resources"),
        ("43", "Repair Service of Metal Products, Machinery and Equipment"),
    )
    + _UTILITIES,
}
#: NBS manufacturing codes -> ADB sector, by classification (docs/raw-layouts.md, NBS).
NBS_TO_ADB: dict[str, dict[str, str]] = {
    GBT2002: {
        **dict.fromkeys(["13", "14", "15", "16"], "c3"),
        **dict.fromkeys(["17", "18"], "c4"),
        "19": "c5",
        "20": "c6",
        **dict.fromkeys(["22", "23"], "c7"),
        "25": "c8",
        **dict.fromkeys(["26", "27", "28"], "c9"),
        **dict.fromkeys(["29", "30"], "c10"),
        "31": "c11",
        **dict.fromkeys(["32", "33", "34"], "c12"),
        **dict.fromkeys(["35", "36"], "c13"),
        **dict.fromkeys(["39", "40", "41"], "c14"),
        "37": "c15",
        **dict.fromkeys(["21", "24", "42", "43"], "c16"),
    },
    GBT2011: {
        **dict.fromkeys(["13", "14", "15", "16"], "c3"),
        **dict.fromkeys(["17", "18"], "c4"),
        "19": "c5",
        "20": "c6",
        **dict.fromkeys(["22", "23"], "c7"),
        "25": "c8",
        **dict.fromkeys(["26", "27", "28"], "c9"),
        "29": "c10",
        "30": "c11",
        **dict.fromkeys(["31", "32", "33"], "c12"),
        **dict.fromkeys(["34", "35"], "c13"),
        **dict.fromkeys(["38", "39", "40"], "c14"),
        **dict.fromkeys(["36", "37"], "c15"),
        **dict.fromkeys(["21", "24", "41", "42", "43"], "c16"),
    },
}


def nbs_classification(year: int) -> str:
    """NBS industry classification of a data year: GB/T 4754-2002 to 2011, 2011 from 2012."""
    return GBT2002 if year <= 2011 else GBT2011


def seed_rows() -> dict[str, tuple[list[str], list[tuple]]]:
    """The seed tables written from this module: name -> (header, rows)."""
    notes = {
        (GBT2002, "29"): "2002 only: rubber separate from plastics (30); merged as 29 in 2011",
        (GBT2002, "30"): "2002 only: plastics; merged into 29 in GB/T 4754-2011",
        (GBT2002, "37"): "transport equipment incl. autos; split into 36/37 in 2011",
        (GBT2011, "36"): "automobiles, separate from other transport (37) from 2011",
        (GBT2002, "41"): "instruments and office machinery; in GB/T 4754-2011 instruments are 40"
        " (c14) and office machinery moves into 34 (c13)",
        (GBT2011, "43"): "repair of machinery, new in GB/T 4754-2011",
    }
    return {
        "adb_sectors": (
            ["sector", "sector_index", "sector_name", "sector_short_name", "is_manufacturing"],
            [
                (code, i + 1, name, short, code in MANUFACTURING)
                for i, (code, name, short) in enumerate(ADB_SECTORS)
            ],
        ),
        "adb_economies": (
            ["economy", "economy_iso3", "economy_name", "mrio62_index", "mrio72_index", "region"],
            list(ADB_ECONOMIES),
        ),
        "nbs_industry_codes": (
            ["classification", "industry_code", "industry_name", "section"],
            [
                (cls, code, name, nbs_section(code))
                for cls, codes in NBS_CODES.items()
                for code, name in codes
            ],
        ),
        "nbs_adb_concordance": (
            ["classification", "industry_code", "adb_sector", "note"],
            [
                (cls, code, sector, notes.get((cls, code), ""))
                for cls, mapping in NBS_TO_ADB.items()
                for code, sector in sorted(mapping.items())
            ],
        ),
    }


def nbs_section(code: str) -> str:
    """NBS section of a 2-digit code: mining (06-12), manufacturing (13-43), utilities (44-46)."""
    return "mining" if code < "13" else "utilities" if code >= "44" else "manufacturing"


def write_seeds(seeds_dir: Path) -> list[Path]:
    """Write the seed CSVs (``python -m analysis.reference [seeds_dir]``)."""
    written = []
    for name, (header, rows) in seed_rows().items():
        path = seeds_dir / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(
                ["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row]
                for row in rows
            )
        written.append(path)
    return written


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "seeds"
    for p in write_seeds(target):
        print(p)
