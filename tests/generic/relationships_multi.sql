{% test relationships_multi(model, to, columns, to_columns=none) %}
-- rows whose composite key `columns` has no match on `to_columns` (default: the same names)
-- in `to`; rows with a null in the key are for not_null to judge
with

child as (

    select * from {{ model }}

),

parent as (

    select * from {{ to }}

)

select child.*
from child
where
    {% for column in columns -%}
    child.{{ column }} is not null and
    {% endfor -%}
    not exists (
        select 1
        from parent
        where
            {% for column in columns -%}
            {{ 'and ' if not loop.first }}child.{{ column }} = parent.{{ (to_columns or columns)[loop.index0] }}
            {% endfor %}
    )
{% endtest %}
