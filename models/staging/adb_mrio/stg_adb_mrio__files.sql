with

source as (

    select * from {{ source('adb_mrio', 'files') }}

),

renamed as (

    select
        -- keys
        cast(source_file as varchar) as source_file,
        cast(file_sha256 as varchar) as file_sha256,

        -- what the file is
        cast(year as integer) as year,
        cast(edition as varchar) as edition,
        cast(edition_named as boolean) as edition_named,
        cast(vintage as varchar) as vintage,
        cast(vintage_order as integer) as vintage_order,
        cast(economies as integer) as economies,
        cast(synthetic as boolean) as is_synthetic,
        cast(title as varchar) as title

    from source

)

select * from renamed
