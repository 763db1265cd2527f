"""GVC decomposition and supply-chain exposure for every current MRIO table.

dbt Python model, a thin wrapper around ``analysis.decompose``: one row per economy-sector of
every current table (the most recent landed vintage of each edition and year,
``int_adb_mrio__tables``). Incremental by table: a build computes only the tables this model
lacks (new or changed raw files, identified by ``file_sha256``) and first deletes the rows of
tables that are no longer current. The per-table algebra runs on the Dask cluster named by
``GVC_DASK_SCHEDULER`` (``gvc build`` starts one and passes it on), on a local cluster, or
in-process with ``GVC_WORKERS=0`` (``analysis.parallel``).
"""

from analysis.decompose import TableKey, decompose_tables
from analysis.parallel import runner


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    flows = dbt.ref("stg_adb_mrio__flows")
    output = dbt.ref("stg_adb_mrio__output")
    tables = dbt.ref("int_adb_mrio__tables").filter("is_current")
    seed = dbt.ref("adb_economies").df()
    members = dbt.ref("economy_groups").df()
    groups = {
        group: frozenset(part["economy"])
        for group, part in members.groupby("economy_group", sort=True)
    }
    regions = dict(zip(seed["economy"], seed["region"], strict=True))

    wanted = tables.project("edition, vintage, year, file_sha256").order("edition, year")
    if dbt.is_incremental:
        current = ", ".join(f"'{sha}'" for (sha,) in tables.project("file_sha256").fetchall())
        session.execute(f"delete from {dbt.this} where file_sha256 not in ({current or 'null'})")
        have = session.execute(f"select distinct file_sha256 from {dbt.this}").fetchall()
        done = {sha for (sha,) in have}
    else:
        done = set()
    keys = [TableKey(*row) for row in wanted.fetchall() if row[3] not in done]
    with runner() as run:
        frame = decompose_tables(flows, output, keys, groups, regions, run)
    return frame
