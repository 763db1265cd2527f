{% test expression_is_true(model, expression, column_name=none) %}
-- rows where the boolean `expression` is false or null
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
