"""Running declared scenarios: results to history, one chart a year, stale charts removed.

Every scenario is resolved against the warehouse (edition, years, codes) before any runs, so
a bad one leaves no partial results. Results go to ``scenario_results`` in
warehouse/history.duckdb, one row per run, scenario, year, method and economy-sector, each
naming the table it came from (``vintage``, ``file_sha256``, ``synthetic``). Histories
written before those columns existed gain them on the next append (NULL in their rows).
"""

from __future__ import annotations

import re
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis.decompose import TableKey, TableTask, io_table
from analysis.history import append_rows
from analysis.mrio import LeontiefSolver
from analysis.mrio.scenarios import run_scenario, target_mask
from analysis.parallel import Runner, runner
from analysis.scenario.chart import scenario_chart
from analysis.scenario.labels import economy_sector_label, method_label, percent
from analysis.scenario.schema import Scenario
from analysis.scenario.warehouse import (
    current_table,
    key_provenance,
    panel_economy,
    resolve,
    table_task,
)

CREATE = """
create table if not exists scenario_results (
    run_id varchar, run_time timestamp, scenario_id varchar, parameters varchar,
    edition varchar, year integer, method varchar, economy varchar, sector varchar,
    x double, loss_value double, loss_pct double, is_target boolean
);
"""
#: Columns added later: the table a result came from (NULL in rows written before them).
ADDED = (("vintage", "varchar"), ("file_sha256", "varchar"), ("synthetic", "boolean"))
DDL = CREATE + "".join(
    f"alter table scenario_results add column if not exists {name} {kind};\n"
    for name, kind in ADDED
)
#: Chart file names: scenario_<id>_<year>.png (ids: letters, digits, '_' and '-').
FIGURE_NAME = re.compile(r"scenario_(?P<id>[A-Za-z0-9][A-Za-z0-9_-]*)_(?P<year>\d{4})\.png")


def figure_path(figures: Path, scenario_id: str, year: int) -> Path:
    return figures / f"scenario_{scenario_id}_{year}.png"


def run_scenarios(
    scenarios: list[Scenario],
    warehouse: Path,
    history: Path,
    figures: Path,
    run: Runner | None = None,
) -> pd.DataFrame:
    """Run every scenario and year; append to ``scenario_results``; draw one chart each.

    The algebra of each (scenario, year) runs on ``run`` (a Dask cluster, or this process;
    default: ``analysis.parallel.runner()``); tables are read and charts drawn here.
    """
    resolved = resolve(scenarios, warehouse)
    pairs = [(sc, year) for sc in resolved for year in sc.years]
    # the current table of each (edition, year), read once: results, chart and provenance
    # name the table that was used
    tables = {(sc.edition, y): current_table(warehouse, sc.edition, y) for sc, y in pairs}
    tasks = (
        ScenarioTask(sc, table_task(warehouse, tables[sc.edition, y][0]), tables[sc.edition, y][1])
        for sc, y in pairs
    )
    with nullcontext(run) if run is not None else runner() as use:
        use.plan(len(pairs))
        frames = use.map(scenario_result, tasks)
    focus = panel_economy(warehouse)
    for (sc, year), result in zip(pairs, frames, strict=True):
        provenance = key_provenance(*tables[sc.edition, year])
        scenario_chart(result, figure_path(figures, sc.id, year), sc, year, provenance, focus)
    results = pd.concat(frames, ignore_index=True)
    results.insert(0, "run_time", datetime.now(UTC).replace(tzinfo=None))
    results.insert(0, "run_id", uuid.uuid4().hex[:12])
    append_rows(history, "scenario_results", DDL, results)
    return results


@dataclass(frozen=True)
class ScenarioTask:
    """One resolved scenario on one year's table (what a worker needs)."""

    scenario: Scenario
    table: TableTask
    synthetic: bool  # the table is the bundled synthetic sample


def scenario_result(task: ScenarioTask) -> pd.DataFrame:
    """Long results of one scenario on one table (pure; runs on a Dask worker or here)."""
    sc, table = task.scenario, io_table(task.table)
    key: TableKey = task.table.key
    mask = target_mask(table, sc.economies, sc.sectors)
    result = run_scenario(table, mask, sc.shock, sc.methods, LeontiefSolver(table))
    result.insert(0, "year", key.year)
    result.insert(0, "edition", sc.edition)
    result.insert(0, "parameters", sc.parameters())
    result.insert(0, "scenario_id", sc.id)
    return result.assign(vintage=key.vintage, file_sha256=key.file_sha256, synthetic=task.synthetic)


def prune_figures(declared: list[Scenario], figures: Path) -> list[Path]:
    """Remove ``scenario_<id>_<year>.png`` charts of scenario-years not in ``declared`` (the
    whole file that was run); files not named so are never touched. Returns those removed."""
    keep = {(sc.id, year) for sc in declared for year in sc.years}
    removed = []
    for path in sorted(Path(figures).glob("scenario_*.png")):
        match = FIGURE_NAME.fullmatch(path.name)
        if match and (match["id"], int(match["year"])) not in keep and path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def summary_lines(results: pd.DataFrame) -> list[str]:
    """Per scenario, year and method: total loss outside the target, the largest absolute
    and the largest relative loss, economy-sectors named in words."""
    lines = []
    keys = ["scenario_id", "year", "method"]
    for (sid, year, method), part in results.groupby(keys, sort=False):
        head = f"{sid} {year} {method} [{method_label(method)}]: "
        others = part[~part["is_target"]]
        if others.empty:
            lines.append(head + "every economy-sector is in the target; nothing outside it")
            continue
        text = f"output lost outside the target {others['loss_value'].sum():,.0f} USD mn"
        top = others.nlargest(1, "loss_value").iloc[0]
        text += (
            f"; largest loss {economy_sector_label(top['economy'], top['sector'])}: "
            f"{top['loss_value']:,.0f} USD mn ({percent(top['loss_pct'])} of its output)"
        )
        rel = others.nlargest(1, "loss_pct")
        if not rel.empty:
            r = rel.iloc[0]
            text += (
                f"; largest relative loss {economy_sector_label(r['economy'], r['sector'])}: "
                f"{percent(r['loss_pct'])}"
            )
        lines.append(head + text)
    return lines
