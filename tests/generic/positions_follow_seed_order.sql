{% test positions_follow_seed_order(model, economies, sectors) %}
-- rows whose table position `pos` is not (rank of the economy among the table's economies
-- in the order of `economies`.mrio72_index) x (number of sectors) + sector index - 1
with

rows_ as (

    -- `model` may be a filtered subquery with its own alias (a `where` config, or only the
    -- files a build adds: macros/files_to_check.sql), which takes no second alias
    select * from {{ model }}

),

ranked as (

    select
        rows_.*,
        dense_rank() over (
            partition by rows_.file_sha256 order by economies.mrio72_index nulls last, rows_.economy
        ) - 1 as economy_rank,
        sectors.sector_index,
        (select count(*) from {{ sectors }}) as n_sectors
    from rows_
    left join {{ economies }} as economies on rows_.economy = economies.economy
    left join {{ sectors }} as sectors on rows_.sector = sectors.sector

)

select *
from ranked
where not coalesce(pos = economy_rank * n_sectors + sector_index - 1, false)
{% endtest %}
