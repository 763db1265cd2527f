-- The anti-globalisation index of the panel years standardised with the mean and sample sd
-- of the panel years within var `standardise_years` (2008-2018, fixed so that a new year does
-- not rescale the earlier ones); the lag uses the same mean and sd (one scale for both). The
-- first and last year used go with every row: z has mean 0 and sd 1 over those years only.
with

kof as (

    select * from {{ ref('int_kof__anti_global') }}

),

panel_years as (

    select * from {{ ref('int_icc_ics__panel_years') }}

),

in_panel as (

    select kof.*
    from kof
    inner join panel_years
        on kof.year = panel_years.year

),

moments as (

    select
        avg(anti_global) as anti_global_mean,
        stddev_samp(anti_global) as anti_global_sd,
        min(year) as standardise_first_year,
        max(year) as standardise_last_year
    from in_panel
    where
        year between {{ var('standardise_years')['first'] }}
        and {{ var('standardise_years')['last'] }}

),

final as (

    select
        in_panel.year,
        in_panel.kof_vintage,
        in_panel.kofecgi,
        in_panel.kofecgi_lag1,
        in_panel.anti_global,
        in_panel.anti_global_lag1,
        (in_panel.anti_global - moments.anti_global_mean)
        / moments.anti_global_sd as anti_global_z,
        (in_panel.anti_global_lag1 - moments.anti_global_mean)
        / moments.anti_global_sd as anti_global_lag1_z,
        moments.standardise_first_year,
        moments.standardise_last_year
    from in_panel
    cross join moments

)

select * from final
