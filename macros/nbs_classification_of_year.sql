{% macro nbs_classification_of_year(year) -%}
    case
        when ({{ year }}) >= {{ var('nbs_gbt2011_first_year', 2012) }} then 'GB/T 4754-2011'
        when ({{ year }}) is not null then 'GB/T 4754-2002'
    end
{%- endmacro %}
