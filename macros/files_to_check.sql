{#- Tests of a model built incrementally by raw file check only the files this build adds.

    `gvc build` starts a candidate from a copy of the published warehouse when the project
    (models, tests, seeds, macros, the Python package) is unchanged; it then writes the files
    already staged there, all checked by these same tests when they were published, into the
    candidate's table `gvc_checked_files` (file_sha256, source_file), and drops that table
    again after dbt (analysis/publish.py). Without the table (a first build, a changed
    project, `dbt build` or `dbt test` run by hand, `gvc check`) every row is checked.

    var `tests_check_new_files` maps each such model to the relation listing its landed files
    (one row per file: file_sha256, source_file); the files to check are those not in
    gvc_checked_files.
    Every row of a model holds a landed file: its pre-hook deletes the others. -#}
{% macro files_to_check(model_name) -%}
    {%- set checked = adapter.get_relation(
        database=target.database, schema=target.schema, identifier='gvc_checked_files'
    ) if execute else none -%}
    {%- if checked is none -%}
        true
    {%- else -%}
        {%- set files = adapter.get_relation(
            database=target.database, schema=target.schema,
            identifier=var('tests_check_new_files')[model_name]
        ) -%}
        {%- set new = run_query(
            'select distinct file_sha256 from (select file_sha256, source_file from ' ~ files
            ~ ' except select file_sha256, source_file from ' ~ checked ~ ') order by 1'
        ).columns[0].values() -%}
        {#- rows named by content (a renamed file's old name is deleted, and two names of the
            same bytes are checked both): DuckDB skips the row groups of other files on
            `file_sha256 in (...)` -#}
        {{ file_sha256_in(new) if new | length else 'false' }}
    {%- endif -%}
{%- endmacro %}

{#- dbt's `where` filter of a test's model (dbt's default__get_where_subquery), plus
    files_to_check() in the tests of severity error of the models in var
    `tests_check_new_files`. Warnings still look at every file: the quality report lists
    every economy-sector they concern. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append('(' ~ config.get('where') ~ ')') -%}
    {%- endif -%}
    {%- set blocking = (config.get('severity') or 'error') | lower == 'error' -%}
    {%- if blocking and relation.identifier in var('tests_check_new_files') -%}
        {%- set new_files = files_to_check(relation.identifier) | trim -%}
        {%- if new_files != 'true' -%}
            {%- do conditions.append(new_files_mark(relation.identifier) ~ ' ' ~ new_files) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{%- macro new_files_mark(model_name) -%}
    /* files new to the build: {{ model_name }} */
{%- endmacro %}

{#- The files_to_check() condition default__get_where_subquery put on `model`, the model a
    generic test received (found by its mark), else `true`: a test that compares the model
    with another relation narrows that one alike (flows_cover_table_grid). -#}
{% macro files_checked_in(model) -%}
    {%- for name in var('tests_check_new_files') -%}
        {%- if new_files_mark(name) in (model | string) -%}
            {%- do return(files_to_check(name) | trim) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return('true') -%}
{%- endmacro %}
