-- noqa: disable=LT02
{% test relationships_multi(model, to, columns, to_columns) %}
{%- set conditions = [] -%}
{%- for c in columns -%}
{%- set _ = conditions.append('child.' ~ c ~ ' = parent.' ~ to_columns[loop.index0]) -%}
{%- endfor -%}

-- rows whose composite key `columns` has no match on `to_columns` in `to`
select child.*
from {{ model }} as child
where not exists (
    select 1
    from {{ to }} as parent
    where {{ conditions | join(' and ') }}
)
{% endtest %}
