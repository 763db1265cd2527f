with

source as (

    select * from {{ source('kof', 'kof_index') }}

),

renamed as (

    select
        -- keys
        cast(vintage as integer) as vintage,
        cast(code as varchar) as economy_iso3,
        cast(year as integer) as year,

        -- attributes
        cast(country as varchar) as economy_name,

        -- KOF Globalisation Index, 1-100 (null = not published); df de facto, dj de jure
        cast(kofgi as double) as kofgi,
        cast(kofgidf as double) as kofgidf,
        cast(kofgidj as double) as kofgidj,
        cast(kofecgi as double) as kofecgi,
        cast(kofecgidf as double) as kofecgidf,
        cast(kofecgidj as double) as kofecgidj,
        cast(koftrgi as double) as koftrgi,
        cast(koftrgidf as double) as koftrgidf,
        cast(koftrgidj as double) as koftrgidj,
        cast(koffigi as double) as koffigi,
        cast(koffigidf as double) as koffigidf,
        cast(koffigidj as double) as koffigidj,
        cast(kofsogi as double) as kofsogi,
        cast(kofsogidf as double) as kofsogidf,
        cast(kofsogidj as double) as kofsogidj,
        cast(kofipgi as double) as kofipgi,
        cast(kofipgidf as double) as kofipgidf,
        cast(kofipgidj as double) as kofipgidj,
        cast(kofingi as double) as kofingi,
        cast(kofingidf as double) as kofingidf,
        cast(kofingidj as double) as kofingidj,
        cast(kofcugi as double) as kofcugi,
        cast(kofcugidf as double) as kofcugidf,
        cast(kofcugidj as double) as kofcugidj,
        cast(kofpogi as double) as kofpogi,
        cast(kofpogidf as double) as kofpogidf,
        cast(kofpogidj as double) as kofpogidj,

        -- lineage
        cast(source_file as varchar) as source_file

    from source

)

select * from renamed
