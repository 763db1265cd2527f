"""ADB's and KOF's file names as downloaded: year, edition, normalised vintage, refusals."""

from __future__ import annotations

import pytest

from analysis.ingest.filenames import (
    FileNameError,
    parse_adb_name,
    parse_kof_name,
    strip_download_suffix,
)

PUBLISHED_NAMES = [
    # (name as seen in public use, year, edition, vintage, release order)
    ("ADB-MRIO-2007.xlsx", 2007, None, "undated", 0),
    ("ADB-MRIO-2008_Mar2022.xlsx", 2008, None, "2022-03", 202203),
    ("ADB-MRIO62-2017_Dec2022.xlsx", 2017, "62", "2022-12", 202212),
    ("ADB-MRIO-2017_Dec2022-2.xlsx", 2017, None, "2022-12", 202212),
    ("ADB-MRIO72-2017-August_2025.xlsx", 2017, "72", "2025-08", 202508),
    ("ADB-MRIO-2018_September_2024.xlsx", 2018, None, "2024-09", 202409),
    ("ADB-MRIO72-2024_August_2025__1_.xlsx", 2024, "72", "2025-08", 202508),
    ("ADB-MRIO-2000_Mar2022-3.xlsx", 2000, None, "2022-03", 202203),
    ("ADB-MRIO-2019_Dec2022 (1).xlsx", 2019, None, "2022-12", 202212),
    ("ADB-MRIO62-2018_June2023.xlsx", 2018, "62", "2023-06", 202306),
    ("adb-mrio62-2018_june 2023.XLSX", 2018, "62", "2023-06", 202306),
    ("ADB-MRIO-2012_synthetic.xlsx", 2012, None, "synthetic", 0),
]


@pytest.mark.parametrize(("name", "year", "edition", "vintage", "order"), PUBLISHED_NAMES)
def test_published_names_are_read(name, year, edition, vintage, order):
    parsed = parse_adb_name(name)
    assert (parsed.year, parsed.edition) == (year, edition)
    assert (parsed.vintage.label, parsed.vintage.order) == (vintage, order)


def test_undated_sorts_before_every_dated_release():
    orders = [parse_adb_name(n).vintage.order for n, *_ in PUBLISHED_NAMES]
    assert parse_adb_name("ADB-MRIO-2007.xlsx").vintage.order < min(o for o in orders if o)


@pytest.mark.parametrize(
    ("stem", "kept"),
    [
        ("ADB-MRIO-2019_Dec2022 (1)", "ADB-MRIO-2019_Dec2022"),
        ("ADB-MRIO72-2024_August_2025__1_", "ADB-MRIO72-2024_August_2025"),
        ("ADB-MRIO-2017_Dec2022-2", "ADB-MRIO-2017_Dec2022"),
        ("ADB-MRIO-2007", "ADB-MRIO-2007"),
        ("ADB-MRIO72-2017-August_2025", "ADB-MRIO72-2017-August_2025"),
    ],
)
def test_download_suffixes_are_not_part_of_the_name(stem, kept):
    assert strip_download_suffix(stem) == kept


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("ADB-MRIO62-2008_revised.xlsx", "vintage 'revised'"),
        ("ADB-MRIO-2008_Foo2022.xlsx", "vintage 'Foo2022'"),
        ("MRIO62-2008_Mar2022.xlsx", "prefix"),
        ("ADB-MRIO62_2008_Mar2022.xlsx", "year after 'ADB-MRIO62'"),
        ("ADB-MRIO-08_Mar2022.xlsx", "year after 'ADB-MRIO'"),
        ("ADB-MRIO-2008x.xlsx", "text 'x' after the year"),
        ("ADB-MRIO0-2008_Mar2022.xlsx", "edition '0'"),
        ("ADB-MRIO62-2008_Mar2022.xls", "suffix"),
    ],
)
def test_refused_names_say_which_part_is_wrong(name, part):
    with pytest.raises(FileNameError) as info:
        parse_adb_name(name)
    message = str(info.value)
    assert message.startswith(f"{name}, file name: {part}"), message


@pytest.mark.parametrize(
    ("name", "vintage"),
    [
        ("KOFGI_2022_public.xlsx", 2022),
        ("KOFGI_2024_public (1).xlsx", 2024),
        ("kofgi_2023_public-2.XLSX", 2023),
    ],
)
def test_kof_release_names(name, vintage):
    assert parse_kof_name(name) == vintage


def test_kof_name_without_release_is_refused():
    with pytest.raises(FileNameError, match="KOFGI_<vintage>_public.xlsx"):
        parse_kof_name("KOF_index.xlsx")
