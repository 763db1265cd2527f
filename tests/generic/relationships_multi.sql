{% test relationships_multi(model, to, columns, to_columns) %}
-- rows whose composite key `columns` has no match on `to_columns` in `to`
select child.*
from {{ model }} as child
left join {{ to }} as parent
    on
    {%- for c in columns %}
        child.{{ c }} = parent.{{ to_columns[loop.index0] }}{% if not loop.last %} and{% endif %}
    {%- endfor %}
where parent.{{ to_columns[0] }} is null
{% endtest %}
