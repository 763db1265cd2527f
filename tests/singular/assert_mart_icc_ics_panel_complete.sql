-- The ICC/ICS panel is balanced and starts in the first panel year: every year from the
-- first panel year to the last has all 14 manufacturing sectors. Returns the offending years.
with

panel as (

    select * from {{ ref('mart_icc_ics') }}

),

per_year as (

    select
        year,
        count(distinct sector) as n_sectors
    from panel
    group by year

),

bounds as (

    select
        min(year) as first_year,
        max(year) as last_year,
        count(*) as n_years
    from per_year

)

select
    per_year.year,
    per_year.n_sectors,
    bounds.first_year,
    bounds.n_years
from per_year
cross join bounds
where
    per_year.n_sectors != 14
    or bounds.first_year != {{ var('panel_first_year') }}
    or bounds.n_years != bounds.last_year - bounds.first_year + 1
union all
select
    null as year,
    0 as n_sectors,
    null as first_year,
    0 as n_years
where not exists (select 1 from panel)
