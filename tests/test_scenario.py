"""`gvc scenario` through the CLI on the default synthetic sample, built once per worker."""

from __future__ import annotations

import pytest

from tests.test_end_to_end import environment, gvc, png_source, query


@pytest.fixture(scope="module")
def built(tmp_path_factory, repo_root):
    root = tmp_path_factory.mktemp("scenario")
    # own reports and history: the quality gate's GX context must not be shared with the
    # build of test_end_to_end.py running at the same time on the other worker
    env = {
        **environment(root, repo_root),
        "GVC_REPORTS": str(root / "reports"),
        "GVC_HISTORY": str(root / "history.duckdb"),
    }
    sample = gvc("sample", env=env)
    assert sample.returncode == 0, sample.stderr
    build = gvc("build", "--quiet", env=env)
    assert build.returncode == 0, build.stdout + build.stderr
    return root, env


def test_scenario_writes_results_and_chart(built, tmp_path):
    root, env = built
    env = {
        **env,
        "GVC_REPORTS": str(tmp_path / "reports"),
        "GVC_HISTORY": str(tmp_path / "history.duckdb"),
    }
    result = gvc("scenario", "--id", "kor_c14_supply_cut_50", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    png = tmp_path / "reports" / "figures" / "scenario_kor_c14_supply_cut_50_2018.png"
    assert "SYNTHETIC" in png_source(png)
    rows = query(
        tmp_path / "history.duckdb",
        "select method, count(*), sum(loss_value) filter (where not is_target) "
        "from scenario_results group by method order by method",
    )
    assert [r[0] for r in rows] == ["extraction", "ghosh_supply", "leontief_demand"]
    assert all(r[1] == 315 and r[2] > 0 for r in rows)


def test_bad_scenario_file_is_refused_by_name(built, tmp_path):
    _, env = built
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "scenarios:\n  - id: x\n    year: 2018\n    target: {economies: [KOR]}\n    shock: 1.5\n"
    )
    result = gvc("scenario", "--file", str(bad), env=env)
    assert result.returncode == 1
    assert "bad.yml, scenario x: `shock` must be a fraction in [0, 1]" in result.stderr
