"""GVC decomposition and supply-chain exposure for every edition, year, economy and sector.

dbt Python model, a thin wrapper: fetch one table (edition, year) of staged flows as numpy
arrays, pivot it by integer indexing, factorise (I - A) once (``LeontiefSolver``) and call
``analysis.mrio.gvc_indicators`` and ``resilience_indicators`` with that one factorisation.
Group exposures (seed ``economy_groups``) and the regional share of foreign value added
(``adb_economies.region``) are sums of the foreign value-added source shares. Economies are
ordered as in the ADB tables (seed ``adb_economies``), RoW last.
"""

import pandas as pd

from analysis.mrio import (
    LeontiefSolver,
    foreign_value_added_shares,
    gvc_indicators,
    resilience_indicators,
)
from analysis.pivot import io_table_from_staged


def exposures(shares, groups, regions):
    """Per economy-sector: share of foreign value added from each group and own region."""
    keys = ["economy", "sector"]
    out = shares[keys].drop_duplicates().reset_index(drop=True)
    for group, members in groups.groupby("economy_group")["economy"]:
        part = shares[shares["source_economy"].isin(set(members))]
        total = part.groupby(keys, sort=False)["fva_share"].sum().rename(f"exposure_{group}")
        out = out.merge(total.reset_index(), on=keys, how="left")
        out[f"exposure_{group}"] = out[f"exposure_{group}"].fillna(0.0)
    same = shares["economy"].map(regions) == shares["source_economy"].map(regions)
    regional = shares[same].groupby(keys, sort=False)["fva_share"].sum().rename("regional_share")
    out = out.merge(regional.reset_index(), on=keys, how="left")
    out["regional_share"] = out["regional_share"].fillna(0.0)
    return out


def model(dbt, session):
    dbt.config(materialized="table")
    flows = dbt.ref("stg_adb_mrio__flows")
    seed = dbt.ref("adb_economies").df()
    groups = dbt.ref("economy_groups").df()
    rank = dict(zip(seed["economy"], seed["mrio72_index"], strict=True))
    regions = dict(zip(seed["economy"], seed["region"], strict=True))
    tables = flows.aggregate("edition, vintage, year", "edition, vintage, year").order("year")

    parts = []
    for edition, vintage, year in tables.fetchall():
        cells = flows.filter(f"edition = '{edition}' and year = {int(year)}").fetchnumpy()
        table = io_table_from_staged(cells, rank, int(year))
        solver = LeontiefSolver(table)
        keys = ["economy", "sector"]
        frame = gvc_indicators(table, solver).merge(
            resilience_indicators(table, solver), on=keys, validate="1:1"
        )
        frame = frame.merge(
            exposures(foreign_value_added_shares(table, solver), groups, regions),
            on=keys,
            how="left",
        )
        parts.append(frame.assign(edition=edition, vintage=vintage, year=year))
    return pd.concat(parts, ignore_index=True)
