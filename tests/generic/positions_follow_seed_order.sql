{% test positions_follow_seed_order(model, economies, sectors) %}
-- rows whose table position `pos` is not (rank of the economy among the table's economies
-- in the order of `economies`.mrio72_index) x (number of sectors) + sector index - 1
with

ranked as (

    select
        rows_.*,
        dense_rank() over (
            partition by rows_.file_sha256 order by economies.mrio72_index nulls last, rows_.economy
        ) - 1 as economy_rank,
        sectors.sector_index,
        (select count(*) from {{ sectors }}) as n_sectors
    from {{ model }} as rows_
    left join {{ economies }} as economies on rows_.economy = economies.economy
    left join {{ sectors }} as sectors on rows_.sector = sectors.sector

)

select *
from ranked
where not coalesce(pos = economy_rank * n_sectors + sector_index - 1, false)
{% endtest %}
