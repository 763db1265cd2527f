{#- dbt's not_null, selecting the whole offending rows (dbt's selects only the tested column
    unless failures are stored), so the quality report names the keys of every row that
    fails, e.g. the sector and year of a null control in mart_icc_ics. -#}
{% macro default__test_not_null(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} is null

{% endmacro %}
