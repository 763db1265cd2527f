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

    select * from {{ source('adb_mrio', 'output') }}
    where {{ landed_files_to_add(source('adb_mrio', 'files')) }}

),

renamed as (

    select
        -- keys
        cast(year as integer) as year,
        cast(edition as varchar) as edition,
        cast(vintage as varchar) as vintage,
        cast(economy as varchar) as economy,
        cast(sector as varchar) as sector,
        cast(pos as integer) as pos,

        -- measures: USD million, current prices
        cast(output_row as double) as output_row_usd_mn,
        cast(output_col as double) as output_col_usd_mn,

        -- lineage
        cast(source_file as varchar) as source_file,
        cast(file_sha256 as varchar) as file_sha256

    from source

)

select * from renamed
