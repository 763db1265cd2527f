-- One row per MRIO edition, economy, sector and year: supply-chain exposure indicators
-- computed from the same per-year Leontief factorisation as the GVC decomposition.
with

indicators as (

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
        indicators.edition,
        indicators.vintage,
        indicators.year,
        indicators.economy,
        indicators.sector,
        economies.economy_name,
        sectors.sector_name,
        economies.mrio72_index as economy_order,
        sectors.sector_index as sector_order,
        indicators.x,
        indicators.fir_direct,
        indicators.fir_total,
        indicators.hhi_sources,
        indicators.effective_suppliers,
        indicators.regional_share,
        columns('^exposure_'),
        indicators.upstreamness,
        indicators.downstreamness,
        indicators.criticality,
        indicators.criticality_share
    from indicators
    left join economies on indicators.economy = economies.economy
    left join sectors on indicators.sector = sectors.sector

)

select * from final
