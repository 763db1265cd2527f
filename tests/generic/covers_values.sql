{% test covers_values(model, column_name, values, group_by=none) %}
-- every value of `values` that does not occur in `column_name` (within every group of
-- `group_by`, when given): one row per missing (group, value)
with

expected as (

    {% for value in values -%}
    select '{{ value | string | replace("'", "''") }}' as expected_value
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

groups as (

    {% if group_by -%}
    select distinct {{ group_by }} as group_value
    from {{ model }}
    {%- else -%}
    select 'all rows' as group_value
    {%- endif %}

),

present as (

    select distinct
        {{ group_by if group_by else "'all rows'" }} as group_value,
        cast({{ column_name }} as varchar) as present_value
    from {{ model }}

)

select
    groups.group_value,
    expected.expected_value as missing_value
from groups
cross join expected
left join present
    on
        groups.group_value = present.group_value
        and expected.expected_value = present.present_value
where present.present_value is null
{% endtest %}
