-- The accounts of every ADB-MRIO table, per economy-sector: the row (intermediate sales and
-- final demand) against the ToT column, the column (intermediate inputs and the six
-- value-added rows r99, r61..r64, trs: every row but r60) against the r69 row, and the two
-- totals against each other; value added x - colsum(Z), the column sum of input
-- coefficients, whether the table is published in whole numbers (rounded totals cannot
-- balance to 1e-6), and the row's negative final-demand cells (real tables have them:
-- disposals exceeding purchases of fixed capital, falling inventories; a warning lists
-- them here, per economy-sector, so that no build scans every staged flow for them).
-- Incremental by raw file, as stg_adb_mrio__flows: a build sums the flows
-- of the landed files this table lacks only; rows of files no longer landed under that name
-- are deleted first.
{{
    config(
        materialized='append_incremental',
        pre_hook="{{ delete_files_no_longer_landed(ref('stg_adb_mrio__files')) }}"
    )
}}

{#- the landed files this table lacks: one query, one condition for its three inputs -#}
{%- set new_files = landed_files_to_add(ref('stg_adb_mrio__files')) %}

with

output as (

    select * from {{ ref('stg_adb_mrio__output') }}
    where {{ new_files }}

),

flows as (

    select * from {{ ref('stg_adb_mrio__flows') }}
    where {{ new_files }}

),

row_sums as (

    select
        file_sha256,
        from_pos as pos,
        sum(flow_usd_mn) as row_sum,
        count(*) as row_cells
    from flows
    group by all

),

column_inputs as (

    select
        file_sha256,
        to_pos as pos,
        sum(flow_usd_mn) as intermediate_inputs
    from flows
    where to_use like 'c%'
    group by all

),

primary_inputs as (

    select
        file_sha256,
        to_pos as pos,
        sum(value_usd_mn) as primary_inputs
    from {{ ref('stg_adb_mrio__value_added') }}
    where
        row_code != 'r60' and to_use like 'c%'
        and {{ new_files }}
    group by all

),

negative_final_demand as (

    -- a filter on the value first: the string test then runs on the few negative cells
    select
        file_sha256,
        from_pos as pos,
        count(*) as negative_final_demand_cells,
        sum(flow_usd_mn) as negative_final_demand_usd_mn,
        string_agg(distinct to_use, ', ' order by to_use) as negative_final_demand_uses
    from flows
    where flow_usd_mn < 0 and starts_with(to_use, 'F')
    group by all

),

rounding as (

    select
        file_sha256,
        bool_and(
            output_row_usd_mn = round(output_row_usd_mn)
            and output_col_usd_mn = round(output_col_usd_mn)
        ) as is_rounded_table
    from output
    group by all

),

final as (

    select
        output.edition,
        output.year,
        output.vintage,
        output.economy,
        output.sector,
        output.file_sha256,
        output.output_row_usd_mn,
        output.output_col_usd_mn,
        row_sums.row_sum,
        column_inputs.intermediate_inputs,
        primary_inputs.primary_inputs,
        row_sums.row_sum - column_inputs.intermediate_inputs as va_usd_mn,
        {{ safe_divide('column_inputs.intermediate_inputs', 'row_sums.row_sum') }}
            as input_coefficient_sum,
        abs(output.output_row_usd_mn - output.output_col_usd_mn)
        / greatest(abs(output.output_row_usd_mn), abs(output.output_col_usd_mn), 1)
            as rel_total_gap,
        abs(row_sums.row_sum - output.output_row_usd_mn)
        / greatest(abs(output.output_row_usd_mn), 1) as rel_row_gap,
        abs(
            column_inputs.intermediate_inputs + primary_inputs.primary_inputs
            - output.output_col_usd_mn
        )
        / greatest(abs(output.output_col_usd_mn), 1) as rel_column_gap,
        -- a whole-number table: each summed cell may be off by 0.5 from its exact value
        0.5 * (row_sums.row_cells + 1) as rounding_bound,
        rounding.is_rounded_table,
        coalesce(negative_final_demand.negative_final_demand_cells, 0)
            as negative_final_demand_cells,
        coalesce(negative_final_demand.negative_final_demand_usd_mn, 0)
            as negative_final_demand_usd_mn,
        negative_final_demand.negative_final_demand_uses,
        output.source_file
    from output
    inner join row_sums
        on output.file_sha256 = row_sums.file_sha256 and output.pos = row_sums.pos
    inner join column_inputs
        on output.file_sha256 = column_inputs.file_sha256 and output.pos = column_inputs.pos
    inner join primary_inputs
        on output.file_sha256 = primary_inputs.file_sha256 and output.pos = primary_inputs.pos
    inner join rounding on output.file_sha256 = rounding.file_sha256
    left join negative_final_demand
        on
            output.file_sha256 = negative_final_demand.file_sha256
            and output.pos = negative_final_demand.pos

)

select * from final
