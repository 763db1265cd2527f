-- GVC measures of the panel's economy (var `panel_economy`, China) and manufacturing
-- sectors (seed `adb_sectors.is_manufacturing`) in one MRIO edition, never mixed.
{#- `gvc` hands its settings to dbt in the environment: a changed value makes dbt reparse
    this file only, a changed --vars the whole project (analysis/dbt_runner.py) -#}
{%- set requested_edition = var("panel_edition") or env_var("GVC_PANEL_EDITION", "") %}
with

decomposition as (

    select * from {{ ref('int_gvc__decomposition') }}

),

sectors as (

    select * from {{ ref('adb_sectors') }}

),

editions as (

    select distinct edition from {{ ref('int_adb_mrio__tables') }}

),

panel_edition as (

    -- var `panel_edition` (or GVC_PANEL_EDITION), else 62 when landed, else the only one
    select
        case
            when '{{ requested_edition }}' != '' then '{{ requested_edition }}'
            when exists (
                select 1 from editions
                where edition = '62'
            ) then '62'
            when (select count(*) from editions) = 1 then (select edition from editions)
        end as edition

),

final as (

    select
        decomposition.economy,
        decomposition.sector,
        decomposition.year,
        decomposition.edition,
        decomposition.vintage,
        decomposition.file_sha256,
        decomposition.x,
        decomposition.exports,
        decomposition.icc,
        decomposition.ics,
        decomposition.gvcpt_f,
        decomposition.gvcpt_b,
        decomposition.gvc_position,
        decomposition.plv_gvc,
        decomposition.ply_gvc,
        decomposition.dvar,
        decomposition.dvar_dc,
        decomposition.dvar_local
    from decomposition
    inner join sectors
        on decomposition.sector = sectors.sector
    where
        decomposition.economy = '{{ var("panel_economy") }}'
        and decomposition.edition = (select panel_edition.edition from panel_edition)
        and sectors.is_manufacturing

)

select * from final
