{% test columns_not_null(model, columns) %}
-- rows with a null in any of `columns`, led by the names of the columns that are null there
{%- set named = [] -%}
{%- set conditions = [] -%}
{%- for column in columns -%}
    {%- do named.append("case when " ~ column ~ " is null then '" ~ column ~ "' end") -%}
    {%- do conditions.append(column ~ " is null") -%}
{%- endfor %}
select
    concat_ws(', ', {{ named | join(', ') }}) as null_columns,
    *
from {{ model }}
where {{ conditions | join(' or ') }}
{% endtest %}
