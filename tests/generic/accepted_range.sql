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
    coalesce({{ column_name }} < {{ 'null' if min_value is none else min_value }}, false)
    or coalesce({{ column_name }} > {{ 'null' if max_value is none else max_value }}, false)
    or (
        coalesce({{ column_name }} = {{ 'null' if min_value is none else min_value }}, false)
        and not {{ [min_inclusive, inclusive] | reject('none') | first | lower }}
    )
    or (
        coalesce({{ column_name }} = {{ 'null' if max_value is none else max_value }}, false)
        and not {{ [max_inclusive, inclusive] | reject('none') | first | lower }}
    )
{% endtest %}
