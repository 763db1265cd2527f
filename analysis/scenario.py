"""``gvc scenario``: disruption scenarios declared in YAML, run on the published warehouse.

Scenario file (default ``scenarios.yml`` in the project root)::

    scenarios:
      - id: kor_c14_supply_cut_50
        description: 50 % cut of Korea's electrical and optical equipment supply
        years: [2018]            # or `year: 2018`
        edition: "62"            # optional, default "62"
        target: {economies: [KOR], sectors: [c14]}   # either list may be omitted (= all)
        shock: 0.5               # fraction in [0, 1]
        methods: [leontief_demand, ghosh_supply, extraction]   # optional, default these three
                                 # full_extraction (shock 1 only): row, column, final demand

Results go to ``scenario_results`` in warehouse/history.duckdb (one row per scenario run,
year, method and affected economy-sector) and a chart of the most affected PRC manufacturing
sectors to reports/figures/scenario_<id>_<year>.png.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from analysis.history import append_rows
from analysis.mrio import LeontiefSolver
from analysis.mrio.scenarios import ALL_METHODS, METHODS, run_scenario, target_mask
from analysis.pivot import io_table_from_staged
from analysis.plotting import save_png
from analysis.provenance import Provenance, SourceProvenance
from analysis.reference import MANUFACTURING

DDL = """
create table if not exists scenario_results (
    run_id varchar, run_time timestamp, scenario_id varchar, parameters varchar,
    edition varchar, year integer, method varchar, economy varchar, sector varchar,
    x double, loss_value double, loss_pct double, is_target boolean
)
"""


class ScenarioError(ValueError):
    """A scenario declaration is invalid; the message names the file, scenario and field."""


@dataclass(frozen=True)
class Scenario:
    id: str
    description: str
    years: tuple[int, ...]
    edition: str
    economies: tuple[str, ...]
    sectors: tuple[str, ...]
    shock: float
    methods: tuple[str, ...]

    def parameters(self) -> str:
        return json.dumps(
            {
                "target": {"economies": list(self.economies), "sectors": list(self.sectors)},
                "shock": self.shock,
                "methods": list(self.methods),
                "edition": self.edition,
            },
            sort_keys=True,
        )


def load_scenarios(path: Path) -> list[Scenario]:
    """Parse and validate the scenario file."""
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path.name}: not valid YAML ({exc})") from None
    items = data.get("scenarios")
    if not isinstance(items, list) or not items:
        raise ScenarioError(f"{path.name}: expected a non-empty list under `scenarios:`")
    out, seen = [], set()
    for k, item in enumerate(items, 1):
        sid = str(item.get("id") or "")
        where = f"{path.name}, scenario {sid or f'#{k}'}"
        if not sid or sid in seen:
            raise ScenarioError(f"{where}: every scenario needs a unique `id`")
        seen.add(sid)
        years = item.get("years", [item["year"]] if "year" in item else None)
        if not years or not all(isinstance(y, int) for y in years):
            raise ScenarioError(f"{where}: `year` or `years` must give whole years")
        shock = item.get("shock")
        if not isinstance(shock, int | float) or not 0 <= shock <= 1:
            raise ScenarioError(f"{where}: `shock` must be a fraction in [0, 1], got {shock!r}")
        target = item.get("target") or {}
        economies = tuple(target.get("economies") or ())
        sectors = tuple(target.get("sectors") or ())
        if not economies and not sectors:
            raise ScenarioError(f"{where}: `target` needs `economies` and/or `sectors`")
        methods = tuple(item.get("methods") or METHODS)
        unknown = set(methods) - set(ALL_METHODS)
        if unknown:
            raise ScenarioError(f"{where}: unknown methods {sorted(unknown)}; use {ALL_METHODS}")
        if "full_extraction" in methods and shock != 1:
            raise ScenarioError(
                f"{where}: full_extraction removes the target entirely and needs shock: 1.0 "
                f"(got {shock}); use extraction for a partial cut"
            )
        out.append(
            Scenario(
                sid,
                str(item.get("description", "")),
                tuple(years),
                str(item.get("edition", "62")),
                economies,
                sectors,
                float(shock),
                methods,
            )
        )
    return out


def table_from_warehouse(warehouse: Path, edition: str, year: int):
    """The year's IOTable from ``stg_adb_mrio__flows`` of the published warehouse."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rank = dict(con.execute("select economy, mrio72_index from adb_economies").fetchall())
        cells = con.execute(
            "select from_economy, from_sector, to_economy, to_use, flow_usd_mn "
            "from stg_adb_mrio__flows where edition = ? and year = ?",
            [edition, year],
        ).fetchnumpy()
    if len(cells["from_economy"]) == 0:
        raise ScenarioError(f"no edition-{edition} MRIO table for {year} in {warehouse}")
    return io_table_from_staged(cells, rank, year)


def run_scenarios(
    scenarios: list[Scenario], warehouse: Path, history: Path, figures: Path
) -> pd.DataFrame:
    """Run every scenario and year; append to ``scenario_results``; draw one chart each."""
    run_id, now = uuid.uuid4().hex[:12], datetime.now(UTC).replace(tzinfo=None)
    frames = []
    for sc in scenarios:
        for year in sc.years:
            table = table_from_warehouse(warehouse, sc.edition, year)
            try:
                mask = target_mask(table, sc.economies, sc.sectors)
            except ValueError as exc:
                raise ScenarioError(f"scenario {sc.id}: {exc}") from None
            result = run_scenario(table, mask, sc.shock, sc.methods, LeontiefSolver(table))
            result.insert(0, "year", year)
            result.insert(0, "edition", sc.edition)
            result.insert(0, "parameters", sc.parameters())
            result.insert(0, "scenario_id", sc.id)
            frames.append(result)
            scenario_chart(
                result,
                figures / f"scenario_{sc.id}_{year}.png",
                sc,
                synthetic=is_synthetic(warehouse, sc.edition, year),
            )
    results = pd.concat(frames, ignore_index=True)
    results.insert(0, "run_time", now)
    results.insert(0, "run_id", run_id)
    append_rows(history, "scenario_results", DDL, results)
    return results


def is_synthetic(warehouse: Path, edition: str, year: int) -> bool:
    """True when the year's table is the bundled synthetic sample."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select bool_or(vintage = 'synthetic') from stg_adb_mrio__output "
            "where edition = ? and year = ?",
            [edition, year],
        ).fetchone()
    return bool(row and row[0])


def scenario_chart(result: pd.DataFrame, path: Path, sc: Scenario, synthetic: bool) -> Path:
    """Bar chart: loss (% of output) of the 10 most affected PRC manufacturing sectors."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    china = result[(result["economy"] == "PRC") & result["sector"].isin(MANUFACTURING)]
    wide = china.pivot_table(index="sector", columns="method", values="loss_pct") * 100
    order = wide.max(axis=1).sort_values(ascending=False).index[:10]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    wide.loc[order].plot.bar(ax=ax, rot=0)
    ax.set_ylabel("output loss, % of the sector's gross output")
    ax.set_xlabel("PRC sector (ADB code)")
    title = f"Scenario {sc.id} ({int(result['year'].iloc[0])}): most affected PRC manufacturing"
    ax.set_title(title + ("\n" + sc.description if sc.description else ""), fontsize=10)
    fig.tight_layout()
    provenance = Provenance((SourceProvenance("adb_mrio", synthetic),))  # provisional
    save_png(fig, path, title=title, provenance=provenance)
    plt.close(fig)
    return path
