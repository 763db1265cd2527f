with

source as (

    select * from {{ source('kof', 'files') }}

),

renamed as (

    select
        -- keys
        cast(source_file as varchar) as source_file,
        cast(file_sha256 as varchar) as file_sha256,

        -- what the file is
        cast(vintage as integer) as vintage,
        cast(synthetic as boolean) as is_synthetic,
        cast(title as varchar) as title

    from source

)

select * from renamed
