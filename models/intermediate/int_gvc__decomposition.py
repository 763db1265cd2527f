"""WWYZ GVC decomposition for every edition, year, economy and sector (dbt Python model).

Thin wrapper: fetch one table (edition, year) of staged flows as numpy arrays, pivot it by
integer indexing, call ``analysis.mrio.gvc_indicators`` and stack the results. Economies are
ordered as in the ADB-62 list (seed ``adb_economies``), RoW last.
"""

import pandas as pd

from analysis.mrio import gvc_indicators
from analysis.pivot import io_table_from_long


def model(dbt, session):
    dbt.config(materialized="table")
    flows = dbt.ref("stg_adb_mrio__flows")
    seed = dbt.ref("adb_economies").df()
    rank = dict(zip(seed["economy"], seed["mrio72_index"], strict=True))
    tables = flows.aggregate("edition, vintage, year", "edition, vintage, year").order("year")

    parts = []
    for edition, vintage, year in tables.fetchall():
        cells = flows.filter(f"edition = '{edition}' and year = {int(year)}").fetchnumpy()
        present = set(cells["from_economy"].tolist())
        economies = sorted(present, key=lambda e: (rank.get(e, 999), e))
        table = io_table_from_long(
            cells["from_economy"],
            cells["from_sector"],
            cells["to_economy"],
            cells["to_use"],
            cells["flow_usd_mn"],
            economies=economies,
            year=int(year),
        )
        parts.append(gvc_indicators(table).assign(edition=edition, vintage=vintage, year=year))
    return pd.concat(parts, ignore_index=True)
