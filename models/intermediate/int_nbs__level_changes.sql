-- NBS levels by ADB sector and indicator with their year-over-year ratio (unit checks); a
-- level of 0 has no ratio (it is not a unit mix-up: int_nbs__panel_variables warns of it).
with

levels as (

    select * from {{ ref('int_nbs__mapped_to_adb') }}

),

long as (

    unpivot levels
    on
    main_business_income,
    rd_expenditure,
    net_fixed_assets,
    total_assets,
    avg_employees,
    patent_applications,
    rd_personnel_fte
    into name indicator value value

),

final as (

    select
        current_year.year,
        current_year.sector,
        current_year.indicator,
        current_year.value,
        {{ safe_divide('nullif(current_year.value, 0)', 'previous_year.value') }} as yoy_ratio
    from long as current_year
    left join long as previous_year
        on
            current_year.sector = previous_year.sector
            and current_year.indicator = previous_year.indicator
            and current_year.year - 1 = previous_year.year

)

select * from final
