-- One row per landed ADB-MRIO table (raw file) with its release order within its edition
-- and year: the most recent vintage is current and feeds the marts; older ones stay landed
-- and staged (superseded).
with

files as (

    select * from {{ ref('stg_adb_mrio__files') }}

),

ranked as (

    select
        edition,
        year,
        vintage,
        vintage_order,
        source_file,
        file_sha256,
        economies,
        edition_named,
        is_synthetic,
        row_number() over (
            partition by edition, year
            order by vintage_order desc, source_file asc
        ) as release_rank
    from files

),

final as (

    select
        * exclude (release_rank),
        release_rank = 1 as is_current
    from ranked

)

select * from final
