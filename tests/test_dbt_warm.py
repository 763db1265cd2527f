"""A dbt started ahead of its command (analysis.dbt_warm, WarmDbt): it runs the command it is
handed with the parse it made, whatever build settings it is handed, is replaced by a fresh
dbt when the environment differs, ends with dbt's own exit status, and stops when unused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.dbt_runner import WarmDbt, run_dbt
from tests.refresh.helpers import paths_of

LIST = ["ls", "--select", "adb_sectors", "--resource-type", "seed", "--output", "name"]


@pytest.fixture(autouse=True)
def debug_file_log(monkeypatch):
    """These tests read dbt's debug events (parse, artifacts) in its file log: asked for as a
    user would, with dbt's own variable, which gvc keeps (its default is info)."""
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")


@pytest.fixture
def where(tmp_path, repo_root):
    paths = paths_of(tmp_path, repo_root)
    database = tmp_path / "wh" / ".candidate.duckdb"
    database.parent.mkdir(parents=True)
    return paths, database, tmp_path / "work"


def _run_log(work: Path) -> str:
    """The debug log of the last command the warm dbt ran (after its parse)."""
    text = (work / "logs" / "dbt.log").read_text()
    return text[text.rindex("Running with dbt=") :]


def _warm(where, variables, env=None) -> WarmDbt:
    paths, database, work = where
    return WarmDbt(paths=paths, database=database, work=work, variables=variables, env=env)


def _run(where, args, warm, variables=None):
    paths, database, work = where
    variables = variables or {"panel_edition": "62"}
    return run_dbt(
        args, paths=paths, database=database, variables=variables, work=work, echo=False,
        warm=warm,
    )  # fmt: skip


def test_the_command_runs_on_the_parse_made_ahead(where):
    warm = _warm(where, {"panel_edition": "62"})
    child = warm.proc
    result = _run(where, LIST, warm)
    assert result.returncode == 0 and "adb_sectors" in result.output.split()
    assert warm.proc is None and child.poll() == 0  # the warm child ran it
    assert "cli parse" in (where[2] / "logs" / "dbt.log").read_text()
    assert "parsing" not in _run_log(where[2]).lower()  # no parse of its own


def _compiled_edition(work: Path) -> str:
    """The panel edition requested in the SQL dbt compiled for int_icc_ics__gvc."""
    (sql,) = (work / "target" / "compiled").rglob("int_icc_ics__gvc.sql")
    return re.search(r"when '(\w*)' != ''", sql.read_text()).group(1)


def test_other_settings_run_on_the_parse_made_ahead_and_reparse_one_file(where):
    """The build settings enter the compiled SQL only: the run takes those it is handed
    without parsing again; a later dbt of another value reparses the model that reads the
    setting, not the whole project (a change of ``--vars`` would); and a ``--vars`` value
    given to dbt itself wins."""
    compile_ = ["compile", "--select", "int_icc_ics__gvc"]
    result = _run(where, compile_, _warm(where, {"panel_edition": "72"}), {"panel_edition": "62"})
    assert result.returncode == 0, result.output
    assert _compiled_edition(where[2]) == "62"
    assert "parsing" not in _run_log(where[2]).lower()
    assert _run(where, compile_, None, {"panel_edition": "40"}).returncode == 0
    assert _compiled_edition(where[2]) == "40"
    run = _run_log(where[2])
    assert "Unable to do partial parsing" not in run
    assert "updated file: gvc_warehouse://models/intermediate/icc_ics/int_icc_ics__gvc.sql" in run
    own_vars = [*compile_, "--vars", '{"panel_edition": "30"}']
    assert _run(where, own_vars, None, {"panel_edition": "62"}).returncode == 0
    assert _compiled_edition(where[2]) == "30"


def test_another_environment_gets_a_fresh_dbt(where):
    warm = _warm(where, {"panel_edition": "62"}, env={"GVC_WORKERS": "1"})
    child = warm.proc
    result = _run(where, LIST, warm)
    assert result.returncode == 0 and "adb_sectors" in result.output.split()
    assert child.poll() is not None and child.returncode != 0  # stopped, not used


def test_exit_status_is_dbts_own(where):
    missing = ["run-operation", "no_such_macro"]
    cold = _run(where, missing, None)
    hot = _run(where, missing, _warm(where, {"panel_edition": "62"}))
    assert cold.returncode == hot.returncode != 0
    assert "no_such_macro" in hot.output


def test_an_unused_warm_dbt_stops(where):
    warm = _warm(where, {"panel_edition": "62"})
    child = warm.proc
    warm.close()
    assert child.poll() is not None and warm.proc is None


def test_the_run_writes_its_results_but_not_the_manifest_again(where):
    """With the parse made ahead, the run leaves the parse's manifest.json as it is (writing
    it again took 0.3 s at the end of a build) and the child writes run_results.json, from
    which the caller reads every node with its compiled SQL."""
    warm = _warm(where, {"panel_edition": "62"})
    result = _run(where, ["seed", "--select", "adb_sectors"], warm)
    assert result.returncode == 0, result.output
    assert [(n.unique_id, n.status) for n in result.nodes] == [
        ("seed.gvc_warehouse.adb_sectors", "success")
    ]
    target = where[2] / "target"
    assert (target / "manifest.json").exists() and (target / "run_results.json").exists()
    run = _run_log(where[2])
    assert "Wrote artifact WritableManifest" not in run
    assert "Wrote artifact WritableManifest" in (where[2] / "logs" / "dbt.log").read_text()


def test_without_the_parse_made_ahead_dbt_writes_its_own_results(where, tmp_path):
    """Handed other folders than it parsed with, the child parses again and writes
    manifest.json and run_results.json itself."""
    warm = _warm(where, {"panel_edition": "62"})
    other = tmp_path / "other"
    common = [*warm.common[:-4], "--target-path", str(other / "target"), "--log-path",
              str(other / "logs")]  # fmt: skip
    request = {"command": ["seed", "--select", "adb_sectors"], "common": common}
    out, _ = warm.proc.communicate(json.dumps(request) + "\n", timeout=300)
    assert warm.proc.returncode == 0, out
    assert (other / "target" / "manifest.json").exists()
    results = json.loads((other / "target" / "run_results.json").read_text())
    assert [r["status"] for r in results["results"]] == ["success"]
    assert "Wrote artifact WritableManifest" in _run_log(other)
