-- Incremental by raw file: a build reads only the landed files this table lacks (new, changed
-- or renamed raw files, identified by SHA-256 and name); rows of files no longer landed under
-- that name are deleted first.
{{
    config(
        materialized='append_incremental',
        pre_hook="{{ delete_files_no_longer_landed(source('adb_mrio', 'files')) }}"
    )
}}

with

source as (

    select * from {{ source('adb_mrio', 'flows') }}
    where {{ landed_files_to_add(source('adb_mrio', 'files')) }}

),

renamed as (

    select
        -- keys
        cast(year as integer) as year,
        cast(edition as varchar) as edition,
        cast(vintage as varchar) as vintage,
        cast(row_economy as varchar) as from_economy,
        cast(row_sector as varchar) as from_sector,
        cast(col_economy as varchar) as to_economy,
        cast(col_code as varchar) as to_use,

        -- positions in the table's matrices (economies in ADB order, seed adb_economies)
        cast(row_pos as integer) as from_pos,
        cast(col_pos as integer) as to_pos,

        -- measures: USD million, current prices
        cast(value as double) as flow_usd_mn,

        -- lineage
        cast(source_file as varchar) as source_file,
        cast(file_sha256 as varchar) as file_sha256

    from source

)

select * from renamed
