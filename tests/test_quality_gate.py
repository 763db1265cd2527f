"""Planted faults: each stops publication with a message naming it; the last good
warehouse stays published and queryable (docs/architecture.md, decisions 1, 3 and 9).

A tiny fixture (PRC, USA, RoW; 2007-2009; the panel is 2008-2009) goes through the same code
path as `gvc build`: ingest -> dbt build into a candidate -> dbt tests and expectation
suites -> atomic rename.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from analysis.config import Paths
from analysis.ingest import IngestError
from analysis.publish import BuildError, build_warehouse
from tests.faults import edited_xlsx

PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "seeds",
    "macros",
    "tests/generic",
    "expectations",
)


def _paths(root: Path, home: Path, raw: Path, warehouse: Path) -> Paths:
    return Paths(
        home=home,
        raw=raw,
        landing=root / "landing",
        warehouse=warehouse,
        history=root / "history.duckdb",
        reports=root / "reports",
    )


def _mart(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(*), sum(icc), sum(ics) from mart_icc_ics").fetchall()


@pytest.fixture(scope="module")
def published(tmp_path_factory, repo_root):
    from analysis.sample import write_sample

    root = tmp_path_factory.mktemp("published")
    raw = root / "raw"
    write_sample(raw, size="tiny", years=[2007, 2008, 2009])
    paths = _paths(root, repo_root, raw, root / "wh" / "gvc.duckdb")
    report = build_warehouse(paths, echo=False)
    assert report.quality is not None and report.quality.passed
    assert _mart(paths.warehouse)[0][0] == 28
    return paths


@pytest.fixture
def attempt(published, tmp_path):
    """A copy of the raw files and of the published warehouse to plant a fault into."""
    raw = tmp_path / "raw"
    shutil.copytree(published.raw, raw)
    warehouse = tmp_path / "wh" / "gvc.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(published.warehouse, warehouse)
    shutil.copytree(published.landing, tmp_path / "landing", symlinks=True)
    return _paths(tmp_path, published.home, raw, warehouse)


def _refused(paths: Paths, *fragments: str, error=(BuildError, IngestError)) -> str:
    before = _mart(paths.warehouse)
    with pytest.raises(error) as info:
        build_warehouse(paths, echo=False)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert _mart(paths.warehouse) == before  # the last good warehouse is untouched
    assert not list(paths.warehouse.parent.glob(".candidate-*"))
    return message


def _adb(paths: Paths, year: int = 2008) -> Path:
    return paths.raw / "adb_mrio" / f"ADB-MRIO-{year}_synthetic.xlsx"


def _edit_csv(path: Path, edit) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8")))
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_unbalanced_mrio_row(attempt):
    def unbalance(ws):
        ws["E8"] = ws["E8"].value + 1000.0  # PRC c1 -> PRC c1 grows, totals do not

    edited_xlsx(_adb(attempt), _adb(attempt).parent, unbalance)
    _refused(attempt, "int_adb_mrio__balance_row_balanced", "'economy': 'PRC'", "unchanged")


def test_negative_flow(attempt):
    def negative(ws):
        ws["F9"] = -5.0

    edited_xlsx(_adb(attempt), _adb(attempt).parent, negative)
    _refused(attempt, "stg_adb_mrio__flows_no_negative_intermediate_inputs", "-5.0", "unchanged")


def test_nan_cell(attempt):
    def nan(ws):
        ws["G10"] = "NaN"

    edited_xlsx(_adb(attempt), _adb(attempt).parent, nan)
    _refused(attempt, "ADB-MRIO-2008_synthetic.xlsx", "cell G10", "not numeric")


def test_missing_sector(attempt):
    def drop_row(ws):
        ws.delete_rows(20, 1)  # PRC c13 disappears

    edited_xlsx(_adb(attempt), _adb(attempt).parent, drop_row)
    _refused(attempt, "ADB-MRIO-2008_synthetic.xlsx", "sector code")


def test_same_table_twice(attempt):
    """A browser's second copy of a file: same edition, year and vintage twice."""
    shutil.copy(_adb(attempt), _adb(attempt).with_name("ADB-MRIO-2008_synthetic (1).xlsx"))
    _refused(attempt, "table of 2008, vintage synthetic", "ADB-MRIO-2008_synthetic (1).xlsx")


def test_kof_out_of_range(attempt):
    kof = attempt.raw / "kof" / "KOFGI_2022_public.xlsx"

    def too_big(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "CHN" and row[2].value == 2008:
                row[6].value = 150.0

    edited_xlsx(kof, kof.parent, too_big)
    _refused(attempt, "stg_kof__index", "kofecgi", "150.0")


def test_nbs_unit_mix_up(attempt):
    """2008 incomes printed in 10,000 yuan under a '100 million yuan' header."""
    path = attempt.raw / "nbs" / "nbs_industry_2008.csv"

    def wrong_unit(rows):
        for row in rows[3:]:
            if len(row) > 3 and row[1] and not row[0].startswith("Note"):
                row[2] = f"{float(row[2]) * 1e4:.2f}"

    _edit_csv(path, wrong_unit)
    _refused(attempt, "int_nbs__level_changes_no_unit_mix_up", "main_business_income")


def test_concordance_gap(attempt, tmp_path, repo_root):
    home = tmp_path / "project"
    for part in PROJECT_PARTS:
        src, dst = repo_root / part, home / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    seed = home / "seeds" / "nbs_adb_concordance.csv"
    _edit_csv(
        seed, lambda rows: rows.remove(next(r for r in rows if r[:2] == ["GB/T 4754-2002", "19"]))
    )
    _refused(replace(attempt, home=home), "concordance")


def test_missing_year_in_panel(attempt):
    (attempt.raw / "nbs" / "nbs_industry_2008.csv").unlink()
    (attempt.raw / "nbs" / "nbs_science_2008.csv").unlink()
    _refused(attempt, "mart_icc_ics_panel_complete", "unchanged")


def test_truncated_raw_file(attempt):
    def truncate(ws):
        ws.delete_rows(ws.max_row - 2, 3)

    edited_xlsx(_adb(attempt), _adb(attempt).parent, truncate)
    _refused(attempt, "ADB-MRIO-2008_synthetic.xlsx", "truncated")


def test_doctored_mart_fails_gvc_check(attempt, monkeypatch):
    """`gvc check` on a warehouse whose mart_resilience was doctored names table, rule, row."""
    from analysis.publish import check_published

    with duckdb.connect(str(attempt.warehouse)) as con:
        con.execute(
            "update mart_resilience set hhi_sources = 1.5 "
            "where economy = 'USA' and sector = 'c14' and year = 2009"
        )
    report = check_published(attempt)
    assert not report.passed
    failed = [r for r in report.results if r.blocking]
    assert [(r.table, r.rule) for r in failed] == [
        ("mart_resilience", "mart_resilience_effective_suppliers_is_inverse_hhi")
    ]
    row = failed[0].rows[0]
    assert (row["economy"], row["sector"], row["year"]) == ("USA", "c14", 2009)
    assert any(r.rule == "mart_resilience_shares_in_range" and r.warning for r in report.results)


def test_negative_final_demand_warns_and_publishes(attempt):
    """Negative gross fixed capital formation (F4) is real: it warns, listed by economy-sector;
    the table stays balanced (the row total, r64 and r69 move with the cell)."""

    def disposals(ws):
        # tiny sample: PRC, USA, RoW x 35 sectors; PRC c3 is Excel row 10; PRC F4 is the
        # 4th final-demand column after the 105 intermediate ones
        cell = ws.cell(row=10, column=5 + 105 + 3)
        delta = -5.0 - cell.value
        cell.value = -5.0
        for row, column in ((10, 5 + 105 + 15), (8 + 105 + 5, 7), (8 + 105 + 7, 7)):
            ws.cell(row=row, column=column).value += delta  # ToT of the row, r64 and r69

    negative_fd = (
        "select count(*) from stg_adb_mrio__flows where to_use like 'F%' and flow_usd_mn < 0"
    )
    with duckdb.connect(str(attempt.warehouse), read_only=True) as con:
        before = con.execute(negative_fd).fetchone()[0]
    edited_xlsx(_adb(attempt), _adb(attempt).parent, disposals)
    report = build_warehouse(attempt, echo=False)
    warned = {r.rule: r for r in report.quality.results if r.warning}
    assert warned["stg_adb_mrio__flows_negative_final_demand"].failures == before + 1
    assert not any(r.blocking for r in report.quality.results)
    with duckdb.connect(str(attempt.warehouse), read_only=True) as con:
        assert con.execute(
            "select flow_usd_mn from stg_adb_mrio__flows where year = 2008 and "
            "from_economy = 'PRC' and from_sector = 'c3' and to_economy = 'PRC' and to_use = 'F4'"
        ).fetchall() == [(-5.0,)]
    assert _mart(attempt.warehouse)[0][0] == 28
