{% test cells_satisfy(model, keys, columns, condition='isfinite(value)', nullable={}) %}
-- one row per offending cell, named by the row's `keys`, the column and its value: a cell of
-- `columns` fails where its condition on `value` is false (a list of columns shares
-- `condition`; a mapping gives each column its own), or where it is null unless the column's
-- `nullable` condition (SQL on the model's row; 'true': always) holds for the row
{%- set rules = {} %}
{%- if columns is mapping %}
    {%- do rules.update(columns) %}
{%- else %}
    {%- for column in columns %}
        {%- do rules.update({column: condition}) %}
    {%- endfor %}
{%- endif %}
with

cells as (

    {% for column, rule in rules.items() -%}
    select
        {% for key in keys -%}
        {{ key }},
        {% endfor -%}
        column_name,
        value
    from (
        select
            {% for key in keys -%}
            {{ key }},
            {% endfor -%}
            '{{ column }}' as column_name,
            cast({{ column }} as double) as value,
            coalesce(({{ nullable.get(column, 'false') }}), false) as may_be_null
        from {{ model }}
    ) as cell
    where
        case
            when value is null then not may_be_null
            else not coalesce(({{ rule }}), false)
        end
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

)

select * from cells
order by {{ keys | join(', ') }}, column_name
{% endtest %}
