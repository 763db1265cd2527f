-- China's KOF economic globalisation index from the latest landed KOF vintage, with the
-- anti-globalisation index and its one-year lag taken from the full KOF series.
with

kof as (

    select * from {{ ref('stg_kof__index') }}

),

latest_vintage as (

    select max(vintage) as vintage
    from kof

),

china as (

    select
        kof.year,
        kof.vintage,
        kof.kofecgi
    from kof
    inner join latest_vintage
        on kof.vintage = latest_vintage.vintage
    where kof.economy_iso3 = 'CHN'

),

with_lag as (

    select
        china.year,
        china.vintage as kof_vintage,
        china.kofecgi,
        previous.kofecgi as kofecgi_lag1,
        1.0 / china.kofecgi as anti_global,
        1.0 / previous.kofecgi as anti_global_lag1

    from china
    left join china as previous
        on china.year - 1 = previous.year

)

select * from with_lag
