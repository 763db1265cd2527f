-- Where each panel year's inputs come from: MRIO edition and vintage, KOF release, NBS
-- classification, and whether each input is the bundled synthetic sample.
with

panel_years as (

    select * from {{ ref('int_icc_ics__panel_years') }}

),

mrio as (

    select distinct
        gvc.year,
        tables.edition,
        tables.vintage,
        tables.is_synthetic
    from {{ ref('int_icc_ics__gvc') }} as gvc
    inner join {{ ref('int_adb_mrio__tables') }} as tables
        on gvc.file_sha256 = tables.file_sha256

),

kof as (

    select
        kof.year,
        kof.kof_vintage,
        files.is_synthetic
    from {{ ref('int_kof__anti_global') }} as kof
    inner join {{ ref('stg_kof__files') }} as files
        on kof.kof_vintage = files.vintage

),

nbs as (

    select
        year,
        any_value(classification) as classification,
        bool_or(is_synthetic) as is_synthetic
    from {{ ref('stg_nbs__files') }}
    group by year

),

final as (

    select
        panel_years.year,
        mrio.edition as mrio_edition,
        mrio.vintage as mrio_vintage,
        mrio.is_synthetic as mrio_synthetic,
        kof.kof_vintage,
        kof.is_synthetic as kof_synthetic,
        nbs.classification as nbs_classification,
        nbs.is_synthetic as nbs_synthetic
    from panel_years
    inner join mrio on panel_years.year = mrio.year
    inner join kof on panel_years.year = kof.year
    inner join nbs on panel_years.year = nbs.year

)

select * from final
