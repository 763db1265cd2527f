-- One row per China (PRC) manufacturing sector c3..c16 and year, 2008 to the last year with
-- complete MRIO, KOF and NBS data: GVC embeddedness (ICC), GVC status (ICS), the
-- anti-globalisation index, its industry-exposure-weighted variants, controls and mechanisms.
with

sectors as (

    select * from {{ ref('adb_sectors') }}

),

gvc as (

    select participation.*
    from {{ ref('fct_gvc_participation') }} as participation
    inner join sectors
        on participation.sector = sectors.sector
    where
        participation.economy = 'PRC'
        and sectors.is_manufacturing
        and participation.edition = '{{ var("panel_edition") }}'

),

kof as (

    select * from {{ ref('int_kof__anti_global') }}

),

nbs as (

    select * from {{ ref('int_nbs__mapped_to_adb') }}

),

base_year as (

    select
        sector,
        gvcpt_b as base_gvcpt_b,
        gvcpt_f as base_gvcpt_f,
        exports / x as base_export_intensity
    from gvc
    where year = {{ var("panel_first_year") }} - 1

),

nbs_growth as (

    select
        nbs.*,
        previous.patent_applications as patent_applications_lag1
    from nbs
    left join nbs as previous
        on
            nbs.sector = previous.sector
            and nbs.year - 1 = previous.year

),

complete_years as (

    -- a year enters the panel when all 14 sectors have MRIO results, NBS levels, and KOF
    select gvc.year
    from gvc
    inner join nbs_growth
        on
            gvc.sector = nbs_growth.sector
            and gvc.year = nbs_growth.year
    inner join kof
        on gvc.year = kof.year
    where
        gvc.year >= {{ var("panel_first_year") }}
        and nbs_growth.main_business_income is not null
        and nbs_growth.rd_expenditure is not null
        and nbs_growth.net_fixed_assets is not null
        and nbs_growth.total_assets is not null
        and nbs_growth.avg_employees is not null
        and nbs_growth.patent_applications is not null
        and nbs_growth.rd_personnel_fte is not null
        and kof.kofecgi is not null
    group by gvc.year
    having count(*) = 14

),

year_runs as (

    -- consecutive complete years share a run id
    select
        year,
        year - row_number() over (order by year) as run_id
    from complete_years

),

panel_years as (

    -- from the first complete year up to the first gap: the panel is contiguous
    select year_runs.year
    from year_runs
    where year_runs.run_id = (select min(first_run.run_id) from year_runs as first_run)

),

standardisation as (

    -- mean and sd of anti_global over the fixed standardisation window (var
    -- standardise_years), restricted to panel years
    select
        avg(kof.anti_global) as anti_global_mean,
        stddev_samp(kof.anti_global) as anti_global_sd
    from kof
    inner join panel_years
        on kof.year = panel_years.year
    where
        kof.year between {{ var('standardise_years')['first'] }}
        and {{ var('standardise_years')['last'] }}

),

kof_standardised as (

    select
        kof.year,
        kof.kof_vintage,
        kof.kofecgi,
        kof.kofecgi_lag1,
        kof.anti_global,
        kof.anti_global_lag1,
        (kof.anti_global - standardisation.anti_global_mean)
        / standardisation.anti_global_sd as anti_global_z,
        (kof.anti_global_lag1 - standardisation.anti_global_mean)
        / standardisation.anti_global_sd as anti_global_lag1_z
    from kof
    inner join panel_years
        on kof.year = panel_years.year
    cross join standardisation

),

panel as (

    select
        -- keys
        gvc.sector,
        gvc.year,

        -- GVC embeddedness and status (WWYZ 2017)
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

        -- anti-globalisation (KOF economic globalisation, China)
        kof_standardised.kofecgi,
        kof_standardised.anti_global,
        kof_standardised.anti_global_lag1,
        kof_standardised.anti_global_z,
        base_year.base_gvcpt_b,
        base_year.base_gvcpt_f,
        base_year.base_export_intensity,
        base_year.base_gvcpt_b * kof_standardised.anti_global_z as exposure,
        base_year.base_gvcpt_b * kof_standardised.anti_global_lag1_z as exposure_lag1,
        base_year.base_gvcpt_f * kof_standardised.anti_global_z as exposure_fwd,
        base_year.base_gvcpt_f * kof_standardised.anti_global_lag1_z as exposure_fwd_lag1,
        base_year.base_export_intensity * kof_standardised.anti_global_z as exposure_export,
        base_year.base_export_intensity * kof_standardised.anti_global_lag1_z
            as exposure_export_lag1,

        -- controls (NBS, aggregated to ADB sectors before ratios and logs)
        ln(nbs_growth.main_business_income) as size,
        ln({{ safe_divide('nbs_growth.rd_expenditure', 'nbs_growth.main_business_income') }})
            as rd,
        ln({{ safe_divide('nbs_growth.net_fixed_assets', 'nbs_growth.avg_employees') }}) as kl,

        -- mechanisms
        ln(nbs_growth.patent_applications) - ln(nbs_growth.patent_applications_lag1) as tech,
        case
            when nbs_growth.patent_applications > nbs_growth.patent_applications_lag1
                then ln(
                    (nbs_growth.patent_applications - nbs_growth.patent_applications_lag1)
                    / nbs_growth.patent_applications_lag1
                )
        end as tech_ln_growth,
        ln({{ safe_divide('nbs_growth.net_fixed_assets', 'nbs_growth.total_assets') }})
            as infina,
        ln(nbs_growth.rd_personnel_fte) as human,

        -- levels behind the ratios (NBS canonical units)
        nbs_growth.main_business_income,
        nbs_growth.rd_expenditure,
        nbs_growth.net_fixed_assets,
        nbs_growth.total_assets,
        nbs_growth.avg_employees,
        nbs_growth.patent_applications,
        nbs_growth.rd_personnel_fte,

        -- provenance
        nbs_growth.classification as nbs_classification,
        gvc.edition as mrio_edition,
        gvc.vintage as mrio_vintage,
        kof_standardised.kof_vintage

    from gvc
    inner join panel_years
        on gvc.year = panel_years.year
    inner join kof_standardised
        on gvc.year = kof_standardised.year
    inner join nbs_growth
        on
            gvc.sector = nbs_growth.sector
            and gvc.year = nbs_growth.year
    left join base_year
        on gvc.sector = base_year.sector

)

select * from panel
