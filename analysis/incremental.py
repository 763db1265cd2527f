"""What an incremental build reruns, and which dbt test results it carries over.

A build of the same project and settings as the published warehouse starts from a copy of it
(``analysis.publish``). Only the nodes downstream of a source whose raw files changed can
change, so dbt builds ``source:<changed>+`` (dbt's eager indirect selection adds every test
with a parent among them) and leaves out unit tests, whose inputs are the project's own
fixtures. Every other test stands as the build that ran it found it: the published record
holds those results (``BuildRecord.tests``), and they enter the quality report and the new
record with the date of the build that ran them (``NodeResult.checked_at``).

Every node runs instead when there is no published record with test results, when the
project or the settings differ, or when no source changed (``gvc build --force`` with nothing
new: every test is run again).
"""

from __future__ import annotations

from dataclasses import asdict, fields

from analysis.build_record import BuildRecord
from analysis.dbt_runner import NodeResult
from analysis.quality.results import plain_row

_NODE_FIELDS = {f.name for f in fields(NodeResult)}


def selection(published: BuildRecord | None, record: BuildRecord) -> list[str]:
    """dbt arguments that limit ``dbt build`` to what the changed sources reach; [] for a
    build of every node."""
    if published is None or not published.tests:
        return []
    if (published.project, published.settings) != (record.project, record.settings):
        return []
    changed = published.changed_sources(record.inputs)
    if not changed:
        return []
    select = [f"source:{source}+" for source in changed]
    return ["--select", *select, "--exclude-resource-type", "unit_test"]


def changed(selected: list[str]) -> list[str]:
    """The sources a :func:`selection` reruns."""
    sources = [s for s in selected if s.startswith("source:")]
    return [s.removeprefix("source:").removesuffix("+") for s in sources]


def carried_tests(published: BuildRecord, ran: list[NodeResult]) -> list[NodeResult]:
    """The published build's test results for the tests this run did not run."""
    done = {node.unique_id for node in ran}
    out = []
    for test in published.tests:
        if test.get("unique_id") in done:
            continue
        node = NodeResult(**{k: v for k, v in test.items() if k in _NODE_FIELDS})
        node.checked_at = node.checked_at or published.built_at
        out.append(node)
    return out


def stored_tests(nodes: list[NodeResult]) -> list[dict]:
    """The test results a record keeps (offending rows as plain values)."""
    out = []
    for node in nodes:
        if node.is_test:
            row = asdict(node)
            row["offending_rows"] = [plain_row(r) for r in node.offending_rows]
            out.append(row)
    return out


def describe(selected: list[str], carried: list[NodeResult]) -> str:
    """One line for the build's output."""
    sources = changed(selected)
    when = sorted({node.checked_at for node in carried})
    since = f" (checked by the builds of {', '.join(when)})" if when else ""
    return (
        f"incremental build: reran what depends on {', '.join(sources)}; "
        f"{len(carried)} dbt tests of unchanged inputs carried over{since}"
    )
