{% test reports_every_mapped_code(model, concordance) %}
-- codes the concordance maps to an ADB sector that a yearbook table does not print: one row
-- per (year, classification, indicator, missing code); the sector-year level of that
-- indicator is left null downstream rather than understated
with

stats as (

    -- `model` may be a filtered subquery with its own alias (a `where` config), which takes
    -- no second alias
    select * from {{ model }}

),

expected as (

    {{ nbs_expected_codes(model, concordance) }}

)

select expected.*
from expected
where not exists (
    select 1
    from stats
    where
        stats.year = expected.year
        and stats.indicator = expected.indicator
        and stats.classification = expected.classification
        and stats.industry_code = expected.industry_code
)
{% endtest %}
