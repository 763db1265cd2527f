"""Provenance labels: vintages and classifications with the years they cover."""

from __future__ import annotations

import duckdb
import pandas as pd

import analysis.scenario.warehouse
from analysis.provenance import from_mart, from_warehouse, year_spans


def _mart(vintages: dict[int, str]) -> pd.DataFrame:
    years = sorted(vintages)
    return pd.DataFrame(
        {
            "year": years,
            "mrio_edition": "62",
            "mrio_vintage": [vintages[y] for y in years],
            "mrio_synthetic": False,
            "kof_vintage": 2022,
            "kof_synthetic": False,
            "nbs_classification": [f"GB/T 4754-{2002 if y < 2012 else 2011}" for y in years],
            "nbs_synthetic": False,
        }
    )


def test_a_vintage_with_a_gap_is_shown_as_its_runs_of_years():
    """ADB revised 2010 in a later release: 2022-03 covers 2007-2009 and 2011-2012 only."""
    vintages = {y: "2022-03" for y in (2007, 2008, 2009, 2011, 2012)} | {2010: "2022-12"}
    mrio = from_mart(_mart(vintages)).sources[0]
    assert mrio.detail == "edition 62, vintage 2022-03 (2007-2009, 2011-2012), 2022-12 (2010)"


def test_contiguous_vintages_and_classifications():
    vintages = {y: "2022-03" for y in range(2008, 2017)} | {2017: "2022-12", 2018: "2022-12"}
    mrio, _, nbs = from_mart(_mart(vintages)).sources
    assert mrio.detail == "edition 62, vintage 2022-03 (2008-2016), 2022-12 (2017-2018)"
    assert nbs.detail == "GB/T 4754-2002 (2008-2011), GB/T 4754-2011 (2012-2018)"


def test_whole_warehouse_provenance_uses_the_same_runs():
    with duckdb.connect() as con:
        con.execute(
            "create table int_adb_mrio__tables as select * from (values "
            "(false, '62', '2022-03', 2007, true), (false, '62', '2022-12', 2008, true), "
            "(false, '62', '2022-03', 2009, true), (false, '62', '2022-12', 2009, false)) "
            "as t(is_synthetic, edition, vintage, year, is_current)"
        )
        (mrio,) = from_warehouse(con).sources
    assert mrio.detail == (
        "edition 62, vintage 2022-03 (2007, 2009), edition 62, vintage 2022-12 (2008)"
    )


def test_one_year_span_helper_for_scenarios_and_provenance():
    assert analysis.scenario.warehouse.year_spans is year_spans
    assert year_spans([2018, 2007, 2008, 2000, 2009, 2008]) == "2000, 2007-2009, 2018"
    assert year_spans([]) == "none"
