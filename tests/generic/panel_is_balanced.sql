{% test panel_is_balanced(model, entity, time, n_entities, first_time) %}
-- a balanced panel without gaps starting at `first_time`: returns the offending periods
-- (a period without `n_entities` distinct entities, a first period other than
-- `first_time`, a missing period) and one row when the panel is empty
with

per_time as (

    select
        {{ time }} as period,
        count(distinct {{ entity }}) as n_entities
    from {{ model }}
    group by all

),

bounds as (

    select
        min(period) as first_period,
        max(period) as last_period,
        count(*) as n_periods
    from per_time

)

select
    per_time.period,
    per_time.n_entities,
    bounds.first_period,
    bounds.n_periods
from per_time
cross join bounds
where
    per_time.n_entities != ({{ n_entities }})
    or bounds.first_period != ({{ first_time }})
    or bounds.n_periods != bounds.last_period - bounds.first_period + 1
union all
select
    null as period,
    0 as n_entities,
    null as first_period,
    0 as n_periods
where not exists (select 1 from {{ model }})
{% endtest %}
