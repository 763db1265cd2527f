with

source as (

    select * from {{ source('nbs', 'files') }}

),

renamed as (

    select
        -- keys
        cast(source_file as varchar) as source_file,
        cast(file_sha256 as varchar) as file_sha256,

        -- what the file is
        cast(year as integer) as year,
        cast(table_name as varchar) as table_name,
        cast(classification as varchar) as classification,
        cast(synthetic as boolean) as is_synthetic,
        cast(title as varchar) as title

    from source

)

select * from renamed
