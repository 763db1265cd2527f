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
        x,
        va,
        y,
        exports,
        v_d,
        v_rt,
        v_gvc_s,
        v_gvc_c,
        y_d,
        y_rt,
        y_gvc_s,
        y_gvc_c,
        gvcpt_f,
        gvcpt_b,
        icc,
        plv_gvc,
        ply_gvc,
        gvc_position,
        dva_wwz,
        dvar,
        dvar_dc,
        dvar_local,
        ics
    from decomposition
    left join economies on decomposition.economy = economies.economy
    left join sectors on decomposition.sector = sectors.sector

)

select * from final
