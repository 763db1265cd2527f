-- One row per MRIO edition, economy, sector and year: supply-chain exposure indicators
-- computed from the same per-year Leontief factorisation as the GVC decomposition.
with

indicators as (

    select * from {{ ref('int_gvc__decomposition') }}

),

final as (

    select
        edition,
        vintage,
        year,
        economy,
        sector,
        x,
        fir_direct,
        fir_total,
        hhi_sources,
        effective_suppliers,
        regional_share,
        columns('^exposure_'),
        upstreamness,
        downstreamness,
        criticality,
        criticality_share
    from indicators

)

select * from final
