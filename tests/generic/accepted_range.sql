{% test accepted_range(
    model, column_name, min_value=none, max_value=none, inclusive=true,
    min_inclusive=none, max_inclusive=none
) %}
-- rows whose value lies below `min_value` or above `max_value`, or on an excluded bound;
-- null values pass, a missing bound (null) is never violated; `min_inclusive` and
-- `max_inclusive` override `inclusive` for one bound
select *
from {{ model }}
where
    {{ range_violated(
        column_name, min_value, max_value, inclusive, min_inclusive, max_inclusive
    ) }}
{% endtest %}
