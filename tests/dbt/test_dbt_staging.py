"""dbt staging layer on a tiny landing directory written with the contract's schemas.

The landing Parquet files follow docs/raw-layouts.md exactly (column names, order, Arrow
types, nullability), so these tests check the sources, staging models, seeds and generic
tests without the readers: 2 economies x 35 sectors x 2 years of ADB-MRIO, a few KOF rows,
NBS rows for a GB/T 4754-2002 year and a GB/T 4754-2011 year. dbt runs in process
(``dbtRunner``) with its own target, log and database paths under ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

# --- the landing contract (docs/raw-layouts.md) -------------------------------------------

INT, STR, DBL, BOOL = pa.int32(), pa.string(), pa.float64(), pa.bool_()
ADB_KEYS = [
    ("year", INT),
    ("edition", STR),
    ("vintage", STR),
    ("source_file", STR),
    ("file_sha256", STR),
]
KOF_INDICES = [
    f"kof{index}{suffix}"
    for index in ("gi", "ecgi", "trgi", "figi", "sogi", "ipgi", "ingi", "cugi", "pogi")
    for suffix in ("", "df", "dj")
]


def _schema(fields: list[tuple[str, pa.DataType]], nullable: tuple[str, ...] = ()) -> pa.Schema:
    return pa.schema([pa.field(name, kind, nullable=name in nullable) for name, kind in fields])


SCHEMAS = {
    ("adb_mrio", "flows"): _schema(
        [
            *ADB_KEYS,
            ("row_economy", STR),
            ("row_sector", STR),
            ("col_economy", STR),
            ("col_code", STR),
            ("row_pos", INT),
            ("col_pos", INT),
            ("value", DBL),
        ]
    ),
    ("adb_mrio", "value_added"): _schema(
        [
            *ADB_KEYS,
            ("row_code", STR),
            ("row_label", STR),
            ("col_economy", STR),
            ("col_code", STR),
            ("col_pos", INT),
            ("value", DBL),
        ]
    ),
    ("adb_mrio", "output"): _schema(
        [
            *ADB_KEYS,
            ("economy", STR),
            ("sector", STR),
            ("pos", INT),
            ("output_row", DBL),
            ("output_col", DBL),
        ]
    ),
    ("adb_mrio", "files"): _schema(
        [
            ("source_file", STR),
            ("file_sha256", STR),
            ("year", INT),
            ("edition", STR),
            ("edition_named", BOOL),
            ("vintage", STR),
            ("vintage_order", INT),
            ("economies", INT),
            ("synthetic", BOOL),
            ("title", STR),
        ]
    ),
    ("kof", "files"): _schema(
        [
            ("source_file", STR),
            ("file_sha256", STR),
            ("vintage", INT),
            ("synthetic", BOOL),
            ("title", STR),
        ]
    ),
    ("nbs", "files"): _schema(
        [
            ("source_file", STR),
            ("file_sha256", STR),
            ("year", INT),
            ("table_name", STR),
            ("classification", STR),
            ("synthetic", BOOL),
            ("title", STR),
        ]
    ),
    ("kof", "kof_index"): _schema(
        [
            ("vintage", INT),
            ("source_file", STR),
            ("code", STR),
            ("country", STR),
            ("year", INT),
            *((name, DBL) for name in KOF_INDICES),
        ],
        nullable=tuple(KOF_INDICES),
    ),
    ("nbs", "industry_stats"): _schema(
        [
            ("year", INT),
            ("classification", STR),
            ("source_file", STR),
            ("table_name", STR),
            ("industry_code", STR),
            ("industry_name", STR),
            ("indicator", STR),
            ("value", DBL),
            ("unit", STR),
            ("source_unit", STR),
        ],
        nullable=("value",),
    ),
}

# --- a tiny, consistent landing -------------------------------------------------------------

ECONOMIES = ["PRC", "RoW"]
SECTORS = [f"c{i}" for i in range(1, 36)]
FINAL = ["F1", "F2", "F3", "F4", "F5"]
ADB_YEARS = [2017, 2018]
VA_ROWS = {  # ADB's published codes, as the reader lands them
    "r60": "Intermediate input total",
    "r99": "Taxes less subsidies on products",
    "r61": "CIF / FOB adjustments on exports",
    "r62": "Direct purchases abroad by residents",
    "r63": "Purchases on the domestic territory by non-residents",
    "r64": "Value added at basic prices",
    "trs": "International Transport Margins",
}
NBS_YEARS = {2011: "GB/T 4754-2002", 2012: "GB/T 4754-2011"}
NBS_CODES = {  # a few codes per classification, including the ones that break in 2011
    "GB/T 4754-2002": {"06": "Mining and Washing of Coal", "29": "Manufacture of Rubber",
                       "30": "Manufacture of Plastics", "37": "Manufacture of Transport Equipment",
                       "41": "Manufacture of Measuring Instruments", "44": "Electric Power"},
    "GB/T 4754-2011": {"06": "Mining and Washing of Coal", "29": "Rubber and Plastics Products",
                       "36": "Manufacture of Automobiles", "37": "Other Transport Equipment",
                       "40": "Manufacture of Measuring Instruments", "44": "Electric Power"},
}  # fmt: skip
NBS_INDICATORS = {  # indicator: (table, canonical unit)
    "main_business_income": ("industry", "100 million yuan"),
    "net_fixed_assets": ("industry", "100 million yuan"),
    "total_assets": ("industry", "100 million yuan"),
    "avg_employees": ("industry", "10000 persons"),
    "rd_expenditure": ("science", "100 million yuan"),
    "rd_personnel_fte": ("science", "10000 person-years"),
    "patent_applications": ("science", "pieces"),
}
N_FLOWS = len(ADB_YEARS) * (2 * 35) * (2 * 35 + 2 * 5)  # n x (n + 5G) per year


def _adb_frames(year: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    keys = {
        "year": year,
        "edition": "1",
        "vintage": "2023-06",
        "source_file": f"ADB-MRIO1-{year}_June2023.xlsx",
        "file_sha256": f"{year:064d}",
    }
    rows = [(e, s) for e in ECONOMIES for s in SECTORS]
    cols = [(e, c) for e in ECONOMIES for c in SECTORS] + [(e, f) for e in ECONOMIES for f in FINAL]
    n = len(rows)
    row_pos = np.arange(n)
    col_pos = np.arange(len(cols))  # PRC before RoW: file order is ADB order
    values = rng.uniform(0.0, 5.0, size=(len(rows), len(cols)))
    final = [j for j, (_, code) in enumerate(cols) if code.startswith("F")]
    values[:, final] = rng.uniform(20.0, 30.0, size=(len(rows), len(final)))
    inventories = [j for j, (_, code) in enumerate(cols) if code == "F5"]
    values[:, inventories] = rng.uniform(-2.0, 2.0, size=(len(rows), len(inventories)))
    flows = pd.DataFrame(
        {
            "row_economy": np.repeat([e for e, _ in rows], len(cols)),
            "row_sector": np.repeat([s for _, s in rows], len(cols)),
            "col_economy": np.tile([e for e, _ in cols], len(rows)),
            "col_code": np.tile([c for _, c in cols], len(rows)),
            "row_pos": np.repeat(row_pos, len(cols)).astype(np.int32),
            "col_pos": np.tile(col_pos, len(rows)).astype(np.int32),
            "value": values.ravel(),
        }
    )
    total_use = values.sum(axis=1)
    intermediate_inputs = values[:, : len(rows)].sum(axis=0)
    va_block = []
    for j, (economy, code) in enumerate(cols):
        is_sector = code.startswith("c")
        # value added makes every sector's column total equal its row total (balanced table)
        va = total_use[j] - intermediate_inputs[j] if is_sector else 0.0
        cells = {
            "r60": intermediate_inputs[j] if is_sector else 0.0,
            "r99": 0.1 * va,
            "r61": 0.0,
            "r62": 0.0 if is_sector else 0.5,
            "r63": 0.0 if is_sector else -0.5,
            "r64": 0.85 * va,
            "trs": 0.05 * va,
        }
        va_block += [(rc, VA_ROWS[rc], economy, code, j, v) for rc, v in cells.items()]
    value_added = pd.DataFrame(
        va_block,
        columns=["row_code", "row_label", "col_economy", "col_code", "col_pos", "value"],
    ).astype({"col_pos": np.int32})
    output = pd.DataFrame(
        {
            "economy": [e for e, _ in rows],
            "sector": [s for _, s in rows],
            "pos": row_pos.astype(np.int32),
            "output_row": total_use,
            "output_col": total_use * (1 + 1e-9),  # within the 1e-6 balance tolerance
        }
    )
    files = pd.DataFrame(
        [
            {
                "source_file": keys["source_file"],
                "file_sha256": keys["file_sha256"],
                "year": year,
                "edition": "1",
                "edition_named": True,
                "vintage": "2023-06",
                "vintage_order": 202306,
                "economies": 2,
                "synthetic": False,
                "title": f"ADB Multi-Regional Input-Output Table {year}",
            }
        ]
    )
    tables = {
        name: frame.assign(**keys)[list(SCHEMAS[("adb_mrio", name)].names)]
        for name, frame in (("flows", flows), ("value_added", value_added), ("output", output))
    }
    return {**tables, "files": files}


def _kof_frame() -> pd.DataFrame:
    rows = []
    for code, country, level in (("CHN", "China", 45.0), ("USA", "United States", 70.0)):
        for year in (2016, 2017, 2018):
            values = {name: level + 0.1 * (year - 2016) for name in KOF_INDICES}
            values["kofcugidj"] = None if year == 2016 else values["kofcugidj"]  # a missing cell
            rows.append(
                {
                    "vintage": 2022,
                    "source_file": "KOFGI_2022_public.xlsx",
                    "code": code,
                    "country": country,
                    "year": year,
                    **values,
                }
            )
    return pd.DataFrame(rows)[list(SCHEMAS[("kof", "kof_index")].names)]


def _nbs_frame(year: int, classification: str) -> pd.DataFrame:
    rows = [
        {
            "year": year,
            "classification": classification,
            "source_file": f"nbs_{table}_{year}.csv",
            "table_name": table,
            "industry_code": code,
            "industry_name": name,
            "indicator": indicator,
            "value": None if (code, indicator) == ("06", "patent_applications") else 12.5,
            "unit": unit,
            "source_unit": unit,
        }
        for code, name in NBS_CODES[classification].items()
        for indicator, (table, unit) in NBS_INDICATORS.items()
    ]
    return pd.DataFrame(rows)[list(SCHEMAS[("nbs", "industry_stats")].names)]


def _write(landing: Path, source: str, table: str, stem: str, frame: pd.DataFrame) -> None:
    folder = landing / "current" / source / table
    folder.mkdir(parents=True, exist_ok=True)
    arrow = pa.Table.from_pandas(frame, schema=SCHEMAS[(source, table)], preserve_index=False)
    pq.write_table(arrow.replace_schema_metadata(None), folder / f"{stem}.parquet")


def write_landing(landing: Path) -> Path:
    """Write the tiny landing directory (one Parquet file per raw file and table)."""
    rng = np.random.default_rng(20240601)
    for year in ADB_YEARS:
        for table, frame in _adb_frames(year, rng).items():
            _write(landing, "adb_mrio", table, f"ADB-MRIO62-{year}_test", frame)
    _write(landing, "kof", "kof_index", "KOFGI_2022_public", _kof_frame())
    kof_file = {"source_file": "KOFGI_2022_public.xlsx", "file_sha256": "k" * 64}
    kof_file |= {"vintage": 2022, "synthetic": False, "title": ""}
    _write(landing, "kof", "files", "KOFGI_2022_public", pd.DataFrame([kof_file]))
    for year, classification in NBS_YEARS.items():
        _write(landing, "nbs", "industry_stats", f"nbs_{year}", _nbs_frame(year, classification))
        files = [
            {"source_file": f"nbs_{table}_{year}.csv", "file_sha256": f"{table}{year}",
             "year": year, "table_name": table, "classification": classification,
             "synthetic": False, "title": f"table {year}"}
            for table in ("industry", "science")
        ]  # fmt: skip
        _write(landing, "nbs", "files", f"nbs_{year}", pd.DataFrame(files))
    return landing


# --- running dbt ------------------------------------------------------------------------------


def dbt_build(work: Path, landing: Path, monkeypatch: pytest.MonkeyPatch):
    """``dbt build`` of seeds and staging (and their tests) into ``work/dev.duckdb``."""
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("GVC_LANDING", str(landing))
    monkeypatch.setenv("GVC_DB", str(work / "dev.duckdb"))
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    args = [
        "build",
        "--project-dir", str(ROOT),
        "--profiles-dir", str(ROOT),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
        "--select", "path:models/staging", "path:seeds",
        "--indirect-selection", "cautious",  # only tests whose parents are all selected
        "--quiet",
    ]  # fmt: skip
    return dbtRunner().invoke(args)


def failed_nodes(result) -> dict[str, str]:
    """Name -> status of every node that did not pass or succeed."""
    assert result.result is not None, result.exception
    return {
        r.node.name: str(r.status)
        for r in result.result.results
        if str(r.status) not in ("pass", "success", "warn")
    }


def query(database: Path, sql: str) -> list[tuple]:
    # dbt-duckdb keeps its (read-write) database instance open in this process after the
    # in-process run, and DuckDB refuses a second instance of the same file with another
    # configuration (read_only=True): connect with the same, default configuration.
    with duckdb.connect(str(database)) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    return write_landing(tmp_path_factory.mktemp("landing"))


@pytest.fixture()
def faulty_landing(tmp_path) -> Iterator[Path]:
    """The tiny landing with one flow row sold by an economy code that does not exist, and
    another bought for a use code that does not exist."""
    landing = write_landing(tmp_path / "landing")
    path = landing / "current" / "adb_mrio" / "flows" / "ADB-MRIO62-2018_test.parquet"
    table = pq.read_table(path)
    for column, row, code in (("row_economy", 123, "XXX"), ("col_code", 456, "F6")):
        values = table.column(column).to_pylist()
        values[row] = code
        index = table.schema.get_field_index(column)
        table = table.set_column(index, table.schema.field(index), pa.array(values, STR))
    pq.write_table(table, path)
    yield landing


# --- tests ------------------------------------------------------------------------------------


def test_landing_matches_contract(landing):
    for (source, table), schema in SCHEMAS.items():
        for path in (landing / "current" / source / table).glob("*.parquet"):
            assert pq.read_schema(path).equals(schema), path


def test_build_stages_every_table_and_passes_every_test(landing, tmp_path, monkeypatch):
    result = dbt_build(tmp_path, landing, monkeypatch)
    assert failed_nodes(result) == {}
    assert result.success, result.exception

    db = tmp_path / "dev.duckdb"
    counts = {
        table: query(db, f"select count(*) from {table}")[0][0]
        for table in (
            "stg_adb_mrio__flows",
            "stg_adb_mrio__value_added",
            "stg_adb_mrio__output",
            "stg_kof__index",
            "stg_nbs__industry_stats",
            "stg_adb_mrio__files",
            "stg_kof__files",
            "stg_nbs__files",
            "adb_economies",
            "adb_sectors",
            "nbs_industry_codes",
            "nbs_adb_concordance",
        )
    }
    assert counts == {
        "stg_adb_mrio__flows": N_FLOWS,
        "stg_adb_mrio__value_added": len(ADB_YEARS) * 7 * 2 * 40,
        "stg_adb_mrio__output": len(ADB_YEARS) * 2 * 35,
        "stg_kof__index": 6,
        "stg_nbs__industry_stats": 2 * 6 * 7,
        "stg_adb_mrio__files": len(ADB_YEARS),
        "stg_kof__files": 1,
        "stg_nbs__files": 4,
        "adb_economies": 73,
        "adb_sectors": 35,
        "nbs_industry_codes": 80,
        "nbs_adb_concordance": 61,
    }
    # staging tables are tables (the published file must not depend on the landing files)
    kinds = query(
        db,
        "select table_name, table_type from information_schema.tables "
        "where table_name like 'stg_%' order by table_name",
    )
    assert {kind for _, kind in kinds} == {"BASE TABLE"} and len(kinds) == 8
    # renamed, typed and keyed as documented
    assert query(
        db,
        "select any_value(typeof(year)), any_value(typeof(flow_usd_mn)), min(to_use), "
        "max(from_economy) from stg_adb_mrio__flows",
    ) == [("INTEGER", "DOUBLE", "F1", "RoW")]
    assert query(
        db,
        "select economy_iso3, economy_name, kofecgi, kofcugidj from stg_kof__index "
        "where economy_iso3 = 'CHN' and year = 2016",
    ) == [("CHN", "China", 45.0, None)]
    assert query(db, "select typeof(industry_code) from stg_nbs__industry_stats limit 1") == [
        ("VARCHAR",)
    ]
    assert query(db, "select industry_code from nbs_industry_codes order by 1 limit 1") == [("06",)]
    # a year no longer landed: the incremental build deletes its staged flows and keeps the
    # others (macros/landed_files_to_add.sql: delete_files_no_longer_landed)
    fewer = tmp_path / "fewer"
    shutil.copytree(landing, fewer)
    gone = ADB_YEARS[-1]
    for path in (fewer / "current" / "adb_mrio").glob(f"*/ADB-MRIO62-{gone}_test.parquet"):
        path.unlink()
    rebuilt = dbt_build(tmp_path, fewer, monkeypatch)
    assert failed_nodes(rebuilt) == {}
    per_year = N_FLOWS // len(ADB_YEARS)
    counted = f"select count(*), count(*) filter (year = {gone}) from stg_adb_mrio__flows"
    assert query(db, counted) == [(N_FLOWS - per_year, 0)]
    # `append_incremental` (stg_adb_mrio__flows) inserts by column into the table it built: a
    # table whose columns are not the model's is an error naming both, as dbt's
    # on_schema_change='fail' (macros/materializations/append_incremental.sql)
    query(db, "alter table stg_adb_mrio__flows add column extra integer")
    refused = dbt_build(tmp_path, fewer, monkeypatch)
    assert failed_nodes(refused).get("stg_adb_mrio__flows") == "error"
    log = (tmp_path / "logs" / "dbt.log").read_text()
    assert "append_incremental: " in log and "rebuild it with --full-refresh" in log
    assert "'extra'" in log


def test_unknown_codes_fail_the_relationship_and_accepted_values_tests(
    faulty_landing, tmp_path, monkeypatch
):
    result = dbt_build(tmp_path, faulty_landing, monkeypatch)
    assert not result.success
    failed = failed_nodes(result)
    relationship = "relationships_stg_adb_mrio__flows_from_economy__economy__ref_adb_economies_"
    assert failed.get(relationship) == "fail", failed
    uses = next(
        name for name in failed if name.startswith("accepted_values_stg_adb_mrio__flows_to_use")
    )
    # the complete-table test sees the stray row economy too; nothing else fails
    assert set(failed) == {relationship, uses, "stg_adb_mrio__flows_complete_table"}
    log = (tmp_path / "logs" / "dbt.log").read_text()
    assert f"Failure in test {relationship}" in log
    # the project's accepted_values (macros/test_accepted_values.sql): one row per value
    # outside the list, with its number of records
    node = next(r.node for r in result.result.results if r.node.name == uses)
    assert "anti join accepted" in node.compiled_code  # dispatched ahead of dbt's
    assert query(tmp_path / "dev.duckdb", node.compiled_code) == [("F6", 1)]
