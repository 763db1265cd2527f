{% test expression_is_true_per_group(model, expression, group_by=[]) %}
-- groups of `group_by` (the whole table when empty) where the aggregate boolean
-- `expression` is false or null
select
    {% for column in group_by -%}
    {{ column }},
    {% endfor -%}
    count(*) as n_rows
from {{ model }}
{% if group_by -%}
group by {{ group_by | join(', ') }}
{% endif -%}
having not coalesce(({{ expression }}), false)
{% endtest %}
