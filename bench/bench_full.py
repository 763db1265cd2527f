"""The whole pipeline at full size (62 economies + RoW, 2007-2018), stage by stage.

Writes the full-size sample once (``--data``, default ``warehouse/bench``), then measures each
stage's wall time and the peak resident memory of its whole process tree (gvc, dbt, Dask
workers), with the ratio to its floor:

- bare read: every raw file read sequentially with python-calamine (the floor of ingest);
- ingest: ``gvc ingest`` into a new landing;
- bare algebra: the per-table indicators of the 12 tables in one process (the floor of the
  decomposition); decomposition: the ``int_gvc__decomposition`` node of the first build;
- first build (ingest excluded), build after one new year (2019), build with nothing new;
- peak memory of a first build with 3, 6 and 12 years, and with 12 years plus four ADB-72
  tables (72 economies + RoW, the widest ADB tables: made from the sample's 62-economy
  table of the year by splitting its RoW, :func:`adb72_table`);
- per-table work on 1 and 2 Dask workers (after one untimed table per worker: starting the
  worker processes is not per-table work).

Stages whose time varies from run to run on a shared machine (the bare read and the ingest,
interleaved; the new year, from the 12-year warehouse each time; nothing new; 1 and 2
workers, interleaved) run ``--repeat`` times (default 3): the table gives the median, with
the range of the runs beside it, and ratios of medians. The first build, the decomposition
and the builds by number of years run once.

Prints a table and saves it to ``reports/bench/bench-full-<date>.md`` with the machine's core
count. Never part of ``make test``; run it with ``make bench-full``. No assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from proctree import Measurement, measure

ROOT = Path(__file__).resolve().parents[1]
GVC = str(Path(sys.executable).with_name("gvc"))
YEARS = "2007-2018"


def env_for(root: Path, raw: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GVC_")}
    env.update(
        GVC_HOME=str(ROOT),
        GVC_RAW=str(raw),
        GVC_LANDING=str(root / "landing"),
        GVC_WAREHOUSE=str(root / "wh" / "gvc.duckdb"),
        GVC_HISTORY=str(root / "wh" / "history.duckdb"),
        GVC_REPORTS=str(root / "reports"),
        **extra,
    )
    return env


def run(label: str, command: list[str], env: dict[str, str]) -> Measurement:
    m = measure(command, env=env)
    status = "ok" if m.returncode == 0 else f"FAILED rc {m.returncode}"
    print(f"  {label}: {m.seconds:.1f} s, peak {m.peak_mib:,.0f} MiB ({status})", flush=True)
    if m.returncode != 0:
        print(m.output[-3000:])
    return m


def median(measurements: list[Measurement]) -> Measurement:
    """The run of median time (its own peak memory); an even count takes the lower one."""
    ranked = sorted(measurements, key=lambda m: m.seconds)
    return ranked[(len(ranked) - 1) // 2]


def spread(seconds: list[float]) -> str:
    """'runs 16.9-17.4 s' (nothing for a single run)."""
    return f"runs {min(seconds):.1f}-{max(seconds):.1f} s" if len(seconds) > 1 else ""


def with_spread(ratio: str, seconds: list[float]) -> str:
    return "; ".join(part for part in (ratio, spread(seconds)) if part)


def write_sample(data: Path) -> Path:
    """The full-size sample for 2007-2018 (and 2019 aside, for the new-year build), once."""
    raw = data / "raw"
    if len(list((raw / "adb_mrio").glob("*.xlsx"))) != 12:
        shutil.rmtree(raw, ignore_errors=True)
        command = [GVC, "sample", "--size", "full", "--years", YEARS, "--raw-dir", str(raw)]
        run("write full-size sample", command, dict(os.environ))
    extra = data / "raw2019"
    if not list((extra / "adb_mrio").glob("*.xlsx")):
        command = [GVC, "sample", "--size", "full", "--years", "2019", "--raw-dir", str(extra)]
        run("write 2019", command, dict(os.environ))
    return raw


def bare_read(raw: Path) -> Measurement:
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom python_calamine import CalamineWorkbook\n"
        "for p in sorted(Path(sys.argv[1]).rglob('*.xlsx')):\n"
        "    wb = CalamineWorkbook.from_path(str(p))\n"
        "    wb.get_sheet_by_name(wb.sheet_names[0]).to_python(skip_empty_area=False)\n"
    )
    return run("bare calamine read", [sys.executable, "-c", code, str(raw)], dict(os.environ))


def decomposition_seconds(root: Path) -> float:
    results = root / "wh" / ".dbt-build" / "target" / "run_results.json"
    nodes = json.loads(results.read_text())["results"]
    return next(
        n["execution_time"] for n in nodes if n["unique_id"].endswith("int_gvc__decomposition")
    )


def per_table(root: Path, workers: int) -> float:
    """Seconds of every current table's indicators (each read from its landed flows file, as
    the build does) on ``workers`` Dask workers (0: in this process, the bare algebra)."""
    code = f"""
import time, duckdb
from analysis.decompose import TableKey, decompose_tables, landed_flows_file
from analysis.parallel import ClusterSpec, runner
con = duckdb.connect({str(root / "wh" / "gvc.duckdb")!r}, read_only=True)
landing = {str(root / "landing" / "current")!r}
files = {{TableKey(*r[:4]): landed_flows_file(landing, r[4]) for r in con.execute(
    "select edition, vintage, year, file_sha256, source_file from int_adb_mrio__tables "
    "where is_current order by year").fetchall()}}
seed = con.table("adb_economies").df()
groups = {{g: frozenset(p["economy"]) for g, p in
          con.table("economy_groups").df().groupby("economy_group")}}
regions = dict(zip(seed["economy"], seed["region"]))
output = con.table("stg_adb_mrio__output")
with runner(ClusterSpec(workers={workers})) as run:
    # untimed: one table per worker first, so that starting the worker processes and their
    # imports (the same for 1 and 2 workers) are not counted as per-table work
    first = dict(list(files.items())[:max(1, {workers})])
    decompose_tables(output, first, groups, regions, run)
    t0 = time.perf_counter()
    decompose_tables(output, files, groups, regions, run)
    print(time.perf_counter() - t0)
"""
    m = measure([sys.executable, "-c", code], env=dict(os.environ))
    return float(m.output.strip().splitlines()[-1])


#: Years of the ADB-72 tables the memory rows add (ADB publishes that edition from 2017).
ADB72_YEARS = (2017, 2018, 2019, 2020)


def adb72_table(year: int):
    """A full-size ADB-72 table (72 economies + RoW: 2,555 rows, 2,920 data columns): the
    sample's ADB-62 table of ``year`` with its RoW split into eleven equal parts, RoW and the
    ten economies ADB-72 adds, every flow to or from RoW shared out alike (so it balances,
    with the same world totals)."""
    import numpy as np

    from analysis.reference import ADB_ECONOMIES, economy_order
    from analysis.sample import DEFAULT_SEED, economies_for
    from analysis.sample.constants import N_FD, N_SECTORS
    from analysis.sample.mrio_model import SampleTable, sample_table

    n_sectors, n_fd = N_SECTORS, N_FD
    economies = economies_for("full")
    added = [code for code, _, _, index62, _, _ in ADB_ECONOMIES if index62 is None]
    table = sample_table(economies, year, DEFAULT_SEED)
    wider = economy_order([*economies, *added])  # ADB-72 order, RoW last
    rest = economies.index("RoW")
    source = [economies.index(e) if e in economies else rest for e in wider]
    parts = 1 / (len(added) + 1)
    share = np.array([parts if e == "RoW" or e in added else 1.0 for e in wider])
    rows = np.array([g * n_sectors + s for g in source for s in range(n_sectors)])
    fd = np.array([g * n_fd + f for g in source for f in range(n_fd)])
    w_rows, w_fd = np.repeat(share, n_sectors), np.repeat(share, n_fd)
    n = table.Z.shape[0]
    return SampleTable(
        year,
        wider,
        table.Z[np.ix_(rows, rows)] * np.outer(w_rows, w_rows),
        table.F[np.ix_(rows, fd)] * np.outer(w_rows, w_fd),
        np.hstack([table.va_rows[:, rows] * w_rows, table.va_rows[:, n + fd] * w_fd]),
    )


def with_adb72(data: Path, raw: Path) -> Path:
    """``raw`` (links) plus ADB-72 tables of :data:`ADB72_YEARS`, written once."""
    from analysis.sample import DEFAULT_SEED
    from analysis.sample.adb_writer import write_adb_xlsx

    tables = data / "adb72"
    tables.mkdir(parents=True, exist_ok=True)
    for year in ADB72_YEARS:
        path = tables / f"ADB-MRIO72-{year}_synthetic.xlsx"
        if not path.exists():
            t0 = time.perf_counter()
            part = path.with_name(f".part-{path.name}")
            write_adb_xlsx(adb72_table(year), part, DEFAULT_SEED)
            part.rename(path)
            print(f"  write {path.name}: {time.perf_counter() - t0:.1f} s", flush=True)
    target = subset(raw, list(range(2007, 2019)), data / "raw-with-adb72")
    for path in sorted(tables.glob("ADB-MRIO72-*.xlsx")):
        (target / "adb_mrio" / path.name).symlink_to(path)
    return target


def subset(raw: Path, years: list[int], target: Path) -> Path:
    """A raw folder with the ADB and NBS files of ``years`` (links) and the KOF file."""
    shutil.rmtree(target, ignore_errors=True)
    for source in ("adb_mrio", "kof", "nbs"):
        (target / source).mkdir(parents=True)
        for f in (raw / source).iterdir():
            if source == "kof" or any(str(y) in f.name for y in years):
                (target / source / f.name).symlink_to(f)
    return target


def add_2019(data: Path, raw: Path) -> None:
    for f in (data / "raw2019").rglob("*.*"):
        target = raw / f.parent.name / f.name
        if not target.exists():
            target.symlink_to(f)


def remove_2019(raw: Path) -> None:
    for f in raw.rglob("*2019*"):
        f.unlink()


Row = tuple[str, float, float, str]


def row(stage: str, runs: list[Measurement], ratio: str = "") -> Row:
    """The table row of a stage run ``runs`` times: its median run, and their range."""
    m = median(runs)
    return (stage, m.seconds, m.peak_mib, with_spread(ratio, [r.seconds for r in runs]))


def read_and_ingest(root: Path, raw: Path, env, repeat: int) -> tuple[list[Row], float]:
    """Bare read and ingest, interleaved (a slower spell of the machine touches both); the
    rows and the median ingest's seconds."""
    reads, ingests = [], []
    for _ in range(repeat):
        reads.append(bare_read(raw))
        shutil.rmtree(root / "landing", ignore_errors=True)
        ingests.append(run("gvc ingest", [GVC, "ingest"], env))
    read, ingest = median(reads), median(ingests)
    ratio = f"{ingest.seconds / read.seconds:.2f} x bare read"
    rows = [row("bare read (sequential calamine)", reads, "floor"), row("ingest", ingests, ratio)]
    return rows, ingest.seconds


def new_year_and_nothing_new(data: Path, raw: Path, env, repeat: int, first: float) -> list[Row]:
    """A build after one new year (2019), from the 12-year warehouse each time, and builds
    with nothing new; ``first``: seconds of the first build with its ingest."""
    new_years = []
    for k in range(repeat):
        if k:  # back to the 12-year warehouse (untimed)
            remove_2019(raw)
            run("build without 2019 (untimed)", [GVC, "build", "--quiet"], env)
        add_2019(data, raw)
        new_years.append(run("build after a new year", [GVC, "build", "--quiet"], env))
    ratio = f"{median(new_years).seconds / first:.2f} x first build + ingest"
    sames = [run("build with nothing new", [GVC, "build", "--quiet"], env) for _ in range(repeat)]
    return [
        row("build after one new year (its ingest too)", new_years, ratio),
        row("build with nothing new", sames),
    ]


def workers(root: Path, repeat: int) -> list[Row]:
    """Per-table work on 1 and 2 Dask workers, interleaved."""
    ones, twos = [], []
    for _ in range(repeat):
        ones.append(per_table(root, 1))
        twos.append(per_table(root, 2))
    one, two = statistics.median(ones), statistics.median(twos)
    return [
        ("per-table work, 1 Dask worker", one, float("nan"), spread(ones)),
        ("per-table work, 2 Dask workers", two, float("nan"),
         with_spread(f"{one / two:.2f} x faster", twos)),
    ]  # fmt: skip


def stages(data: Path, raw: Path, repeat: int) -> list[Row]:
    """(stage, seconds, peak MiB, ratio to its floor) of every stage."""
    root = data / "run"
    shutil.rmtree(root, ignore_errors=True)
    env = env_for(root, raw)
    rows, ingest = read_and_ingest(root, raw, env, repeat)
    first = run("first build", [GVC, "build", "--no-ingest", "--quiet"], env)
    rows.append(("first build (ingest excluded)", first.seconds, first.peak_mib, ""))
    algebra = per_table(root, 0)
    decomposition = decomposition_seconds(root)
    rows.append(("bare algebra (12 tables, one process)", algebra, float("nan"), "floor"))
    ratio = f"{decomposition / algebra:.2f} x bare algebra"
    rows.append(("decomposition (dbt node)", decomposition, float("nan"), ratio))
    rows += new_year_and_nothing_new(data, raw, env, repeat, first.seconds + ingest)
    remove_2019(raw)
    return rows + workers(root, repeat)


def memory_by_years(data: Path, raw: Path) -> list[tuple[str, float, float, str]]:
    rows = []
    for n in (3, 6, 12):
        years = list(range(2007, 2007 + n))
        root = data / f"years{n}"
        shutil.rmtree(root, ignore_errors=True)
        env = env_for(root, subset(raw, years, data / f"raw{n}"))
        m = run(f"build, {n} years", [GVC, "build", "--quiet"], env)
        rows.append((f"first build with ingest, {n} years", m.seconds, m.peak_mib, ""))
    root = data / "adb72"
    shutil.rmtree(root / "run", ignore_errors=True)
    env = env_for(root / "run", with_adb72(data, raw))
    m = run("build, 12 years and 4 ADB-72 tables", [GVC, "build", "--quiet"], env)
    label = "first build with ingest, 12 years + ADB-72 2017-2020 (2,555 wide)"
    rows.append((label, m.seconds, m.peak_mib, ""))
    return rows


def report(rows) -> str:
    cores = os.cpu_count()
    lines = [
        f"# Full-size pipeline ({datetime.now():%Y-%m-%d %H:%M}, {cores} cores)",
        "",
        "| stage | seconds | peak tree RSS (MiB) | ratio to floor |",
        "|---|---:|---:|---|",
    ]
    for stage, seconds, peak, ratio in rows:
        mem = "" if peak != peak else f"{peak:,.0f}"
        lines.append(f"| {stage} | {seconds:.1f} | {mem} | {ratio} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "warehouse" / "bench")
    parser.add_argument("--no-memory-by-years", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the stages that vary (median shown)"
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    raw = write_sample(args.data)
    rows = stages(args.data, raw, max(1, args.repeat))
    if not args.no_memory_by_years:
        rows += memory_by_years(args.data, raw)
    text = report(rows)
    out = ROOT / "reports" / "bench" / f"bench-full-{datetime.now():%Y%m%d-%H%M}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"saved {out} ({time.perf_counter() - t0:.0f} s in all)")


if __name__ == "__main__":
    main()
