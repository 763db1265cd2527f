{% macro range_violated(
    column, min_value=none, max_value=none, inclusive=true, min_inclusive=none,
    max_inclusive=none
) -%}
    {#- true where `column` lies below `min_value` or above `max_value`, or on an excluded
        bound; false for null values and for a missing bound (none) -#}
    {%- set low = 'null' if min_value is none else min_value -%}
    {%- set high = 'null' if max_value is none else max_value -%}
    (
        coalesce({{ column }} < {{ low }}, false)
        or coalesce({{ column }} > {{ high }}, false)
        or (
            coalesce({{ column }} = {{ low }}, false)
            and not {{ [min_inclusive, inclusive] | reject('none') | first | lower }}
        )
        or (
            coalesce({{ column }} = {{ high }}, false)
            and not {{ [max_inclusive, inclusive] | reject('none') | first | lower }}
        )
    )
{%- endmacro %}
