{% macro safe_ln(value) -%}
    case when ({{ value }}) > 0 and isfinite({{ value }}) then ln({{ value }}) end
{%- endmacro %}
