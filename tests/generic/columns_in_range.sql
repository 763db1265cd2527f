{% test columns_in_range(
    model, columns, min_value=none, max_value=none, inclusive=true,
    min_inclusive=none, max_inclusive=none
) %}
-- rows where any of `columns` breaks the range of accepted_range (same bounds and flags),
-- led by the names of the columns that break it there (`out_of_range_columns`)
{%- set conditions = {} -%}
{%- for column in columns -%}
    {%- do conditions.update({column: range_violated(
        column, min_value, max_value, inclusive, min_inclusive, max_inclusive
    )}) -%}
{%- endfor %}
{{ rows_naming_columns(model, conditions, 'out_of_range_columns') }}
{% endtest %}
