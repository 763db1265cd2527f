{#- dbt's is_incremental(), true in `append_incremental` models too
    (macros/materializations/append_incremental.sql): the table exists, is a table, the
    model builds incrementally, and no --full-refresh was asked for. -#}
{% macro is_incremental() -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.table) -%}
    {{ return(
        relation is not none
        and relation.type == 'table'
        and model.config.materialized in ('incremental', 'append_incremental')
        and not should_full_refresh()
    ) }}
{%- endmacro %}
