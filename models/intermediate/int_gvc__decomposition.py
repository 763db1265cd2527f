"""GVC decomposition and supply-chain exposure for every current MRIO table.

dbt Python model, a thin wrapper around ``analysis.decompose``: one row per economy-sector of
every current table (the most recent landed vintage of each edition and year,
``int_adb_mrio__tables``). Incremental by table: a build computes only the tables this model
lacks (new, changed or renamed raw files: ``file_sha256`` and the vintage its name gives) and
first deletes the rows of tables that are no longer current. The per-table work runs on the
Dask cluster named by ``GVC_DASK_SCHEDULER`` (``gvc build`` passes on the one it started),
on a local cluster (for two tables or more; one is computed in-process), or in-process with
``GVC_WORKERS=0`` (``analysis.parallel``); each task reads its table's cells from the landed
flows file the staging cast (config ``landing_dir``, the landing version the sources read,
resolved here so that every worker reads that one).
"""

from analysis.decompose import KEYS, TableKey, decompose_tables, empty_frame, landed_flows_file
from analysis.parallel import runner


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    dbt.ref("stg_adb_mrio__flows")  # the tables' cells: read from the files it casts
    landing_dir = dbt.config.get("landing_dir")
    output = dbt.ref("stg_adb_mrio__output")
    tables = dbt.ref("int_adb_mrio__tables").filter("is_current")
    seed = dbt.ref("adb_economies").df()
    members = dbt.ref("economy_groups").df()
    groups = {
        group: frozenset(part["economy"])
        for group, part in members.groupby("economy_group", sort=True)
    }
    regions = dict(zip(seed["economy"], seed["region"], strict=True))

    columns = ", ".join(KEYS)
    current = tables.project(f"{columns}, source_file").order("edition, year").df()
    wanted = {
        TableKey(e, v, int(y), sha): landed_flows_file(landing_dir, name)
        for e, v, y, sha, name in current.itertuples(index=False)
    }
    done = set()
    if dbt.is_incremental:
        # a table is its file and what the file's name says (vintage): rows of tables no longer
        # current, or whose file was renamed to another vintage, are deleted and recomputed
        session.register("gvc_current_tables", current[list(KEYS)])
        session.execute(
            f"delete from {dbt.this} where ({columns}) not in "
            f"(select ({columns}) from gvc_current_tables)"
        )
        have = session.execute(f"select distinct {columns} from {dbt.this}").fetchall()
        done = {TableKey(*row) for row in have}
    files = {key: path for key, path in wanted.items() if key not in done}
    if not files:  # nothing new: no cluster to reach
        return empty_frame(groups)
    with runner(tasks=len(files)) as run:
        frame = decompose_tables(output, files, groups, regions, run)
    return frame
