with

source as (

    select * from {{ source('nbs', 'industry_stats') }}

),

renamed as (

    select
        -- keys
        cast(year as integer) as year,
        cast(classification as varchar) as classification,
        cast(industry_code as varchar) as industry_code,
        cast(indicator as varchar) as indicator,

        -- attributes
        cast(industry_name as varchar) as industry_name,
        cast(table_name as varchar) as table_name,

        -- measures: canonical units (money 100 million yuan, persons and person-years
        -- 10,000, patents pieces)
        cast(value as double) as value,
        cast(unit as varchar) as unit,
        cast(source_unit as varchar) as source_unit,

        -- lineage
        cast(source_file as varchar) as source_file

    from source

)

select * from renamed
