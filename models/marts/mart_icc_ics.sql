-- One row per China (PRC) manufacturing sector and year, 2008 to the last year with complete
-- MRIO, KOF and NBS data: GVC embeddedness (ICC) and status (ICS), the anti-globalisation
-- index and its exposure-weighted variants, controls, mechanisms and provenance.
with

gvc as (select * from {{ ref('int_icc_ics__gvc') }}),

panel_years as (select * from {{ ref('int_icc_ics__panel_years') }}),

kof as (select * from {{ ref('int_kof__standardised') }}),

exposures as (select * from {{ ref('int_icc_ics__exposures') }}),

nbs as (select * from {{ ref('int_nbs__panel_variables') }}),

provenance as (select * from {{ ref('int_icc_ics__provenance') }}),

sectors as (select * from {{ ref('adb_sectors') }}),

final as (

    select
        gvc.sector,
        gvc.year,
        gvc.economy,
        sectors.sector_name,
        sectors.sector_short_name,
        sectors.sector_index as sector_order,
        gvc.icc,
        gvc.ics,
        gvc.gvcpt_f,
        gvc.gvcpt_b,
        gvc.gvc_position,
        gvc.plv_gvc,
        gvc.ply_gvc,
        gvc.dvar,
        gvc.dvar_dc,
        gvc.dvar_local,
        kof.kofecgi,
        kof.anti_global,
        kof.anti_global_lag1,
        kof.anti_global_z,
        kof.standardise_first_year,
        kof.standardise_last_year,
        exposures.base_gvcpt_b,
        exposures.base_gvcpt_f,
        exposures.base_export_intensity,
        exposures.exposure,
        exposures.exposure_lag1,
        exposures.exposure_fwd,
        exposures.exposure_fwd_lag1,
        exposures.exposure_export,
        exposures.exposure_export_lag1,
        nbs.size,
        nbs.rd,
        nbs.kl,
        nbs.tech,
        nbs.tech_ln_growth,
        nbs.infina,
        nbs.human,
        nbs.main_business_income,
        nbs.rd_expenditure,
        nbs.net_fixed_assets,
        nbs.total_assets,
        nbs.avg_employees,
        nbs.patent_applications,
        nbs.patent_applications_lag1,
        nbs.rd_personnel_fte,
        provenance.nbs_classification,
        provenance.mrio_edition,
        provenance.mrio_vintage,
        provenance.mrio_synthetic,
        provenance.kof_vintage,
        provenance.kof_synthetic,
        provenance.nbs_synthetic
    from gvc
    inner join panel_years on gvc.year = panel_years.year
    inner join kof on gvc.year = kof.year
    left join exposures
        on gvc.sector = exposures.sector and gvc.year = exposures.year
    inner join nbs on gvc.sector = nbs.sector and gvc.year = nbs.year
    inner join provenance on gvc.year = provenance.year
    inner join sectors on gvc.sector = sectors.sector

)

select * from final
