{% macro rows_naming_columns(model, conditions, label) -%}
    {#- the rows of `model` where the condition of any column holds (`conditions`: column ->
        SQL condition), led by `label`: the names of those columns, comma-separated -#}
    {%- set named = [] -%}
    {%- for column, condition in conditions.items() -%}
        {%- do named.append("case when " ~ condition ~ " then '" ~ column ~ "' end") -%}
    {%- endfor %}
select
    concat_ws(', ', {{ named | join(', ') }}) as {{ label }},
    *
from {{ model }}
where {{ conditions.values() | join(' or ') }}
{%- endmacro %}
