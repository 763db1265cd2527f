{% test columns_not_null(model, columns) %}
-- rows with a null in any of `columns`, led by the names of the columns that are null there
{%- set conditions = {} -%}
{%- for column in columns -%}
    {%- do conditions.update({column: column ~ " is null"}) -%}
{%- endfor %}
{{ rows_naming_columns(model, conditions, 'null_columns') }}
{% endtest %}
