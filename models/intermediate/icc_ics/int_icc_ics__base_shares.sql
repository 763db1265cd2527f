-- The exposure shares s_i of each sector: its GVC participation and export intensity in the
-- year before the panel (var `panel_first_year` - 1, 2007).
with

gvc as (

    select * from {{ ref('int_icc_ics__gvc') }}

),

final as (

    select
        sector,
        gvcpt_b as base_gvcpt_b,
        gvcpt_f as base_gvcpt_f,
        {{ safe_divide('exports', 'x') }} as base_export_intensity
    from gvc
    where year = {{ var("panel_first_year") }} - 1

)

select * from final
