"""Running declared scenarios: results to history, one chart a year, stale charts removed.

Every scenario is resolved against the warehouse (edition, years, codes) before any runs, so
a bad one leaves no partial results. Results go to ``scenario_results`` in
warehouse/history.duckdb, one row per run, scenario, year, method and economy-sector.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis.history import append_rows
from analysis.mrio import LeontiefSolver
from analysis.mrio.scenarios import run_scenario, target_mask
from analysis.scenario.chart import scenario_chart
from analysis.scenario.labels import economy_sector_label, method_label, percent
from analysis.scenario.schema import Scenario
from analysis.scenario.warehouse import resolve, table_from_warehouse, table_provenance

DDL = """
create table if not exists scenario_results (
    run_id varchar, run_time timestamp, scenario_id varchar, parameters varchar,
    edition varchar, year integer, method varchar, economy varchar, sector varchar,
    x double, loss_value double, loss_pct double, is_target boolean
)
"""
#: Chart file names: scenario_<id>_<year>.png (ids: letters, digits, '_' and '-').
FIGURE_NAME = re.compile(r"scenario_(?P<id>[A-Za-z0-9][A-Za-z0-9_-]*)_(?P<year>\d{4})\.png")


def figure_path(figures: Path, scenario_id: str, year: int) -> Path:
    return figures / f"scenario_{scenario_id}_{year}.png"


def run_scenarios(
    scenarios: list[Scenario], warehouse: Path, history: Path, figures: Path
) -> pd.DataFrame:
    """Run every scenario and year; append to ``scenario_results``; draw one chart each."""
    resolved = resolve(scenarios, warehouse)
    run_id, now = uuid.uuid4().hex[:12], datetime.now(UTC).replace(tzinfo=None)
    frames = [run_year(sc, year, warehouse, figures) for sc in resolved for year in sc.years]
    results = pd.concat(frames, ignore_index=True)
    results.insert(0, "run_time", now)
    results.insert(0, "run_id", run_id)
    append_rows(history, "scenario_results", DDL, results)
    return results


def run_year(sc: Scenario, year: int, warehouse: Path, figures: Path) -> pd.DataFrame:
    """One resolved scenario on one year's table: long results, and its chart drawn."""
    table = table_from_warehouse(warehouse, sc.edition, year)
    mask = target_mask(table, sc.economies, sc.sectors)
    result = run_scenario(table, mask, sc.shock, sc.methods, LeontiefSolver(table))
    result.insert(0, "year", year)
    result.insert(0, "edition", sc.edition)
    result.insert(0, "parameters", sc.parameters())
    result.insert(0, "scenario_id", sc.id)
    provenance = table_provenance(warehouse, sc.edition, year)
    scenario_chart(result, figure_path(figures, sc.id, year), sc, year, provenance)
    return result


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
