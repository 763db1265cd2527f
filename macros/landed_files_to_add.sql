{% macro landed_files_to_add(files_relation) -%}
    {%- if execute and is_incremental() -%}
        {%- set query -%}
            select file_sha256 from {{ files_relation }}
            except
            select distinct file_sha256 from {{ this }}
        {%- endset -%}
        {%- set missing = run_query(query).columns[0].values() -%}
        {%- if missing | length == 0 -%}
            false
        {%- else -%}
            file_sha256 in ('{{ missing | join("', '") }}')
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
