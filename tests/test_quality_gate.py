"""Planted faults: each stops publication with a message naming it; the last good
warehouse stays published and queryable (docs/architecture.md, decisions 1, 3 and 9).

A tiny fixture (PRC, USA, RoW; 2007-2009; the panel is 2008-2009) goes through the same code
path as `gvc build`: ingest -> dbt build into a candidate -> dbt tests and expectation
suites -> atomic rename.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from analysis.build_record import pending_mark
from analysis.config import Paths
from analysis.dbt_runner import DbtResult, NodeResult
from analysis.errors import CannotRun
from analysis.ingest import IngestError
from analysis.publish import BuildError, build_warehouse, dbt_work
from tests.cli import project_copy
from tests.faults import edited_xlsx


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
def published(tiny_published):
    assert _mart(tiny_published.warehouse)[0][0] == 28
    return tiny_published


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
    assert not list(paths.warehouse.parent.glob(".candidate*"))
    return message


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


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


def test_negative_flow(attempt, published):
    """Refused; the candidate's report goes to reports/quality/candidate/ and says it is not
    published; reports/quality/ still describes the published file."""
    shutil.copytree(published.reports / "quality", attempt.reports / "quality")
    report = attempt.reports / "quality" / "validation_results.json"
    before = report.read_bytes()

    def negative(ws):
        ws["F9"] = -5.0

    edited_xlsx(_adb(attempt), _adb(attempt).parent, negative)
    message = _refused(
        attempt, "stg_adb_mrio__flows_no_negative_intermediate_inputs", "-5.0", "unchanged"
    )
    assert report.read_bytes() == before
    assert json.loads(before)["database"] == str(published.warehouse)
    candidate = attempt.reports / "quality" / "candidate"
    results = json.loads((candidate / "validation_results.json").read_text())
    assert results["passed"] is False and results["published"] is False
    assert results["candidate_for"] == str(attempt.warehouse)
    assert f"report (candidate, not published): {candidate / 'index.html'}" in message
    assert "not published)" in (candidate / "index.html").read_text()


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
    home = project_copy(repo_root, tmp_path / "project")
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


def test_doctored_warehouse_fails_gvc_check_naming_table_rule_and_cells(attempt):
    """`gvc check` on a published warehouse doctored in four tables (one check: the faults
    lie in different tables, and exactly their rules fail):
    - mart_resilience and the staged flows: table, rule, row; every staged file is checked
      (a build checks only the files it adds: test_negative_final_demand_warns_and_publishes);
    - a null in a required column: one null test per model (columns_not_null), its failing
      row leads with the names of its null columns and keeps its keys;
    - non-finite regression values: in DuckDB `NaN > 0` and `'inf' >= 1` are true, so a NaN
      position or an infinite length must still block, each cell named by sector, year and
      column."""
    from analysis.publish import check_published

    with duckdb.connect(str(attempt.warehouse)) as con:
        con.execute(
            "update mart_resilience set hhi_sources = 1.5 "
            "where economy = 'USA' and sector = 'c14' and year = 2009"
        )
        con.execute(DOCTORED_2007_FLOW)
        con.execute(
            "update fct_gvc_participation set x = null, vintage = null "
            "where economy = 'USA' and sector = 'c14' and year = 2009"
        )
        con.execute(
            "update mart_icc_ics set gvc_position = 'nan'::double "
            "where sector = 'c5' and year = 2009"
        )
        con.execute(
            "update mart_icc_ics set plv_gvc = 'inf'::double, size = '-inf'::double "
            "where sector = 'c12' and year = 2008"
        )
    report = check_published(attempt)
    assert not report.passed
    failed = {r.rule: r for r in report.results if r.blocking}
    assert {(r.table, rule) for rule, r in failed.items()} == {
        ("mart_resilience", "mart_resilience_effective_suppliers_is_inverse_hhi"),
        ("stg_adb_mrio__flows", "stg_adb_mrio__flows_no_negative_intermediate_inputs"),
        ("fct_gvc_participation", "fct_gvc_participation_not_null"),
        ("mart_icc_ics", "mart_icc_ics_rates_in_range"),
        ("mart_icc_ics", "mart_icc_ics_regression_variables_finite"),
    }
    row = failed["mart_resilience_effective_suppliers_is_inverse_hhi"].rows[0]
    assert (row["economy"], row["sector"], row["year"]) == ("USA", "c14", 2009)
    assert any(r.rule == "mart_resilience_shares_in_range" and r.warning for r in report.results)

    nulls = failed["fct_gvc_participation_not_null"]
    assert nulls.failures == 1
    row = nulls.rows[0]
    assert row["null_columns"] == "vintage, x"
    assert (row["economy"], row["sector"], row["year"]) == ("USA", "c14", 2009)

    def cells(rule: str) -> set[tuple]:
        return {(r["sector"], r["year"], r["column_name"]) for r in failed[rule].rows}

    assert cells("mart_icc_ics_rates_in_range") == {
        ("c12", 2008, "plv_gvc"),
        ("c5", 2009, "gvc_position"),
    }
    assert cells("mart_icc_ics_regression_variables_finite") == {
        ("c12", 2008, "plv_gvc"),
        ("c12", 2008, "size"),
        ("c5", 2009, "gvc_position"),
    }
    assert "'column_name': 'size', 'value': -inf" in report.failures()


def test_zero_nbs_level_blocks_the_panel_row_it_reaches(attempt):
    """2007 patents of leather (NBS 19 -> c5) printed as 0: ln(0) made `tech` of c5 in 2008
    +inf, which published. Now the log is null, the zero level is listed as a warning and
    the panel row blocks publication, named by sector, year and column."""
    path = attempt.raw / "nbs" / "nbs_science_2007.csv"

    def zero_patents(rows):
        row = next(r for r in rows if r and r[0] == "19")
        total = next(r for r in rows if len(r) > 1 and r[1] == "Total")
        total[4] = str(int(total[4]) - int(row[4]))
        row[4] = "0"

    _edit_csv(path, zero_patents)
    message = _refused(
        attempt,
        "mart_icc_ics_regression_variables_finite",
        "'sector': 'c5', 'year': 2008, 'column_name': 'tech', 'value': None",
        "unchanged",
    )
    assert "'column_name': 'tech_ln_growth'" in message
    results = json.loads(
        (attempt.reports / "quality" / "candidate" / "validation_results.json").read_text(
            encoding="utf-8"
        )
    )
    warned = next(r for r in results["rules"] if r["rule"].endswith("levels_positive"))
    assert (warned["severity"], warned["status"]) == ("warning", "fail")
    assert warned["rows"] == [
        {"sector": "c5", "year": 2007, "column_name": "patent_applications", "value": 0.0}
    ]


#: A negative intermediate input (a blocking fault) written into the published 2007 flows.
DOCTORED_2007_FLOW = (
    "update stg_adb_mrio__flows set flow_usd_mn = -5 "
    "where year = 2007 and from_pos = 0 and to_pos = 1"
)


def test_negative_final_demand_warns_and_publishes(attempt):
    """Negative gross fixed capital formation (F4) is real: it warns, listed by economy-sector;
    the table stays balanced (the row total, r64 and r69 move with the cell).

    The candidate starts from a copy of the published warehouse, whose files passed the same
    tests: the blocking tests of the staged flows check the changed 2008 file only (a 2007
    flow doctored in the published file behind the warehouse's back is not looked at again;
    `gvc check` is: test_doctored_mart_fails_gvc_check). The warning lists every file's
    economy-sectors with negative final demand from int_adb_mrio__balance, which sums each
    file's flows once, when it is staged: its cells agree with the staged flows."""

    def disposals(ws):
        # tiny sample: PRC, USA, RoW x 35 sectors; PRC c3 is Excel row 10; PRC F4 is the
        # 4th final-demand column after the 105 intermediate ones
        cell = ws.cell(row=10, column=5 + 105 + 3)
        delta = -5.0 - cell.value
        cell.value = -5.0
        for row, column in ((10, 5 + 105 + 15), (8 + 105 + 5, 7), (8 + 105 + 7, 7)):
            ws.cell(row=row, column=column).value += delta  # ToT of the row, r64 and r69

    with duckdb.connect(str(attempt.warehouse)) as con:
        con.execute(DOCTORED_2007_FLOW)
    edited_xlsx(_adb(attempt), _adb(attempt).parent, disposals)
    report = build_warehouse(attempt, echo=False)
    warned = {r.rule: r for r in report.quality.results if r.warning}
    negative = warned["int_adb_mrio__balance_negative_final_demand"]
    assert not any(r.blocking for r in report.quality.results)
    with duckdb.connect(str(attempt.warehouse), read_only=True) as con:
        balance = con.execute(
            "select count(*), sum(negative_final_demand_cells), "
            "sum(negative_final_demand_usd_mn) from int_adb_mrio__balance "
            "where negative_final_demand_cells > 0"
        ).fetchone()
        staged = con.execute(
            "select count(distinct (file_sha256, from_pos)), count(*), sum(flow_usd_mn) "
            "from stg_adb_mrio__flows where to_use like 'F%' and flow_usd_mn < 0"
        ).fetchone()
        prc_c3 = con.execute(
            "select negative_final_demand_uses, negative_final_demand_usd_mn "
            "from int_adb_mrio__balance where year = 2008 and economy = 'PRC' and sector = 'c3'"
        ).fetchone()
    assert negative.failures == balance[0] > 0
    assert balance[:2] == staged[:2] and balance[2] == pytest.approx(staged[2], rel=1e-12)
    assert "F4" in prc_c3[0].split(", ") and prc_c3[1] <= -5.0
    assert {"economy", "sector", "negative_final_demand_uses"} <= set(negative.rows[0])
    assert "stg_adb_mrio__flows_no_negative_intermediate_inputs" in {
        r.rule for r in report.quality.results
    }  # ran, on the 2008 file
    with duckdb.connect(str(attempt.warehouse), read_only=True) as con:
        found = con.execute("select table_name from information_schema.tables").fetchall()
    tables = {t for (t,) in found}
    assert "gvc_checked_files" not in tables  # only in the candidate, while dbt runs
    assert not [t for t in tables if "__dbt_tmp" in t]  # dbt-duckdb's scratch tables dropped
    with duckdb.connect(str(attempt.warehouse), read_only=True) as con:
        assert con.execute(
            "select flow_usd_mn from stg_adb_mrio__flows where year = 2008 and "
            "from_economy = 'PRC' and from_sector = 'c3' and to_economy = 'PRC' and to_use = 'F4'"
        ).fetchall() == [(-5.0,)]
    assert _mart(attempt.warehouse)[0][0] == 28
    quality = attempt.reports / "quality"
    assert report.quality.results_file == quality / "validation_results.json"
    results = json.loads(report.quality.results_file.read_text())
    assert results["database"] == str(attempt.warehouse) and results["published"] is True
    assert not (quality / "candidate").exists()
    assert pending_mark(attempt.warehouse).exists()  # its estimates are still to be redone


def test_what_killed_builds_and_checks_left_is_removed(attempt):
    """A killed build that spilled leaves DuckDB's temporary folder of the candidate
    (`.candidate.duckdb.tmp`), a killed `rm` a replaced warehouse file; killed checks and
    docs runs leave their copies. The next build removes them (the copies of running
    processes stay) and runs."""
    wh = attempt.warehouse.parent
    (wh / ".candidate.duckdb.tmp").mkdir()
    (wh / ".candidate.duckdb.tmp" / "duckdb_temp_block-4611686018427388032.block").write_text("x")
    (wh / ".candidate.duckdb.wal").write_text("x")
    (wh / ".retired-1764000000000000000-gvc.duckdb").write_text("x")  # a killed rm left it
    dead, alive = _dead_pid(), os.getpid()
    for name in (f".check-{dead}-0123abcd", f".docs-{dead}-4567ef01", f".check-{alive}-89abcdef"):
        (wh / name).mkdir()
        shutil.copy(attempt.warehouse, wh / name / "copy.duckdb")
    report = build_warehouse(attempt, echo=False)
    assert report.status == "up to date"
    left = sorted(p.name for p in wh.iterdir() if p.name.startswith("."))
    assert left == [f".check-{alive}-89abcdef", ".refresh.lock"]  # nothing prepared ahead


def test_checks_are_imported_once_the_decomposition_node_has_ended(monkeypatch):
    """great-expectations is imported while dbt still runs (about 2 s), but only after the
    node at the build's memory peak, and once."""
    from analysis.publish import ChecksPreload

    loads = []
    monkeypatch.setattr(ChecksPreload, "_load", staticmethod(lambda: loads.append(1)))
    checks = ChecksPreload.for_build(None)  # a build of every node
    lines = [  # as dbt prints them
        "247 of 319 START python incremental model main.int_gvc__decomposition ..... [RUN]",
        "248 of 319 OK created sql table model main.int_adb_mrio__tables ..... [OK in 0.1s]",
        "249 of 237 PASS int_gvc__decomposition_not_null ..... [PASS in 0.0s]",
    ]
    for line in lines:
        checks.start_after_node(line)
    assert checks.thread is None
    checks.start_after_node(
        "247 of 319 OK created python incremental model main.int_gvc__decomposition [OK in 1.1s]"
    )
    checks.start_after_node("259 of 237 START test int_gvc__decomposition_not_null")
    checks.join()
    assert loads == [1]


def test_an_incremental_build_imports_the_checks_after_the_flows_or_at_once(monkeypatch):
    """A new MRIO table: after its flows are inserted (that insert takes both cores);
    other changed sources: with dbt's start."""
    from analysis.publish import ChecksPreload

    loads = []
    monkeypatch.setattr(ChecksPreload, "_load", staticmethod(lambda: loads.append(1)))
    checks = ChecksPreload.for_build(["adb_mrio", "nbs"])
    checks.start_after_node("2 of 181 START sql append_incremental model main.stg_adb_mrio__flows")
    checks.start_after_node("9 of 181 OK created sql table model main.stg_adb_mrio__files [OK]")
    assert checks.thread is None
    checks.start_after_node(
        "2 of 181 OK created sql append_incremental model main.stg_adb_mrio__flows [OK in 3.5s]"
    )
    checks.join()
    assert loads == [1]
    at_once = ChecksPreload.for_build(["nbs"])
    assert at_once.thread is not None
    at_once.join()
    assert loads == [1, 1]


def test_the_checks_are_imported_during_an_ingest_of_one_table_onto_the_published(monkeypatch):
    """Far from the memory peak of a build of every year, the import takes the core the
    ingest of one new MRIO table leaves idle; a first build or a changed project (no copy
    of the published file) and an ingest of several tables wait for dbt."""
    from analysis import publish

    monkeypatch.setattr(publish.ChecksPreload, "_load", staticmethod(lambda: None))
    monkeypatch.setattr(publish, "_warm_dbt", lambda *_args: None)
    copy = object()
    monkeypatch.setattr(publish, "_copy_ahead", lambda *_args: copy)
    one = [("adb_mrio", Path("ADB-MRIO-2019.xlsx")), ("nbs", Path("nbs_industry_2019.csv"))]
    two = [*one, ("adb_mrio", Path("ADB-MRIO-2020.xlsx"))]

    def ahead(files):
        prepared = publish._Ahead()
        prepared.start(None, None, None, None, files)
        return prepared.checks

    during = ahead(one)
    assert during is not None and during.nice == publish.PRELOAD_NICENESS
    during.join()
    assert ahead(two) is None
    copy = None
    assert ahead(one) is None


def _fake_dbt(*nodes: NodeResult, returncode: int = 1, output: str = ""):
    def run(args, **_kwargs) -> DbtResult:
        return DbtResult(args, returncode, list(nodes), 1.0, output)

    return run


@pytest.mark.parametrize(
    "message",
    [
        'IO Error: Could not write file "x.tmp": No space left on device',
        "Out of Memory Error: failed to allocate data of size 2.0 GiB (1.5 GiB/2.0 GiB used)",
        "Python model failed: cannot reach the Dask scheduler tcp://10.0.0.5:8786 (timed out)",
        "Python model failed: a Dask worker died while running landed_table_indicators "
        "(KilledWorker)",
    ],
)
def test_a_node_stopped_by_the_machine_is_could_not_run(attempt, monkeypatch, message):
    """Exit 2 (could not run), not a failed rule (exit 1): disk, memory, Dask."""
    node = NodeResult("model.gvc.int_gvc__decomposition", "error", message)
    monkeypatch.setattr("analysis.publish.run_dbt", _fake_dbt(node))
    with pytest.raises(CannotRun) as info:
        build_warehouse(attempt, force=True, echo=False)
    assert "was stopped by the machine" in str(info.value) and message in str(info.value)
    assert "unchanged" in str(info.value)


def test_a_failed_node_of_the_data_is_a_failed_rule(attempt, monkeypatch):
    node = NodeResult("model.gvc.mart_icc_ics", "error", "Binder Error: column x not found")
    monkeypatch.setattr("analysis.publish.run_dbt", _fake_dbt(node))
    with pytest.raises(BuildError, match="Binder Error: column x not found"):
        build_warehouse(attempt, force=True, echo=False)


def test_dbt_stopped_before_any_node_is_could_not_run_without_stale_results(
    attempt, tmp_path, repo_root
):
    """A parse error after a build whose tests failed: dbt writes no results, and those of
    the earlier build are not reported as this one's. Exit 2, as for `gvc check`."""
    home = project_copy(repo_root, tmp_path / "project")
    (home / "models" / "marts" / "broken.sql").write_text("select {{ ref( }}\n")
    target = dbt_work(attempt) / "target"
    target.mkdir(parents=True)
    stale = {"unique_id": "test.gvc.stale_failing_test", "status": "fail", "failures": 3}
    (target / "run_results.json").write_text(json.dumps({"results": [stale]}))
    (target / "manifest.json").write_text(json.dumps({"nodes": {}}))
    message = _refused(
        replace(attempt, home=home),
        "dbt build stopped before running any node",
        "Compilation Error in model broken",
        "unchanged",
        error=CannotRun,
    )
    assert "stale_failing_test" not in message


def test_check_reads_its_copy_only(attempt, monkeypatch):
    """`gvc check` copies the published file first: a publication while it runs (here an
    empty file moved in after dbt test) changes nothing it reports."""
    import analysis.published_copy as published_copy

    run_dbt = published_copy.run_dbt

    def publish_meanwhile(*args, **kwargs):
        result = run_dbt(*args, **kwargs)
        other = attempt.warehouse.with_name("other.duckdb")
        duckdb.connect(str(other)).close()
        other.replace(attempt.warehouse)
        return result

    monkeypatch.setattr(published_copy, "run_dbt", publish_meanwhile)
    from analysis.publish import check_published

    report = check_published(attempt)
    assert report.passed and report.synthetic
    assert report.database == str(attempt.warehouse)
    assert any(r.engine == "great_expectations" for r in report.results)
    assert not list(attempt.warehouse.parent.glob(".check-*"))
