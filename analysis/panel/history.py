"""``estimates_history``: every estimation run appended to warehouse/history.duckdb.

One row per run, table, column and term. ``table_id`` ("table2"), ``column_number`` (the
table's column, 1-based) and ``design`` ("paper", "exposure", "trend") say where a row is
printed; ``specification`` ("table3:icc:exposure") is unique within a run. Histories written
by earlier versions gain the new columns on the next append; their rows keep their values
(``specification`` as written then, e.g. "icc:exposure" in both Tables 2 and 3) and the new
columns are back-filled where the old rows determine them: table, column and design from the
old layout (Table 3 is the lagged copy of Table 2, written after it in the same run),
``cluster`` from the inference label, ``bootstrap_draws`` 0 where no bootstrap p was written.
The rest stays NULL (``bootstrap_draws`` of old bootstrap rows, ``df_inference``,
``provenance``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.history import append_rows
from analysis.panel.spec import MECHANISMS, TABLE_LAYOUT

CREATE = """
create table if not exists estimates_history (
    run_id varchar, run_time timestamp, specification varchar, dependent varchar,
    term varchar, coefficient double, std_error double, t_stat double, p_value double,
    boot_p_value double, absorbed boolean, nobs integer, r2_within double, cov varchar,
    effects varchar, data_fingerprint varchar, synthetic boolean
);
"""
#: Columns added later: histories written by earlier versions gain them (NULL before).
ADDED = (
    ("cv3_std_error", "double"),
    ("cv3_p_value", "double"),
    ("inference", "varchar"),
    ("table_id", "varchar"),
    ("column_number", "integer"),
    ("design", "varchar"),
    ("cluster", "varchar"),
    ("df_inference", "integer"),
    ("bootstrap_draws", "integer"),
    ("provenance", "varchar"),
)


def _layout_values() -> str:
    """The tables' (table_id, dependent, design, column_number) as a SQL ``values`` list."""
    rows = []
    for table, (dependents, designs, _lag) in TABLE_LAYOUT.items():
        cells = [(y, d) for y in dependents for d in designs]
        rows += [f"('{table}', '{y}', '{d}', {k})" for k, (y, d) in enumerate(cells, 1)]
    return ",\n        ".join(rows)


def _backfill() -> str:
    """Update the rows of earlier versions (specification 'icc:exposure', no table_id)."""
    mechanisms = ", ".join(f"'{m}'" for m in MECHANISMS)
    return f"""
with old as (
    select
        rowid as row_key,
        dependent,
        split_part(specification, ':', 2) as design,
        case
            when dependent in ({mechanisms}) then 'table4'
            when term like '%\\_lag1' escape '\\' then 'table3'
            when row_number() over (
                partition by run_id, specification, term order by rowid
            ) > 1 then 'table3'
            else 'table2'
        end as table_id
    from estimates_history
    where table_id is null and specification not like 'table%'
),
layout (table_id, dependent, design, column_number) as (
    values
        {_layout_values()}
)
update estimates_history as h
set
    table_id = old.table_id,
    design = old.design,
    column_number = layout.column_number,
    cluster = case h.inference
        when 'clustered by industry' then 'entity'
        when 'clustered by industry and year' then 'both'
    end,
    bootstrap_draws = case when h.boot_p_value is null then 0 end
from old
left join layout using (table_id, dependent, design)
where h.rowid = old.row_key;
"""


DDL = (
    CREATE
    + "".join(
        f"alter table estimates_history add column if not exists {name} {kind};\n"
        for name, kind in ADDED
    )
    + _backfill()
)


def append_history(path: Path, rows: pd.DataFrame) -> None:
    """Append one estimation run (one row per table, column and term)."""
    append_rows(path, "estimates_history", DDL, rows)
