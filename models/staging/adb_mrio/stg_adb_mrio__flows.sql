with

source as (

    select * from {{ source('adb_mrio', 'flows') }}

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

        -- measures: USD million, current prices
        cast(value as double) as flow_usd_mn,

        -- lineage
        cast(source_file as varchar) as source_file

    from source

)

select * from renamed
