-- The identified regressors: exposure = s_i x z(anti_global_t), s_i a sector's 2007
-- backward participation (headline), forward participation or export intensity; the lags
-- use z(anti_global_{t-1}) on the same scale.
with

shares as (

    select * from {{ ref('int_icc_ics__base_shares') }}

),

kof as (

    select * from {{ ref('int_kof__standardised') }}

),

final as (

    select
        shares.sector,
        kof.year,
        shares.base_gvcpt_b,
        shares.base_gvcpt_f,
        shares.base_export_intensity,
        shares.base_gvcpt_b * kof.anti_global_z as exposure,
        shares.base_gvcpt_b * kof.anti_global_lag1_z as exposure_lag1,
        shares.base_gvcpt_f * kof.anti_global_z as exposure_fwd,
        shares.base_gvcpt_f * kof.anti_global_lag1_z as exposure_fwd_lag1,
        shares.base_export_intensity * kof.anti_global_z as exposure_export,
        shares.base_export_intensity * kof.anti_global_lag1_z as exposure_export_lag1
    from shares
    cross join kof

)

select * from final
