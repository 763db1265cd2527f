-- The panel's years: the first run of consecutive complete years from var `panel_first_year`
-- on, up to the first gap (a run that starts later, because `panel_first_year` is incomplete,
-- is taken as it is; the mart's test mart_icc_ics_panel_complete then blocks publication). A
-- year is complete when every manufacturing sector (seed `adb_sectors`) has a row in
-- int_icc_ics__gvc and all seven NBS levels of that year, and China's KOFEcGI of the year is
-- published in the latest KOF release. Lags and base-year shares are not required here.
with

gvc as (

    select * from {{ ref('int_icc_ics__gvc') }}

),

nbs as (

    select * from {{ ref('int_nbs__panel_variables') }}

),

kof as (

    select * from {{ ref('int_kof__anti_global') }}

),

sector_count as (

    select count(*) as sectors
    from {{ ref('adb_sectors') }}
    where is_manufacturing

),

complete_years as (

    select gvc.year
    from gvc
    inner join nbs
        on
            gvc.sector = nbs.sector
            and gvc.year = nbs.year
    inner join kof
        on gvc.year = kof.year
    where
        gvc.year >= {{ var("panel_first_year") }}
        and nbs.has_all_levels
        and kof.kofecgi is not null
    group by gvc.year
    having count(*) = (select sector_count.sectors from sector_count)

),

year_runs as (

    -- consecutive complete years share a run id
    select
        year,
        year - row_number() over (order by year) as run_id
    from complete_years

),

final as (

    select year_runs.year
    from year_runs
    where year_runs.run_id = (select min(first_run.run_id) from year_runs as first_run)

)

select * from final
