{% test expression_is_true(model, expression, column_name=none) %}
-- rows where the boolean `expression` is false or null; on a column, the expression is
-- appended to the column name (`expression: "between 2000 and 2035"`)
select *
from {{ model }}
where not coalesce(({{ column_name ~ ' ' if column_name }}{{ expression }}), false)
{% endtest %}
