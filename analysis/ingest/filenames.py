"""Raw file names as publishers and browsers write them: year, edition and release vintage.

ADB names its MRIO files ``ADB-MRIO<edition>-<year>_<vintage>.xlsx`` with variations seen in
public use: no edition (``ADB-MRIO-2008_Mar2022.xlsx``), no vintage (``ADB-MRIO-2007.xlsx``),
a hyphen before the vintage (``ADB-MRIO72-2017-August_2025.xlsx``), month names abbreviated
or in full, with or without ``_`` before the year (``September_2024``), and the suffixes that
browsers and download managers add to a second copy (``-2``, ``__1_``, `` (1)``). The
suffix is not part of the vintage; ``source_file`` keeps the name as found.

Vintages are normalised to ``YYYY-MM`` (``Mar2022`` -> ``2022-03``); a file without one gets
``undated``, the bundled sample ``synthetic``; both sort before every dated release
(``vintage_order`` 0, else ``YYYYMM``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analysis.ingest.errors import IngestError

UNDATED = "undated"
SYNTHETIC = "synthetic"
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
#: Copies saved twice: ``name (1).xlsx``, ``name__1_.xlsx``, ``name-2.xlsx``.
_DOWNLOAD_SUFFIX = re.compile(r"(?:\s*\(\d{1,3}\)|__\d{1,3}_|-\d{1,2})$")
_ADB_PREFIX = re.compile(r"^ADB-MRIO(?P<edition>\d*)(?P<rest>.*)$", re.IGNORECASE)
_ADB_YEAR = re.compile(r"^-(?P<year>\d{4})(?P<rest>.*)$")
_VINTAGE = re.compile(r"^(?P<month>[A-Za-z]+)[\s_-]?(?P<year>(?:19|20)\d{2})$")
_KOF = re.compile(r"^KOFGI_(?P<vintage>\d{4})_public$", re.IGNORECASE)
ADB_EXAMPLE = "ADB-MRIO62-2018_June2023.xlsx"


class FileNameError(IngestError):
    """A raw file name that cannot be read; the message names the part that is wrong."""


@dataclass(frozen=True)
class Vintage:
    """A normalised release: ``label`` (``2022-03``, ``undated``, ``synthetic``) and its
    sort key ``order`` (``YYYYMM``; 0 for undated and synthetic files)."""

    label: str
    order: int


@dataclass(frozen=True)
class AdbFileName:
    """What an ADB-MRIO file name says; ``edition`` is None when the name has none."""

    year: int
    edition: str | None
    vintage: Vintage


def strip_download_suffix(stem: str) -> str:
    """``'ADB-MRIO-2019_Dec2022 (1)'`` -> ``'ADB-MRIO-2019_Dec2022'`` (one suffix removed)."""
    return _DOWNLOAD_SUFFIX.sub("", stem, count=1)


def _refuse(path: Path | str, part: str, rule: str) -> FileNameError:
    return FileNameError.at(path, f"{part}: {rule}", where="file name")


def parse_vintage(text: str, path: Path | str = "") -> Vintage:
    """``'Mar2022'``, ``'August_2025'``, ``'june 2023'`` -> ``Vintage('2022-03', 202203)``."""
    if not text:
        return Vintage(UNDATED, 0)
    if text.lower() == SYNTHETIC:
        return Vintage(SYNTHETIC, 0)
    match = _VINTAGE.match(text)
    month = MONTHS.get(match["month"].lower()) if match else None
    if match is None or month is None:
        raise _refuse(
            path,
            f"vintage {text!r}",
            "not a release month and year (ADB names them e.g. Mar2022, June2023, "
            f"August_2025; e.g. {ADB_EXAMPLE}); leave it out for an undated file",
        )
    year = int(match["year"])
    return Vintage(f"{year:04d}-{month:02d}", year * 100 + month)


def parse_adb_name(path: Path | str) -> AdbFileName:
    """Year, edition and vintage of an ADB-MRIO file, or FileNameError naming the bad part."""
    name = Path(path).name
    if not name.lower().endswith(".xlsx"):
        raise _refuse(path, "suffix", "an ADB-MRIO table is an .xlsx workbook")
    stem = strip_download_suffix(name[: -len(".xlsx")])
    prefix = _ADB_PREFIX.match(stem)
    if prefix is None:
        raise _refuse(path, "prefix", f"must start with 'ADB-MRIO' (e.g. {ADB_EXAMPLE})")
    dated = _ADB_YEAR.match(prefix["rest"])
    if dated is None:
        raise _refuse(
            path,
            f"year after {stem[: len(stem) - len(prefix['rest'])]!r}",
            f"expected '-' and a 4-digit year (e.g. {ADB_EXAMPLE})",
        )
    rest = dated["rest"]
    if rest and rest[0] not in "_-":
        raise _refuse(
            path,
            f"text {rest!r} after the year",
            "the vintage follows the year after '_' or '-' (e.g. _Mar2022)",
        )
    edition = prefix["edition"] or None
    if edition is not None and int(edition) == 0:
        raise _refuse(path, f"edition {edition!r}", "the edition counts economies (62, 72)")
    return AdbFileName(int(dated["year"]), edition, parse_vintage(rest[1:], path))


def parse_kof_name(path: Path | str) -> int:
    """Release year of ``KOFGI_<vintage>_public.xlsx`` (download suffixes allowed)."""
    name = Path(path).name
    stem = name[: -len(".xlsx")] if name.lower().endswith(".xlsx") else name
    match = _KOF.match(strip_download_suffix(stem))
    if match is None or not name.lower().endswith(".xlsx"):
        raise FileNameError.at(
            path,
            "does not follow KOFGI_<vintage>_public.xlsx "
            "(e.g. KOFGI_2022_public.xlsx, as KOF publishes it)",
            where="file name",
        )
    return int(match["vintage"])
