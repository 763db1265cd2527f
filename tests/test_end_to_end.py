"""End to end through the CLI, as a new user runs it: sample -> build -> query.

The default sample is built once per session into a temporary warehouse (GVC_RAW,
GVC_LANDING, GVC_WAREHOUSE point there); faults are then planted into copies.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import duckdb
import numpy as np

from tests.cli import BIN, gvc, png_source, query
from tests.faults import edited_xlsx


def test_help_explains_every_command(repo_root):
    out = subprocess.run([str(BIN / "gvc"), "--help"], capture_output=True, text=True).stdout
    for command in ("sample", "ingest", "build"):
        assert command in out
        sub = subprocess.run([str(BIN / "gvc"), command, "--help"], capture_output=True, text=True)
        assert sub.returncode == 0 and len(sub.stdout) > 200


def test_build_publishes_staged_flows_and_marts(built):
    root, _ = built
    wh = root / "wh" / "gvc.duckdb"
    assert query(wh, "select count(*) from stg_adb_mrio__flows") == [(12 * 315 * (315 + 45),)]
    assert query(wh, "select count(*), count(icc), count(ics) from mart_icc_ics") == [(154,) * 3]
    assert query(wh, "select count(*) from fct_gvc_participation") == [(12 * 315,)]
    assert not list((root / "wh").glob(".candidate-*"))


def test_dbt_parse_in_a_new_warehouse_folder_starts_from_the_saved_one(built):
    """dbt runs with the database and landing as relative paths: its saved parse of the
    project (seeded from the project's target/) is not thrown away for a changed profile or
    environment in each new warehouse folder."""
    root, _ = built
    log = (root / "wh" / ".dbt-build" / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing because profile has changed" not in log
    assert "Unable to do partial parsing because env vars used in" not in log
    assert "[info ]" in log and "[debug]" not in log  # DBT_LOG_LEVEL_FILE unset: info
    assert (root / "wh" / ".dbt-build" / "target" / "partial_parse.msgpack").exists()


def test_corrupt_cell_fails_ingest_naming_the_cell_and_keeps_landing(built, tmp_path):
    root, env = built
    raw = tmp_path / "raw"
    shutil.copytree(root / "raw", raw)
    landing = tmp_path / "landing"
    shutil.copytree(root / "landing", landing, symlinks=True)
    env = {**env, "GVC_RAW": str(raw), "GVC_LANDING": str(landing)}
    before = {p: p.read_bytes() for p in landing.rglob("*.parquet")}

    def corrupt(ws):
        ws["K20"] = "12,5"

    edited_xlsx(raw / "adb_mrio" / "ADB-MRIO-2012_synthetic.xlsx", raw / "adb_mrio", corrupt)
    result = gvc("ingest", env=env)
    assert result.returncode == 1
    assert "ADB-MRIO-2012_synthetic.xlsx, sheet 'ADB MRIO 2012', cell K20" in result.stderr
    assert "not numeric" in result.stderr
    assert {p: p.read_bytes() for p in landing.rglob("*.parquet")} == before


def test_failed_check_keeps_the_published_warehouse(built, tmp_path):
    root, env = built
    raw, wh_dir = tmp_path / "raw", tmp_path / "wh"
    shutil.copytree(root / "raw", raw)
    wh_dir.mkdir()
    shutil.copy(root / "wh" / "gvc.duckdb", wh_dir / "gvc.duckdb")
    env = {
        **env,
        "GVC_RAW": str(raw),
        "GVC_LANDING": str(tmp_path / "landing"),
        "GVC_WAREHOUSE": str(wh_dir / "gvc.duckdb"),
    }
    before = query(wh_dir / "gvc.duckdb", "select sum(icc), sum(ics) from mart_icc_ics")

    def negative_flow(ws):
        ws["F9"] = -5.0  # PRC c2 sells a negative amount to PRC c2: a negative input

    edited_xlsx(raw / "adb_mrio" / "ADB-MRIO-2010_synthetic.xlsx", raw / "adb_mrio", negative_flow)
    result = gvc("build", "--quiet", env=env)
    assert result.returncode == 1
    assert "stg_adb_mrio__flows_no_negative_intermediate_inputs" in result.stderr
    assert "offending row" in result.stderr and "-5.0" in result.stderr
    assert "published warehouse" in result.stderr and "unchanged" in result.stderr
    assert query(wh_dir / "gvc.duckdb", "select sum(icc), sum(ics) from mart_icc_ics") == before
    assert not list(wh_dir.glob(".candidate-*"))


def test_a_new_year_is_read_and_computed_without_a_cluster_by_default(built, tmp_path):
    """With the default settings, a build after one new year reads its files in gvc and
    computes its one table in dbt's process: no Dask cluster, which cannot split one table
    (copied raw files, with new inodes, are hashed, not read). The year is published."""
    from analysis.sample import write_sample

    root, env = built
    for folder in ("raw", "landing", "wh"):
        shutil.copytree(root / folder, tmp_path / folder, symlinks=True)
    write_sample(tmp_path / "new", size="default", years=[2019])
    for path in (tmp_path / "new").rglob("*2019*"):
        shutil.copy(path, tmp_path / "raw" / path.parent.name / path.name)
    env = {
        **env,
        "GVC_RAW": str(tmp_path / "raw"),
        "GVC_LANDING": str(tmp_path / "landing"),
        "GVC_WAREHOUSE": str(tmp_path / "wh" / "gvc.duckdb"),
        "GVC_REPORTS": str(tmp_path / "reports"),
        "GVC_HISTORY": str(tmp_path / "wh" / "history.duckdb"),
    }
    result = gvc("build", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\(\d+ read in this process, \d+ unchanged\)", result.stdout), result.stdout
    assert "local Dask workers" not in result.stdout
    rows = "select year, count(*) from fct_gvc_participation where year >= 2018 group by year"
    counts = dict(query(tmp_path / "wh" / "gvc.duckdb", rows + " order by year"))
    assert counts[2019] == counts[2018] > 0


def test_estimate_writes_tables_figures_and_history(built):
    root, env = built
    env = {**env, "GVC_REPORTS": str(root / "reports"), "GVC_HISTORY": str(root / "history.duckdb")}
    result = gvc("estimate", "--bootstrap-reps", "49", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "anti_global: absorbed by year effects" in result.stdout
    for k in range(1, 5):
        for ext in ("md", "tex", "html", "csv"):
            assert (root / "reports" / "tables" / f"table{k}.{ext}").stat().st_size > 200
    table2 = (root / "reports" / "tables" / "table2.md").read_text()
    assert "absorbed by year FE" in table2 and "SYNTHETIC" in table2
    assert "| Clusters | 14 (industry) | 14 (industry) | 14 x 11 (industry, year) |" in table2
    synthetic = "SYNTHETIC SAMPLE DATA: ADB-MRIO, KOF Globalisation Index and NBS yearbook"
    for ext in ("md", "tex", "html", "csv"):
        assert synthetic in (root / "reports" / "tables" / f"table2.{ext}").read_text()
    tex = (root / "reports" / "tables" / "table2.tex").read_text()
    assert r"\caption{Baseline:" in tex and r"\label{tab:table2}" in tex
    for png in ("coefficients.png", "icc_ics_trends.png"):
        assert synthetic in png_source(root / "reports" / "figures" / png)
    rows = query(
        root / "history.duckdb",
        "select count(distinct run_id), count(*), count(distinct specification), "
        "count(distinct (table_id, column_number)), "
        "max(bootstrap_draws) filter (where boot_p_value is not null), "
        "max(bootstrap_draws) filter (where boot_p_value is null) from estimates_history",
    )
    assert rows[0] == (1, 72, 18, 18, 49, 0)
    printed = gvc("report", "--table", "2", env=env)
    assert printed.returncode == 0 and "Table 2" in printed.stdout


def test_mart_estimates_equal_second_estimator(built):
    import statsmodels.formula.api as smf

    from analysis.panel.data import load_mart
    from analysis.panel.estimate import fit_panel

    root, _ = built
    frame = load_mart(root / "wh" / "gvc.duckdb")
    regressors = ["exposure", "size", "rd", "kl"]
    for dependent in ("icc", "ics", "tech", "infina", "human"):
        ours = fit_panel(frame, dependent, tuple(regressors))
        theirs = smf.ols(
            f"{dependent} ~ {' + '.join(regressors)} + C(sector) + C(year)", data=frame
        ).fit()
        scale = max(1.0, abs(theirs.params[regressors]).max())
        assert (abs(ours.params[regressors] - theirs.params[regressors]) <= 1e-8 * scale).all()


def test_check_and_docs_on_the_published_warehouse(built, tmp_path):
    """On private copies of the published file; copies left by killed runs are removed."""
    root, env = built
    env = {**env, "GVC_REPORTS": str(tmp_path / "reports")}
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    left = [root / "wh" / f".{what}-{finished.pid}-0123abcd" for what in ("check", "docs")]
    for folder in left:
        folder.mkdir()
        (folder / f"{folder.name[1:6]}.duckdb").write_bytes(b"a copy of a killed run")
    check = gvc("check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert not any(folder.exists() for folder in left)
    assert not list((root / "wh").glob(".check-*"))
    assert "mart_icc_ics" in check.stdout and "quality gate PASSED" in check.stdout
    page = (tmp_path / "reports" / "quality" / "index.html").read_text()
    assert "SYNTHETIC SAMPLE DATA" in page and "<script" not in page
    results = json.loads((tmp_path / "reports" / "quality" / "validation_results.json").read_text())
    assert results["database"] == env["GVC_WAREHOUSE"]  # the published file, not a copy
    assert results["synthetic_inputs"] == [
        "ADB-MRIO",
        "KOF Globalisation Index",
        "NBS yearbook statistics",
    ]
    docs = gvc("docs", env=env)
    assert docs.returncode == 0, docs.stdout + docs.stderr
    page = (tmp_path / "reports" / "docs" / "static_index.html").read_text()
    assert "mart_icc_ics" in page and "gvcpt_f" in page
    assert not list((root / "wh").glob(".docs-*"))


def test_estimate_exposure_option_switches_the_identified_share(built, tmp_path):
    root, env = built
    env = {
        **env,
        "GVC_REPORTS": str(tmp_path / "reports"),
        "GVC_HISTORY": str(tmp_path / "history.duckdb"),
    }
    result = gvc("estimate", "--exposure", "forward", "--bootstrap-reps", "0", env=env)
    assert result.returncode == 0, result.stderr
    table3 = (tmp_path / "reports" / "tables" / "table3.md").read_text()
    assert "L.Exposure, forward share" in table3
    table1 = (tmp_path / "reports" / "tables" / "table1.md").read_text()
    for variable in ("Exposure (s_i x z(Anti_global))", "L.Exposure", "Exposure, forward share"):
        assert f"| {variable} | 154 |" in table1
    assert "Wild bootstrap p: " not in table3 and "not computed in this run" in table3


def test_exposure_is_standardised_on_2008_2018_and_the_lag_on_the_same_scale(built):
    """docs/architecture.md, decision 6: z over 2008-2018; L.Exposure uses the same mean and sd."""
    root, _ = built
    frame = (
        duckdb.connect(str(root / "wh" / "gvc.duckdb"), read_only=True)
        .execute("select * from mart_icc_ics")
        .df()
    )
    yearly = frame.groupby("year")[["anti_global", "anti_global_z"]].first()
    window = yearly.loc[2008:2018, "anti_global"]
    mean, sd = window.mean(), window.std(ddof=1)
    assert abs(yearly.loc[2008:2018, "anti_global_z"].mean()) < 1e-12
    expected_lag = frame["base_gvcpt_b"] * (frame["anti_global_lag1"] - mean) / sd
    assert np.allclose(frame["exposure_lag1"], expected_lag, rtol=1e-12, atol=1e-15)
    assert np.allclose(frame["exposure"], frame["base_gvcpt_b"] * frame["anti_global_z"])
