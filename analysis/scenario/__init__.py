"""``gvc scenario``: disruption scenarios declared in YAML, run on the published warehouse.

Scenario file (default ``scenarios.yml`` in the project root; schema and methods in
docs/scenarios.md)::

    scenarios:
      - id: kor_c14_supply_cut_50
        description: 50 % cut of Korea's electrical and optical equipment supply
        year: 2018                                   # or years: [2008, 2018]
        edition: "62"                                # optional; default "62" if present
        target: {economies: [KOR], sectors: [c14]}   # omit a list for every one
        shock: 0.5                                   # fraction in [0, 1]
        methods: [leontief_demand, ghosh_supply, extraction]   # optional, these three
                                                     # full_extraction: shock 1 only

Modules: :mod:`~analysis.scenario.schema` (the schema and strict loader),
:mod:`~analysis.scenario.warehouse` (editions, years, codes, tables, provenance),
:mod:`~analysis.scenario.run` (running, history, stale charts, summary),
:mod:`~analysis.scenario.chart` (the chart), :mod:`~analysis.scenario.labels` (words).
"""

from __future__ import annotations

from analysis.scenario.chart import draw_figure, scenario_chart
from analysis.scenario.run import DDL, prune_figures, run_scenarios, summary_lines
from analysis.scenario.schema import (
    Scenario,
    ScenarioCannotRun,
    ScenarioError,
    load_scenarios,
    select,
)
from analysis.scenario.warehouse import table_provenance

__all__ = [
    "DDL",
    "Scenario",
    "ScenarioCannotRun",
    "ScenarioError",
    "draw_figure",
    "load_scenarios",
    "prune_figures",
    "run_scenarios",
    "scenario_chart",
    "select",
    "summary_lines",
    "table_provenance",
]
