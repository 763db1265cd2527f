{% test flows_cover_table_grid(model, output) %}
-- MRIO tables (raw files) whose flows do not hold every cell exactly once: each row position
-- of the table (`output`: one row per economy-sector, with its economy and sector) carries
-- those labels and every column position 0 .. n + K G - 1 (n row positions, G economies,
-- K = var `fd_categories` final-demand columns each); a position with two labels fails too.
-- Distinct columns are counted with a bitstring per row (bitstring_agg over the column range,
-- a few hundred bytes a row) rather than count(distinct), whose hash sets held every cell of
-- every table at once (gigabytes at full size).
{%- set bounds = [0, 0] -%}
{%- if execute -%}
    {%- set found = run_query(
        "select coalesce(min(to_pos), 0), coalesce(max(to_pos), 0) from " ~ model
    ) -%}
    {%- set bounds = [found.columns[0].values()[0], found.columns[1].values()[0]] -%}
{%- endif %}
with

by_row as (

    select
        file_sha256,
        from_pos,
        from_economy,
        from_sector,
        count(*) as cells,
        bit_count(bitstring_agg(to_pos, {{ bounds[0] }}, {{ bounds[1] }})) as distinct_cols,
        min(to_pos) as first_col,
        max(to_pos) as last_col
    from {{ model }}
    group by all

),

expected as (

    select
        file_sha256,
        pos as from_pos,
        economy as from_economy,
        sector as from_sector,
        count(*) over (partition by file_sha256)
        + {{ var('fd_categories') }}
        * count(distinct economy) over (partition by file_sha256) as n_cols
    from {{ output }}
    -- the tables whose flows are checked: all, or those new to the build when the flows are
    -- (macros/files_to_check.sql)
    where {{ files_checked_in(model) }}

)

select
    coalesce(expected.file_sha256, by_row.file_sha256) as file_sha256,
    coalesce(expected.from_pos, by_row.from_pos) as from_pos,
    coalesce(expected.from_economy, by_row.from_economy) as from_economy,
    coalesce(expected.from_sector, by_row.from_sector) as from_sector,
    by_row.cells,
    by_row.distinct_cols,
    expected.n_cols
from expected
full outer join by_row
    on
        expected.file_sha256 = by_row.file_sha256
        and expected.from_pos = by_row.from_pos
        and expected.from_economy = by_row.from_economy
        and expected.from_sector = by_row.from_sector
where
    by_row.from_pos is null
    or expected.from_pos is null
    or by_row.cells != expected.n_cols
    or by_row.distinct_cols != expected.n_cols
    or by_row.first_col != 0
    or by_row.last_col != expected.n_cols - 1
{% endtest %}
