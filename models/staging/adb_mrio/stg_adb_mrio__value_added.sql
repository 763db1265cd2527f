-- Incremental by raw file, as stg_adb_mrio__flows (a build reads only the landed files this
-- table lacks; rows of files no longer landed under that name are deleted first).
{{
    config(
        materialized='append_incremental',
        pre_hook="{{ delete_files_no_longer_landed(source('adb_mrio', 'files')) }}"
    )
}}

with

source as (

    select * from {{ source('adb_mrio', 'value_added') }}
    where {{ landed_files_to_add(source('adb_mrio', 'files')) }}

),

renamed as (

    select
        -- keys
        cast(year as integer) as year,
        cast(edition as varchar) as edition,
        cast(vintage as varchar) as vintage,
        cast(row_code as varchar) as row_code,
        cast(col_economy as varchar) as to_economy,
        cast(col_code as varchar) as to_use,
        cast(col_pos as integer) as to_pos,

        -- attributes
        cast(row_label as varchar) as row_label,

        -- measures: USD million, current prices
        cast(value as double) as value_usd_mn,

        -- lineage
        cast(source_file as varchar) as source_file,
        cast(file_sha256 as varchar) as file_sha256

    from source

)

select * from renamed
