-- Every NBS manufacturing code of both classifications maps to an ADB sector, and every
-- ADB manufacturing sector is reached from both classifications (no concordance gap).
with

codes as (

    select * from {{ ref('nbs_industry_codes') }}

),

concordance as (

    select * from {{ ref('nbs_adb_concordance') }}

),

sectors as (

    select * from {{ ref('adb_sectors') }}

),

classifications as (

    select distinct classification from codes

),

unmapped_codes as (

    select
        codes.classification,
        codes.industry_code,
        'NBS manufacturing code without ADB sector' as problem
    from codes
    left join concordance
        on
            codes.classification = concordance.classification
            and codes.industry_code = concordance.industry_code
    where codes.section = 'manufacturing' and concordance.adb_sector is null

),

unreached_sectors as (

    select
        classifications.classification,
        sectors.sector as industry_code,
        'ADB sector without NBS code' as problem
    from sectors
    cross join classifications
    left join concordance
        on
            sectors.sector = concordance.adb_sector
            and classifications.classification = concordance.classification
    where sectors.is_manufacturing and concordance.adb_sector is null

)

select * from unmapped_codes
union all
select * from unreached_sectors
