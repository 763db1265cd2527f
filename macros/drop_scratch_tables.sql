{#- Post-hook of incremental Python models: drop the scratch tables dbt-duckdb leaves beside
    them (`<model>__dbt_tmp<timestamp>`: its incremental materialisation writes a Python
    model's new rows to a real table, not a temporary one, and does not drop it), so a
    published warehouse holds the project's tables only. -#}
{% macro drop_scratch_tables() -%}
    {%- set statements = [] -%}
    {%- if execute -%}
        {%- set found = run_query(
            "select table_name from information_schema.tables where table_schema = '"
            ~ this.schema ~ "' and starts_with(table_name, '" ~ this.identifier ~ "__dbt_tmp')"
        ) -%}
        {%- for row in found.rows -%}
            {%- do statements.append(
                'drop table if exists ' ~ this.incorporate(path={'identifier': row[0]})
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ statements | join('; ') if statements else 'select 1' }}
{%- endmacro %}
