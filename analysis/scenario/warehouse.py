"""What a scenario reads from the published warehouse: editions, years, codes, tables.

Read-only. A missing warehouse or table is :class:`CannotRun` (exit 2); an edition or year
the warehouse lacks is :class:`ScenarioCannotRun`; codes absent from the year's table are
:class:`ScenarioError` (exit 1).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb

from analysis.config import Paths
from analysis.connect import connect_published
from analysis.decompose import TableKey, TableTask, fetch_task
from analysis.errors import CannotRun
from analysis.provenance import Provenance, SourceProvenance, year_spans
from analysis.quality.suites import dbt_vars
from analysis.scenario.schema import Scenario, ScenarioCannotRun, ScenarioError

#: The edition a scenario uses when it names none and the warehouse has it; otherwise the
#: warehouse's only edition. Fixed here, the same rule as the panel's edition when dbt var
#: ``panel_edition`` is unset (int_icc_ics__gvc); a build with ``--panel-edition`` does not
#: change it: a scenario on another edition names it (``edition:``).
DEFAULT_EDITION = "62"


#: dbt var whose value is the ICC/ICS panel's economy (the focus of the scenario charts).
PANEL_ECONOMY_VAR = "panel_economy"


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the file published now; CannotRun when there is none."""
    if not Path(warehouse).is_file():
        raise CannotRun(f"no published warehouse at {warehouse}: run `gvc build`")
    return connect_published(warehouse, history=False)


def _query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect(warehouse) as con:
        try:
            return con.execute(sql, params or []).fetchall()
        except duckdb.CatalogException as exc:
            raise CannotRun(
                f"{warehouse} lacks a table the scenarios read ({str(exc).splitlines()[0]}): "
                "run `gvc build`"
            ) from None


def resolve_edition(sc: Scenario, available: dict[str, set[int]], warehouse: Path) -> str:
    """The scenario's edition, checked; else "62" when present, else the only edition."""
    editions = ", ".join(sorted(available)) or "none"
    if sc.edition is not None:
        if sc.edition not in available:
            raise ScenarioCannotRun(
                f"scenario {sc.id}: no edition-{sc.edition} MRIO tables in {warehouse}; "
                f"editions there: {editions}"
            )
        return sc.edition
    if DEFAULT_EDITION in available:
        return DEFAULT_EDITION
    if len(available) == 1:
        return next(iter(available))
    if not available:
        raise ScenarioCannotRun(f"scenario {sc.id}: no MRIO tables in {warehouse}")
    raise ScenarioError(
        f"scenario {sc.id}: no `edition:` given and {warehouse} holds editions {editions} "
        f'(no "{DEFAULT_EDITION}"); add `edition:` naming one of them'
    )


def check_years(sc: Scenario, edition: str, present: set[int], warehouse: Path) -> None:
    """ScenarioCannotRun naming the years there when one of the scenario's years is missing."""
    missing = [y for y in sc.years if y not in present]
    if missing:
        raise ScenarioCannotRun(
            f"scenario {sc.id}: no edition-{edition} MRIO table for "
            f"{', '.join(map(str, missing))} in {warehouse}; years there: {year_spans(present)}"
        )


def check_codes(sc: Scenario, year: int, codes: dict[str, set[str]]) -> None:
    """ScenarioError when a target economy or sector is not in the year's table."""
    for key, wanted in (("economies", sc.economies), ("sectors", sc.sectors)):
        absent = [c for c in wanted if c not in codes[key]]
        if absent:
            raise ScenarioError(
                f"scenario {sc.id}: {key} {', '.join(absent)} not in the edition-{sc.edition} "
                f"table of {year}; {key} there: {', '.join(sorted(codes[key]))}"
            )


def resolve(scenarios: list[Scenario], warehouse: Path) -> list[Scenario]:
    """Every scenario with its edition resolved and its years and codes checked, before
    anything runs (so a bad scenario leaves no partial results)."""
    rows = _query(warehouse, "select edition, year from int_adb_mrio__tables where is_current")
    available: dict[str, set[int]] = {}
    for edition, year in rows:
        available.setdefault(str(edition), set()).add(int(year))
    out = []
    for sc in scenarios:
        edition = resolve_edition(sc, available, warehouse)
        check_years(sc, edition, available[edition], warehouse)
        sc = dataclasses.replace(sc, edition=edition)
        for year in sc.years:
            check_codes(sc, year, table_codes(warehouse, edition, year))
        out.append(sc)
    return out


_CURRENT = (
    "select edition, vintage, year, file_sha256, is_synthetic from int_adb_mrio__tables "
    "where is_current and edition = ? and year = ?"
)


def current_table(warehouse: Path, edition: str, year: int) -> tuple[TableKey, bool]:
    """The current (most recent) vintage of the (edition, year) table and whether it is
    the synthetic sample; ScenarioCannotRun when there is none."""
    rows = _query(warehouse, _CURRENT, [edition, year])
    if not rows:
        raise ScenarioCannotRun(f"no edition-{edition} MRIO table for {year} in {warehouse}")
    edition_, vintage, year_, sha, synthetic = rows[0]
    return TableKey(edition_, vintage, int(year_), sha), bool(synthetic)


def table_codes(warehouse: Path, edition: str, year: int) -> dict[str, set[str]]:
    """The economies and sectors of the current (edition, year) table."""
    key, _ = current_table(warehouse, edition, year)
    rows = _query(
        warehouse,
        "select distinct economy, sector from stg_adb_mrio__output where file_sha256 = ?",
        [key.file_sha256],
    )
    return {"economies": {r[0] for r in rows}, "sectors": {r[1] for r in rows}}


def table_task(warehouse: Path, key: TableKey) -> TableTask:
    """The table ``key`` (:func:`current_table`): its economies and ``[Z | F]`` block."""
    with connect(warehouse) as con:
        flows, output = con.table("stg_adb_mrio__flows"), con.table("stg_adb_mrio__output")
        return fetch_task(flows, output, key, {}, {})


def key_provenance(key: TableKey, synthetic: bool) -> Provenance:
    """Provenance of the table ``key``: its edition, year and vintage, synthetic or not."""
    detail = f"edition {key.edition}, {key.year}, vintage {key.vintage}"
    return Provenance((SourceProvenance("adb_mrio", synthetic, detail),))


def table_provenance(warehouse: Path, edition: str, year: int) -> Provenance:
    """Provenance of the current (edition, year) table: its vintage, synthetic or not."""
    return key_provenance(*current_table(warehouse, edition, year))


def panel_economy(warehouse: Path) -> str:
    """The economy of the published ICC/ICS panel (dbt var ``panel_economy``, PRC by default).

    Read from ``mart_icc_ics.economy`` of the warehouse, so the charts follow the var the
    warehouse was built with; a warehouse built before that column existed falls back to the
    var in the project's ``dbt_project.yml``.
    """
    with connect(warehouse) as con:
        try:
            rows = con.execute("select distinct economy from mart_icc_ics").fetchall()
        except duckdb.Error:
            rows = []
    if len(rows) == 1 and rows[0][0]:
        return str(rows[0][0])
    return str(dbt_vars(Paths.from_env().home)[PANEL_ECONOMY_VAR])
