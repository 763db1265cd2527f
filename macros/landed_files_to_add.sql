{#- The landed files a table built incrementally from `files_relation` still lacks: a
    condition on the landed rows. A landed file is identified by its content (file_sha256)
    and its name (source_file: the vintage and any named edition come from the name), so a
    renamed file is staged again under its new name. -#}
{% macro landed_file_key() -%}
    file_sha256 || '/' || source_file
{%- endmacro %}

{% macro landed_files_to_add(files_relation) -%}
    {%- if execute and is_incremental() -%}
        {%- set query -%}
            select {{ landed_file_key() }} from {{ files_relation }}
            except
            select distinct {{ landed_file_key() }} from {{ this }}
        {%- endset -%}
        {%- set missing = run_query(query).columns[0].values() -%}
        {%- if missing | length == 0 -%}
            false
        {%- else -%}
            {{ landed_file_key() }} in (
                {%- for key in missing -%}
                    '{{ key | replace("'", "''") }}'{{ ", " if not loop.last }}
                {%- endfor -%}
            )
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
