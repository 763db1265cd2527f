-- NBS industry statistics aggregated from 2-digit NBS codes to ADB sectors c3..c16.
-- Levels are summed first (ratios and logs are formed in the mart); a sector-year-indicator
-- with any contributing code missing (printed as not available, or not printed at all: the
-- concordance says which codes a sector needs) is null rather than silently understated.
with

stats as (

    select * from {{ ref('stg_nbs__industry_stats') }}

),

concordance as (

    select * from {{ ref('nbs_adb_concordance') }}

),

expected as (

    -- every code the concordance maps, for each table-year-indicator the yearbooks print
    {{ nbs_expected_codes('stats', 'concordance') }}

),

mapped as (

    select
        expected.year,
        expected.adb_sector as sector,
        expected.classification,
        expected.indicator,
        count(*) as n_codes,
        count(stats.value) as n_reported,
        sum(stats.value) as value_sum

    from expected
    left join stats
        on
            expected.year = stats.year
            and expected.classification = stats.classification
            and expected.indicator = stats.indicator
            and expected.industry_code = stats.industry_code
    group by expected.year, expected.adb_sector, expected.classification, expected.indicator

),

levels as (

    select
        year,
        sector,
        classification,
        max(case when indicator = 'main_business_income' then value end)
            as main_business_income,
        max(case when indicator = 'rd_expenditure' then value end) as rd_expenditure,
        max(case when indicator = 'net_fixed_assets' then value end) as net_fixed_assets,
        max(case when indicator = 'total_assets' then value end) as total_assets,
        max(case when indicator = 'avg_employees' then value end) as avg_employees,
        max(case when indicator = 'patent_applications' then value end)
            as patent_applications,
        max(case when indicator = 'rd_personnel_fte' then value end) as rd_personnel_fte

    from (
        select
            year,
            sector,
            classification,
            indicator,
            case when n_reported = n_codes then value_sum end as value
        from mapped
    ) as complete_levels
    group by year, sector, classification

)

select * from levels
