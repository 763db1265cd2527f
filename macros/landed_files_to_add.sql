{#- The landed files a table built incrementally from `files_relation` still lacks: a
    condition on the landed rows. A landed file is identified by its content (file_sha256)
    and its name (source_file: the vintage and any named edition come from the name), so a
    renamed file is staged again under its new name. The condition names the files by
    `file_sha256 in (...)` first, which DuckDB prunes Parquet files and row groups on (their
    statistics), then by the pair. -#}
{% macro landed_file_key() -%}
    (file_sha256, source_file)
{%- endmacro %}

{#- `file_sha256 in ('...', ...)` with the SHA-256 strings quoted (DuckDB prunes Parquet files
    and table row groups on a list of constants). -#}
{% macro file_sha256_in(shas) -%}
    {%- set quoted = [] -%}
    {%- for sha in shas -%}
        {%- do quoted.append("'" ~ (sha | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    file_sha256 in ({{ quoted | join(', ') }})
{%- endmacro %}

{% macro landed_files_to_add(files_relation) -%}
    {%- if execute and is_incremental() -%}
        {%- set query -%}
            select file_sha256, source_file from {{ files_relation }}
            except
            select distinct file_sha256, source_file from {{ this }}
        {%- endset -%}
        {%- set missing = run_query(query).rows -%}
        {%- if missing | length == 0 -%}
            false
        {%- else -%}
            {{ file_sha256_in(missing | map(attribute=0) | list) }}
            and {{ landed_file_key() }} in (
                {%- for row in missing -%}
                    ('{{ row[0] | replace("'", "''") }}', '{{ row[1] | replace("'", "''") }}')
                    {{- ", " if not loop.last }}
                {%- endfor -%}
            )
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of those tables: delete the rows of files no longer landed under that name
    (nothing on a first build or a full refresh). -#}
{% macro delete_files_no_longer_landed(files_relation) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ landed_file_key() }} not in (
            select file_sha256, source_file from {{ files_relation }}
        )
    {%- endif -%}
{%- endmacro %}
