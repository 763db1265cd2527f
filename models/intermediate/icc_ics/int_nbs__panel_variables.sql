-- Controls and mechanism variables of the panel from NBS levels aggregated to ADB sectors
-- (levels first, then ratios and logs; Liu, Liu and Han 2025): size, R&D intensity, capital
-- intensity, patent growth, asset structure, R&D personnel. Logs of levels or ratios that are
-- not positive are null (macro safe_ln), never -inf or NaN.
with

levels as (

    select * from {{ ref('int_nbs__mapped_to_adb') }}

),

with_lag as (

    select
        levels.*,
        previous.patent_applications as patent_applications_lag1
    from levels
    left join levels as previous
        on
            levels.sector = previous.sector
            and levels.year - 1 = previous.year

),

final as (

    select
        sector,
        year,
        classification,

        -- controls
        {{ safe_ln('main_business_income') }} as size,
        {{ safe_ln(safe_divide('rd_expenditure', 'main_business_income')) }} as rd,
        {{ safe_ln(safe_divide('net_fixed_assets', 'avg_employees')) }} as kl,

        -- mechanisms
        {{ safe_ln('patent_applications') }}
        - {{ safe_ln('patent_applications_lag1') }} as tech,
        {{ safe_ln(safe_divide(
            'patent_applications - patent_applications_lag1', 'patent_applications_lag1'
        )) }} as tech_ln_growth,
        {{ safe_ln(safe_divide('net_fixed_assets', 'total_assets')) }} as infina,
        {{ safe_ln('rd_personnel_fte') }} as human,

        -- levels behind the ratios (NBS canonical units)
        main_business_income,
        rd_expenditure,
        net_fixed_assets,
        total_assets,
        avg_employees,
        patent_applications,
        patent_applications_lag1,
        rd_personnel_fte,
        (
            main_business_income is not null
            and rd_expenditure is not null
            and net_fixed_assets is not null
            and total_assets is not null
            and avg_employees is not null
            and patent_applications is not null
            and rd_personnel_fte is not null
        ) as has_all_levels

    from with_lag

)

select * from final
