"""`gvc scenario`: the strict schema, run-time checks, charts, stale charts, CLI messages.

Schema, labels, charts and pruning are tested on hand-made files and tables; the CLI on the
default synthetic sample, built once for this module.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.colors import to_hex

from analysis.errors import BadInput, CannotRun
from analysis.mrio import IOTable
from analysis.mrio.scenarios import METHODS, run_scenario, target_mask
from analysis.reference import MANUFACTURING
from analysis.scenario import (
    Scenario,
    ScenarioCannotRun,
    ScenarioError,
    draw_figure,
    load_scenarios,
    prune_figures,
    select,
    summary_lines,
    table_provenance,
)
from analysis.scenario.chart import chart_title
from analysis.scenario.labels import (
    METHOD_COLOURS,
    economy_label,
    sector_label,
    shock_label,
    target_label,
)
from analysis.scenario.warehouse import panel_economy, resolve, year_spans
from tests.cli import gvc, png_source, query

BASE = {
    "id": "kor_cut",
    "description": "half of Korea's electricals",
    "year": 2018,
    "target": {"economies": ["KOR"], "sectors": ["c14"]},
    "shock": 0.5,
    "methods": list(METHODS),
}
DROP = object()


def write_file(tmp_path: Path, text: str, name: str = "s.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_scenario(tmp_path: Path, **changes) -> Path:
    """s.yml with BASE changed (DROP removes a key; target keys via target=...)."""
    item = {k: v for k, v in {**BASE, **changes}.items() if v is not DROP}
    return write_file(tmp_path, yaml.safe_dump({"scenarios": [item]}, sort_keys=False))


def refusal(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(path)
    message = str(caught.value)
    assert "\n" not in message and isinstance(caught.value, BadInput)
    return message


# --- the schema -------------------------------------------------------------------------


def test_the_bundled_file_loads(repo_root):
    kor, jpn = load_scenarios(repo_root / "scenarios.yml")
    assert (kor.id, kor.years, kor.economies, kor.sectors, kor.shock) == (
        "kor_c14_supply_cut_50",
        (2018,),
        ("KOR",),
        ("c14",),
        0.5,
    )
    assert kor.edition is None and kor.methods == METHODS
    assert (jpn.years, jpn.sectors, jpn.methods) == (
        (2008, 2018),
        ("c13", "c14"),
        ("full_extraction",),
    )


def test_a_valid_scenario_with_every_key(tmp_path):
    (sc,) = load_scenarios(one_scenario(tmp_path, year=DROP, years=[2008, 2018], edition=62))
    assert sc == Scenario(
        "kor_cut",
        "half of Korea's electricals",
        (2008, 2018),
        "62",
        ("KOR",),
        ("c14",),
        0.5,
        METHODS,
    )


def test_misspelled_target_key_is_refused_not_read_as_every_economy(tmp_path):
    """The bug this fixes: `economy: [KOR]` ran with exit 0 and shocked c14 everywhere."""
    path = one_scenario(tmp_path, target={"economy": ["KOR"], "sectors": ["c14"]})
    assert refusal(path) == (
        "s.yml, scenario kor_cut: unknown key 'economy' in target; accepted: economies, sectors"
    )


ACCEPTED = "accepted: id, description, year, years, edition, target, shock, methods"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"method": ["extraction"]}, f"unknown key 'method' in the scenario; {ACCEPTED}"),
        ({"shocks": 0.5, "shock": DROP}, f"unknown key 'shocks' in the scenario; {ACCEPTED}"),
        ({"shock": DROP}, "missing key 'shock' (fraction in [0, 1]"),
        ({"target": DROP}, "missing key 'target'"),
        ({"year": "2018"}, "`year` must be whole years from 1990 to 2100 (no quotes); got '2018'"),
        ({"year": 2018.0}, "`year` must be whole years from 1990 to 2100 (no quotes); got 2018.0"),
        ({"year": 1850}, "`year` must be whole years from 1990 to 2100 (no quotes); got 1850"),
        ({"year": DROP, "years": 2018}, "`years` must be a non-empty list, e.g. [2008, 2018]"),
        ({"year": DROP, "years": []}, "`years` must be a non-empty list"),
        ({"year": DROP, "years": [2018, 2018]}, "`years` lists a year twice: [2018, 2018]"),
        ({"years": [2018]}, "give exactly one of `year` (e.g. year: 2018) or `years`"),
        ({"year": DROP}, "give exactly one of `year`"),
        (
            {"shock": "half"},
            "`shock` must be a number in [0, 1] (a fraction: 0.5 = 50 %); got 'half'",
        ),
        ({"shock": True}, "`shock` must be a number in [0, 1]"),
        ({"shock": float("nan")}, "`shock` must be a number in [0, 1]"),
        ({"shock": -0.1}, "`shock` must be a fraction in [0, 1]; got -0.1"),
        ({"shock": 1.5}, "`shock` must be a fraction in [0, 1]; got 1.5"),
        ({"shock": 50}, "`shock` must be a fraction in [0, 1] (50 % is 0.5); got 50"),
        ({"target": "KOR"}, "`target` must be a mapping with `economies` and/or `sectors`"),
        ({"target": {}}, "`target` needs `economies` and/or `sectors`"),
        (
            {"target": {"economies": "KOR"}},
            "`target.economies` must be a non-empty list, e.g. [KOR]; got 'KOR' (text)",
        ),
        ({"target": {"economies": []}}, "`target.economies` must be a non-empty list"),
        ({"target": {"economies": None}}, "`target.economies` must be a non-empty list"),
        ({"target": {"sectors": "c14"}}, "`target.sectors` must be a non-empty list, e.g. [c14]"),
        (
            {"target": {"economies": ["XYZ"]}},
            "unknown economy 'XYZ' in target.economies; accepted (ADB economy codes): AUS, AUT,",
        ),
        (
            {"target": {"economies": ["kor"]}},
            "unknown economy 'kor' in target.economies (did you mean KOR?)",
        ),
        ({"target": {"economies": ["KOR", "KOR"]}}, "`target.economies` lists a code twice"),
        (
            {"edition": "62", "target": {"economies": ["ARG"]}},
            "unknown economy 'ARG' in target.economies; accepted for edition 62: AUS,",
        ),
        (
            {"target": {"sectors": ["c36"]}},
            "unknown sector 'c36' in target.sectors; accepted (ADB sectors): c1, c2,",
        ),
        (
            {"target": {"sectors": ["C14"]}},
            "unknown sector 'C14' in target.sectors (did you mean c14?)",
        ),
        ({"methods": "extraction"}, "`methods` must be a non-empty list, e.g. [leontief_demand]"),
        ({"methods": []}, "`methods` must be a non-empty list"),
        (
            {"methods": ["leontief"]},
            "unknown method 'leontief' in methods; accepted: leontief_demand, ghosh_supply, "
            "extraction, full_extraction",
        ),
        ({"methods": ["extraction", "extraction"]}, "`methods` lists a method twice"),
        (
            {"methods": ["full_extraction"]},
            "full_extraction removes the target entirely and needs shock: 1.0 (got 0.5)",
        ),
        ({"edition": "sixty-two"}, "`edition` 'sixty-two' (text) is not an edition; an edition"),
        ({"description": 5}, "`description` must be text; got 5"),
    ],
)
def test_each_broken_rule_is_named(tmp_path, changes, expected):
    message = refusal(one_scenario(tmp_path, **changes))
    assert message.startswith("s.yml, scenario kor_cut: "), message
    assert expected in message, message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "s.yml: no scenarios (the file is empty)"),
        ("scenarios: []\n", "s.yml: no scenarios; `scenarios:` must be a non-empty list, got []"),
        ("scenarios:\n", "s.yml: no scenarios; `scenarios:` must be a non-empty list, got nothing"),
        ("scenario: []\n", "s.yml: unknown key 'scenario' at the top level; accepted: scenarios"),
        ("- id: x\n", "s.yml: expected a mapping with key `scenarios:` at the top"),
        (
            "scenarios:\n  - kor_cut\n",
            "s.yml, scenario #1: expected a mapping with keys id, description",
        ),
        ("scenarios:\n  - {year: 2018}\n", "s.yml, scenario #1: missing key 'id'"),
        ("scenarios:\n  - {id: 12}\n", "s.yml, scenario #1: `id` must be text of 1-80 letters"),
        ("scenarios:\n  - {id: ../x}\n", "s.yml, scenario #1: `id` must be text"),
        ("scenarios: [\n", "s.yml, line 2, column 1: not valid YAML"),
        (
            "scenarios:\n  - id: a\n    shock: 0.5\n    shock: 0.2\n",
            "s.yml, line 4, column 5: not valid YAML (key 'shock' given twice)",
        ),
    ],
)
def test_broken_files_are_named(tmp_path, text, expected):
    assert expected in refusal(write_file(tmp_path, text))


def test_duplicate_ids_name_both_positions(tmp_path):
    item = yaml.safe_dump([BASE, {**BASE, "shock": 0.2}], sort_keys=False)
    path = write_file(
        tmp_path, "scenarios:\n" + "".join(f"  {line}\n" for line in item.splitlines())
    )
    assert (
        refusal(path) == "s.yml, scenario kor_cut (#2): duplicate id; scenario #1 already uses it"
    )


def test_a_missing_file_is_named(tmp_path):
    assert refusal(tmp_path / "none.yml").startswith("none.yml: scenario file not found at ")


def test_anchors_may_share_keys_between_scenarios(tmp_path):
    text = (
        "scenarios:\n  - &kor\n    id: a\n    year: 2018\n    target: {economies: [KOR]}\n"
        "    shock: 0.5\n  - <<: *kor\n    id: b\n    shock: 0.25\n"
    )
    a, b = load_scenarios(write_file(tmp_path, text))
    assert (b.id, b.shock, b.economies, b.years) == ("b", 0.25, ("KOR",), (2018,))


def test_select_names_the_known_ids(repo_root):
    declared = load_scenarios(repo_root / "scenarios.yml")
    assert [s.id for s in select(declared, ("jpn_full_extraction",), "scenarios.yml")] == [
        "jpn_full_extraction"
    ]
    with pytest.raises(ScenarioError) as caught:
        select(declared, ("kor", "jpn_full_extraction"), "scenarios.yml")
    assert str(caught.value) == (
        "scenarios.yml: unknown scenario id 'kor'; known ids: kor_c14_supply_cut_50, "
        "jpn_full_extraction"
    )


# --- checks against the warehouse --------------------------------------------------------


def fake_warehouse(path: Path, rows: list[tuple]) -> Path:
    """A file with ``stg_adb_mrio__output`` (edition, year, economy, sector, vintage,
    file_sha256) and ``int_adb_mrio__tables`` (one current table per edition and year)."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table stg_adb_mrio__output (edition varchar, year integer, economy varchar, "
            "sector varchar, vintage varchar, file_sha256 varchar)"
        )
        if rows:
            con.executemany(
                "insert into stg_adb_mrio__output values (?, ?, ?, ?, ?, ?)",
                [(*r, f"{r[0]}-{r[1]}") for r in rows],
            )
        con.execute(
            "create table int_adb_mrio__tables as select distinct edition, year, vintage, "
            "file_sha256, vintage = 'synthetic' as is_synthetic, true as is_current "
            "from stg_adb_mrio__output"
        )
    return path


def cells(editions, years, economies=("KOR", "PRC"), vintage="synthetic"):
    return [
        (e, y, g, s, vintage) for e in editions for y in years for g in economies for s in ("c14",)
    ]


def scenario(**changes) -> Scenario:
    base = Scenario("s", "", (2018,), None, ("KOR",), ("c14",), 0.5, METHODS)
    return Scenario(**{**base.__dict__, **changes})


@pytest.mark.parametrize(
    ("editions", "asked", "chosen"),
    [(["62", "72"], None, "62"), (["72"], None, "72"), (["62", "72"], "72", "72")],
)
def test_edition_defaults_to_62_else_the_only_one(tmp_path, editions, asked, chosen):
    wh = fake_warehouse(tmp_path / "w.duckdb", cells(editions, [2018]))
    (sc,) = resolve([scenario(edition=asked)], wh)
    assert sc.edition == chosen
    assert f'"edition": "{chosen}"' in sc.parameters()


def test_two_editions_without_62_need_one_named(tmp_path):
    wh = fake_warehouse(tmp_path / "w.duckdb", cells(["72", "40"], [2018]))
    with pytest.raises(ScenarioError, match=r"holds editions 40, 72 \(no \"62\"\); add") as e:
        resolve([scenario()], wh)
    assert e.value.exit_code == 1


def test_missing_edition_or_year_cannot_run_and_names_what_exists(tmp_path):
    wh = fake_warehouse(tmp_path / "w.duckdb", cells(["62"], [2000, 2007, 2008, 2018]))
    with pytest.raises(ScenarioCannotRun) as e:
        resolve([scenario(edition="72")], wh)
    assert "scenario s: no edition-72 MRIO tables in " in str(e.value)
    assert str(e.value).endswith("editions there: 62")
    assert e.value.exit_code == 2 and isinstance(e.value, CannotRun)
    with pytest.raises(ScenarioCannotRun) as e:
        resolve([scenario(years=(2018, 2019))], wh)
    assert "no edition-62 MRIO table for 2019 in " in str(e.value)
    assert str(e.value).endswith("years there: 2000, 2007-2008, 2018")


def test_codes_missing_from_the_table_are_refused(tmp_path):
    wh = fake_warehouse(tmp_path / "w.duckdb", cells(["62"], [2018], ("PRC", "USA")))
    with pytest.raises(ScenarioError) as e:
        resolve([scenario(sectors=())], wh)
    assert str(e.value) == (
        "scenario s: economies KOR not in the edition-62 table of 2018; economies there: PRC, USA"
    )
    assert e.value.exit_code == 1
    with pytest.raises(ScenarioError, match="sectors c13 not in the edition-62 table of 2018"):
        resolve([scenario(economies=("PRC",), sectors=("c13",))], wh)


def test_no_warehouse_or_no_table_cannot_run(tmp_path):
    with pytest.raises(
        CannotRun, match=r"no published warehouse at .*none\.duckdb: run `gvc build`"
    ):
        resolve([scenario()], tmp_path / "none.duckdb")
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    with pytest.raises(CannotRun, match="lacks a table the scenarios read"):
        resolve([scenario()], tmp_path / "empty.duckdb")


def test_table_provenance_says_synthetic_from_the_vintage(tmp_path):
    wh = fake_warehouse(tmp_path / "s.duckdb", cells(["62"], [2018]))
    synthetic = table_provenance(wh, "62", 2018)
    assert synthetic.synthetic and "SYNTHETIC SAMPLE DATA" in synthetic.label()
    assert synthetic.sources[0].detail == "edition 62, 2018, vintage synthetic"
    real = fake_warehouse(tmp_path / "r.duckdb", cells(["62"], [2018], vintage="2022-03"))
    provenance = table_provenance(real, "62", 2018)
    assert not provenance.synthetic
    assert provenance.label() == "Data: ADB-MRIO (edition 62, 2018, vintage 2022-03)."


def test_year_spans():
    assert year_spans([2018, 2007, 2008, 2000, 2009]) == "2000, 2007-2009, 2018"
    assert year_spans([]) == "none"


def test_the_editions_the_docs_offer_are_accepted(tmp_path, repo_root):
    """Every quoted edition in the `edition` row of docs/scenarios.md loads (it once offered
    "custom", which the schema refuses)."""
    doc = (repo_root / "docs" / "scenarios.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `edition` |"))
    offered = re.findall(r'`"([^"`]+)"`', row)
    assert "62" in offered
    for edition in offered:
        (sc,) = load_scenarios(one_scenario(tmp_path, edition=edition))
        assert sc.edition == edition


def test_the_docs_report_losses_as_positive_numbers(repo_root):
    """loss_value and loss_pct are positive when output falls: the worked example never
    writes a loss as a negative percentage."""
    doc = (repo_root / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert "positive = output falls" in doc
    assert re.findall(r"[-\u2212]\d[\d.,]*\s?%", doc) == []


def test_results_of_earlier_versions_gain_the_table_columns(tmp_path):
    """A history written before `vintage`, `file_sha256`, `synthetic` existed: its rows keep
    their values with NULL in the new columns; new rows name their table."""
    from analysis.history import append_rows
    from analysis.scenario.run import DDL

    history = tmp_path / "history.duckdb"
    old = (
        "create table scenario_results (run_id varchar, run_time timestamp, scenario_id "
        "varchar, parameters varchar, edition varchar, year integer, method varchar, economy "
        "varchar, sector varchar, x double, loss_value double, loss_pct double, is_target "
        "boolean); insert into scenario_results values ('old', now(), 's', '{}', '62', 2018, "
        "'leontief_demand', 'KOR', 'c14', 1.0, 0.5, 0.5, true)"
    )
    with duckdb.connect(str(history)) as con:
        con.execute(old)
    new = pd.DataFrame(
        {
            "run_id": ["new"],
            "scenario_id": ["s"],
            "year": [2018],
            "vintage": ["2022-03"],
            "file_sha256": ["ab" * 32],
            "synthetic": [False],
        }
    )
    append_rows(history, "scenario_results", DDL, new)
    append_rows(history, "scenario_results", DDL, new.assign(run_id="again"))  # idempotent DDL
    assert query(
        history,
        "select run_id, vintage, file_sha256, synthetic from scenario_results order by run_id",
    ) == [("again", "2022-03", "ab" * 32, False), ("new", "2022-03", "ab" * 32, False),
          ("old", None, None, None)]  # fmt: skip


# --- words, charts, summary --------------------------------------------------------------


def test_labels_name_codes_in_words():
    assert sector_label("c14") == "Electricals (c14)"
    assert economy_label("KOR") == "Republic of Korea (KOR)"
    assert target_label(["KOR"], ["c14"]) == "Republic of Korea (KOR) — Electricals (c14)"
    assert target_label([], ["c14"]) == "every economy — Electricals (c14)"
    assert target_label(["JPN", "KOR", "PRC", "USA"], []) == (
        "Japan (JPN), Republic of Korea (KOR), People's Republic of China (PRC) and 1 more "
        "— every sector"
    )
    assert shock_label(0.5, METHODS) == "50 % cut"
    assert shock_label(1.0, ("full_extraction",)) == "fully extracted"


def small_result(sc: Scenario, seed: int = 3) -> pd.DataFrame:
    """Results of ``sc`` on a random productive table of KOR, PRC, USA x 4 sectors."""
    economies, sectors = ["KOR", "PRC", "USA"], ["c9", "c13", "c14", "c27"]
    rng = np.random.default_rng(seed)
    n = len(economies) * len(sectors)
    Z = rng.uniform(0.0, 10.0, (n, n))
    table = IOTable(Z, rng.uniform(5.0, 60.0, (n, 3)), economies, sectors, fd_categories=1)
    mask = target_mask(table, sc.economies, sc.sectors)
    return run_scenario(table, mask, sc.shock, sc.methods)


def test_chart_names_target_sectors_economies_units_and_methods():
    sc = scenario(edition="62", description="half of Korea's electricals")
    result = small_result(sc)
    fig = draw_figure(result, sc, 2018, "PRC")
    left, right = fig.axes
    title = fig._suptitle.get_text()
    assert title.splitlines()[0] == "Republic of Korea (KOR) — Electricals (c14), 50 % cut, 2018"
    assert chart_title(sc, 2018) == title.splitlines()[0]
    assert "scenario s, ADB-MRIO edition 62: half of Korea's electricals" in title
    assert left.get_xlabel() == "output loss, % of the sector's gross output"
    assert right.get_xlabel() == "output loss outside the target, USD million"
    shown = [t.get_text() for t in left.get_yticklabels()]
    prc = result[(result["economy"] == "PRC") & result["sector"].isin(MANUFACTURING)]
    expected = prc.groupby("sector")["loss_pct"].max().sort_values(ascending=False)
    assert shown == [sector_label(s) for s in expected.index]  # c9, c13, c14 by loss
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [
        "demand-driven (Leontief)",
        "supply-driven (Ghosh)",
        "hypothetical extraction",
    ]
    colours = {to_hex(p.get_facecolor()) for p in left.patches}
    assert colours == {METHOD_COLOURS[m].lower() for m in METHODS}


def test_economy_panel_sums_losses_outside_the_target():
    sc = scenario()
    result = small_result(sc)
    fig = draw_figure(result, sc, 2018, "PRC")
    right = fig.axes[1]
    names = [t.get_text() for t in right.get_yticklabels()]
    others = result[~result["is_target"]]
    totals = others.groupby(["economy", "method"])["loss_value"].sum().unstack()
    order = totals.max(axis=1).sort_values(ascending=False).index
    assert names == [economy_label(e) + (", other sectors" if e == "KOR" else "") for e in order]
    widths = sorted(p.get_width() for p in right.patches)
    np.testing.assert_allclose(widths, sorted(totals.to_numpy().ravel()), rtol=1e-12)


def test_chart_of_a_focus_economy_wholly_in_the_target_says_so():
    sc = scenario(economies=("PRC",), sectors=())
    fig = draw_figure(small_result(sc), sc, 2018, "PRC")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["no PRC manufacturing sector to show"]
    assert fig.axes[0].get_title().endswith("(target sectors left out)")


def test_chart_shows_the_sectors_of_the_economy_it_is_given():
    """The left panel follows the panel's economy (dbt var panel_economy), not a constant."""
    sc = scenario(economies=("USA",), sectors=("c14",))
    result = small_result(sc)
    left = draw_figure(result, sc, 2018, "KOR").axes[0]
    assert left.get_title() == "Most affected manufacturing sectors in Republic of Korea (KOR)"
    kor = result[(result["economy"] == "KOR") & result["sector"].isin(MANUFACTURING)]
    expected = kor.groupby("sector")["loss_pct"].max().sort_values(ascending=False)
    assert [t.get_text() for t in left.get_yticklabels()] == [
        sector_label(s) for s in expected.index
    ]


def test_the_focus_economy_is_the_published_panels(tmp_path):
    wh = fake_warehouse(tmp_path / "w.duckdb", cells(["62"], [2018]))
    assert panel_economy(wh) == "PRC"  # no mart: the var of dbt_project.yml
    with duckdb.connect(str(wh)) as con:
        con.execute("create table mart_icc_ics as select 'KOR' as economy, 'c3' as sector")
    assert panel_economy(wh) == "KOR"


def test_summary_names_sectors_and_economies_in_words():
    sc = scenario()
    result = small_result(sc).assign(scenario_id="s", year=2018)
    lines = summary_lines(result)
    assert len(lines) == 3
    demand = result[(result["method"] == "leontief_demand") & ~result["is_target"]]
    top = demand.loc[demand["loss_value"].idxmax()]
    rel = demand.loc[demand["loss_pct"].idxmax()]
    assert lines[0] == (
        f"s 2018 leontief_demand [demand-driven (Leontief)]: output lost outside the target "
        f"{demand['loss_value'].sum():,.0f} USD mn; largest loss {sector_label(top['sector'])} "
        f"in {economy_label(top['economy'])}: {top['loss_value']:,.0f} USD mn "
        f"({top['loss_pct'] * 100:.3g} % of its output); largest relative loss "
        f"{sector_label(rel['sector'])} in {economy_label(rel['economy'])}: "
        f"{rel['loss_pct'] * 100:.3g} %"
    )
    everything = result.assign(is_target=True)
    assert summary_lines(everything)[0].endswith(
        "every economy-sector is in the target; nothing outside it"
    )


# --- stale charts ------------------------------------------------------------------------


def test_prune_removes_only_undeclared_scenario_charts(tmp_path):
    names = [
        "scenario_kor_cut_2018.png",  # declared
        "scenario_kor_cut_2010.png",  # year no longer declared
        "scenario_gone_2018.png",  # scenario no longer declared
        "scenario_kor_cut_2018_2018.png",  # id kor_cut_2018: not declared
        "scenario_notes.png",  # not the naming pattern
        "scenario_gone_2018.csv",
        "table2_coefficients.png",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    declared = [scenario(id="kor_cut"), scenario(id="other", years=(2008,))]
    removed = prune_figures(declared, tmp_path)
    assert sorted(p.name for p in removed) == [
        "scenario_gone_2018.png",
        "scenario_kor_cut_2010.png",
        "scenario_kor_cut_2018_2018.png",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        {*names} - {p.name for p in removed}
    )
    assert prune_figures(declared, tmp_path / "absent") == []


# --- the command on the built sample -----------------------------------------------------


def own_outputs(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {
        **env,
        "GVC_REPORTS": str(tmp_path / "reports"),
        "GVC_HISTORY": str(tmp_path / "history.duckdb"),
    }


def png_title(path: Path) -> str:
    from PIL import Image

    with Image.open(path) as image:
        return image.text["Title"]


def test_scenario_writes_results_and_chart(built, tmp_path):
    root, env = built
    env = own_outputs(env, tmp_path)
    figures = tmp_path / "reports" / "figures"
    figures.mkdir(parents=True)
    for stale in ("scenario_gone_2018.png", "scenario_kor_c14_supply_cut_50_2010.png"):
        (figures / stale).write_bytes(b"old")
    (figures / "coefficients.png").write_bytes(b"keep")
    result = gvc("scenario", "--id", "kor_c14_supply_cut_50", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    png = figures / "scenario_kor_c14_supply_cut_50_2018.png"
    assert "SYNTHETIC" in png_source(png)
    assert "ADB-MRIO (SYNTHETIC sample)" in png_source(png)
    assert png_title(png) == "Republic of Korea (KOR) — Electricals (c14), 50 % cut, 2018"
    assert sorted(p.name for p in figures.iterdir()) == [
        "coefficients.png",
        "scenario_kor_c14_supply_cut_50_2018.png",
    ]
    rows = query(
        tmp_path / "history.duckdb",
        "select method, count(*), sum(loss_value) filter (where not is_target) "
        "from scenario_results group by method order by method",
    )
    assert [r[0] for r in rows] == ["extraction", "ghosh_supply", "leontief_demand"]
    assert all(r[1] == 315 and r[2] > 0 for r in rows)
    columns = query(
        tmp_path / "history.duckdb", "select column_name from (describe scenario_results)"
    )
    assert [c for (c,) in columns] == [
        "run_id", "run_time", "scenario_id", "parameters", "edition", "year", "method",
        "economy", "sector", "x", "loss_value", "loss_pct", "is_target",
        "vintage", "file_sha256", "synthetic",
    ]  # fmt: skip
    used = query(
        tmp_path / "history.duckdb",
        "select distinct edition, year, vintage, file_sha256, synthetic from scenario_results",
    )
    current = query(
        root / "wh" / "gvc.duckdb",
        "select edition, year, vintage, file_sha256, is_synthetic from int_adb_mrio__tables "
        "where is_current and year = 2018",
    )
    assert used == current and used[0][2] == "synthetic" and used[0][4] is True
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "kor_c14_supply_cut_50 2018 leontief_demand [demand-driven (Leontief)]: "
        "output lost outside the target "
    )
    assert "largest loss Electricals (c14) in People's Republic of China (PRC): " in lines[0]
    assert "removed 2 charts of scenario-years no longer declared" in result.stdout


def test_bad_scenario_file_is_refused_by_name(built, tmp_path):
    _, env = built
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "scenarios:\n  - id: x\n    year: 2018\n    target: {economies: [KOR]}\n    shock: 1.5\n"
    )
    result = gvc("scenario", "--file", str(bad), env=env)
    assert result.returncode == 1
    assert "bad.yml, scenario x: `shock` must be a fraction in [0, 1]; got 1.5" in result.stderr


def test_misspelled_key_runs_nothing(built, tmp_path):
    _, env = built
    env = own_outputs(env, tmp_path)
    bad = write_file(
        tmp_path,
        "scenarios:\n  - id: kor_cut\n    year: 2018\n"
        "    target: {economy: [KOR], sectors: [c14]}\n    shock: 0.5\n",
    )
    result = gvc("scenario", "--file", str(bad), env=env)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.strip() == (
        "s.yml, scenario kor_cut: unknown key 'economy' in target; accepted: economies, sectors"
    )
    assert not (tmp_path / "history.duckdb").exists() and not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("changes", "code", "expected"),
    [
        ({"year": 2030}, 2, "scenario kor_cut: no edition-8 MRIO table for 2030 in "),
        ({"year": 2030}, 2, "; years there: 2007-2018"),
        ({"edition": "72"}, 2, "no edition-72 MRIO tables in "),
        ({"target": {"economies": ["BRA"]}}, 1, "economies BRA not in the edition-8 table"),
    ],
)
def test_scenarios_the_warehouse_cannot_serve_run_nothing(built, tmp_path, changes, code, expected):
    _, env = built
    env = own_outputs(env, tmp_path)
    first = {**BASE, "id": "fine"}
    item = {**BASE, **changes}
    path = write_file(tmp_path, yaml.safe_dump({"scenarios": [first, item]}, sort_keys=False))
    result = gvc("scenario", "--file", str(path), env=env)
    assert result.returncode == code, result.stdout + result.stderr
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "history.duckdb").exists()  # the fine one did not run either


def test_unknown_id_and_missing_warehouse(built, tmp_path):
    _, env = built
    unknown = gvc("scenario", "--id", "kor", env=env)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "scenarios.yml: unknown scenario id 'kor'; known ids: kor_c14_supply_cut_50, "
        "jpn_full_extraction"
    )
    none = tmp_path / "none" / "gvc.duckdb"
    missing = gvc("scenario", env={**own_outputs(env, tmp_path), "GVC_WAREHOUSE": str(none)})
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"no published warehouse at {none}: run `gvc build`"
