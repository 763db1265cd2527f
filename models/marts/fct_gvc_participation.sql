-- One row per MRIO edition, economy, sector and year: the Wang-Wei-Yu-Zhu (2017)
-- production-based GVC decomposition, participation, production lengths, GVC position and
-- the export domestic value-added rate, as computed by analysis.mrio.gvc_indicators.
with

decomposition as (

    select * from {{ ref('int_gvc__decomposition') }}

),

economies as (

    select * from {{ ref('adb_economies') }}

),

sectors as (

    select * from {{ ref('adb_sectors') }}

),

final as (

    select
        decomposition.edition,
        decomposition.vintage,
        decomposition.year,
        decomposition.economy,
        decomposition.sector,
        economies.economy_name,
        sectors.sector_name,
        economies.mrio72_index as economy_order,
        sectors.sector_index as sector_order,
        decomposition.x,
        decomposition.va,
        decomposition.y,
        decomposition.exports,
        decomposition.v_d,
        decomposition.v_rt,
        decomposition.v_gvc_s,
        decomposition.v_gvc_c,
        decomposition.y_d,
        decomposition.y_rt,
        decomposition.y_gvc_s,
        decomposition.y_gvc_c,
        decomposition.gvcpt_f,
        decomposition.gvcpt_b,
        decomposition.icc,
        decomposition.plv_gvc,
        decomposition.ply_gvc,
        decomposition.gvc_position,
        decomposition.dva_wwz,
        decomposition.dvar,
        decomposition.dvar_dc,
        decomposition.dvar_local,
        decomposition.ics
    from decomposition
    left join economies on decomposition.economy = economies.economy
    left join sectors on decomposition.sector = sectors.sector

)

select * from final
