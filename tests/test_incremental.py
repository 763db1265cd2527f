"""What an incremental build reruns and carries over (analysis.incremental), and the build
record that keeps the dbt test results. Whole builds: tests/refresh/test_freshness.py."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import duckdb
import pytest

from analysis import incremental
from analysis.build_record import TABLE, BuildRecord, read_record, write_record
from analysis.dbt_runner import NodeResult
from analysis.quality.runner import dbt_rule_results

KOF_TEST = "test.gvc_warehouse.stg_kof__index_not_null.59f8057c56"
ADB_TEST = "test.gvc_warehouse.stg_adb_mrio__flows_finite.90c0c82958"
UNIT_TEST = "unit_test.gvc_warehouse.int_kof__standardised.standardisation_names_the_years"


def _record(**changes) -> BuildRecord:
    base = BuildRecord(
        inputs={"adb_mrio": {"a.xlsx": "1"}, "kof": {"k.xlsx": "2"}, "nbs": {"n.csv": "3"}},
        landing_version="v1",
        project="p",
        settings={"panel_edition": "62"},
        built_at="2026-01-01T00:00:00+00:00",
        tests=[
            {"unique_id": KOF_TEST, "status": "pass", "message": "", "model": "stg_kof__index"},
            {"unique_id": ADB_TEST, "status": "pass", "message": ""},
            {"unique_id": UNIT_TEST, "status": "pass", "message": ""},
        ],
    )
    return replace(base, **changes)


def test_selection_reruns_what_the_changed_sources_reach_without_unit_tests():
    published = _record()
    new = _record(inputs={**published.inputs, "adb_mrio": {"a.xlsx": "1", "b.xlsx": "9"}})
    new.tests = []
    assert incremental.selection(published, new) == [
        "--select", "source:adb_mrio+", "--exclude-resource-type", "unit_test",
    ]  # fmt: skip
    both = _record(inputs={**new.inputs, "nbs": {}})
    assert incremental.selection(published, both)[1:3] == [
        "source:adb_mrio+", "source:nbs+",
    ]  # fmt: skip


def test_tables_to_compute_are_the_mrio_files_the_candidate_lacks():
    """What the build announces to its runner before dbt (two or more start its cluster):
    the new, changed or renamed ADB-MRIO files when the candidate is a copy of the
    published file (same project); every one otherwise."""
    from analysis.publish import _tables_to_compute

    published = _record()
    adb = {"a.xlsx": "1", "b.xlsx": "9", "c.xlsx": "8"}
    new = _record(inputs={**published.inputs, "adb_mrio": adb})
    assert _tables_to_compute(new, published) == 2
    assert _tables_to_compute(new, None) == 3
    assert _tables_to_compute(new, _record(project="other")) == 3
    assert _tables_to_compute(_record(inputs={**published.inputs, "nbs": {}}), published) == 0
    renamed = _record(inputs={**published.inputs, "adb_mrio": {"a-renamed.xlsx": "1"}})
    assert _tables_to_compute(renamed, published) == 1


@pytest.mark.parametrize(
    "why",
    [
        "nothing changed",
        "no published build",
        "no test results kept",
        "other project",
        "other settings",
    ],
)
def test_full_build_when_results_cannot_stand(why):
    published = _record()
    new = _record(inputs={**published.inputs, "kof": {"k.xlsx": "changed"}})
    if why == "nothing changed":  # gvc build --force with nothing new: every node runs
        new.inputs = published.inputs
    elif why == "no published build":
        published = None
    elif why == "no test results kept":
        published.tests = []
    elif why == "other project":
        new.project = "q"
    elif why == "other settings":
        new.settings = {"panel_edition": "72"}
    assert incremental.selection(published, new) == []


def test_carried_tests_are_those_not_run_and_name_the_build_that_ran_them():
    published = _record()
    ran = [NodeResult(ADB_TEST, "pass", "")]
    carried = incremental.carried_tests(published, ran)
    assert [n.unique_id for n in carried] == [KOF_TEST, UNIT_TEST]
    assert {n.checked_at for n in carried} == {published.built_at}
    # a result carried twice keeps the date of the build that ran it
    published.tests[0]["checked_at"] = "2025-06-01T00:00:00+00:00"
    again = incremental.carried_tests(published, ran)
    assert again[0].checked_at == "2025-06-01T00:00:00+00:00"


def test_report_marks_carried_results_and_keeps_their_rows():
    rows = [{"economy": "PRC", "sector": "c3", "value": -1.5}]
    warned = NodeResult(
        KOF_TEST, "warn", "Got 1 result", failures=1, severity="warn", model="stg_kof__index",
        name="stg_kof__index_not_null", description="columns_not_null", offending_rows=rows,
        checked_at="2026-01-01T00:00:00+00:00",
    )  # fmt: skip
    fresh = replace(warned, checked_at="")
    carried, ran = dbt_rule_results([warned, fresh])
    assert carried.rows == rows and carried.warning and carried.failures == 1
    assert "not rerun: its inputs are unchanged since the build of 2026-01-01" in (
        carried.description
    )
    assert ran.description == "columns_not_null"


def test_record_keeps_test_results_and_reads_files_from_before_them(tmp_path):
    db = tmp_path / "w.duckdb"
    record = _record(built_at="")
    record.tests = incremental.stored_tests(
        [
            NodeResult(ADB_TEST, "warn", "", offending_rows=[{"x": Decimal("1.50")}]),
            NodeResult("model.gvc_warehouse.stg_kof__index", "success", ""),
            NodeResult(KOF_TEST, "pass", "", checked_at="2025-06-01T00:00:00+00:00"),
        ]
    )
    write_record(db, record)
    back = read_record(db)
    assert [t["unique_id"] for t in back.tests] == [ADB_TEST, KOF_TEST]  # tests only
    assert back.tests[0]["checked_at"] == back.built_at != ""  # ran by this build
    assert back.tests[0]["offending_rows"] == [{"x": "1.50"}]  # plain values
    assert back.tests[1]["checked_at"] == "2025-06-01T00:00:00+00:00"
    with duckdb.connect(str(db)) as con:  # a file published before records kept tests
        con.execute(f"alter table {TABLE} drop column dbt_tests")
    old = read_record(db)
    assert old.tests == [] and old.inputs == record.inputs
    assert incremental.selection(old, _record(inputs={})) == []
