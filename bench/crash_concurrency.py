"""Random kills of the writers with readers running, and what each kill left.

For each of ``--trials`` runs: a tiny published warehouse (PRC, USA, RoW; 2007-2009) gets a
new year (2010) and a changed KOF file, then ``gvc ingest``, ``gvc build`` or ``gvc refresh``
(chosen in turn) is killed with SIGKILL after a random delay while two reader threads query
the published marts. After each kill it checks:

- readers: no reader saw an error or a partial table (old or new row counts only);
- warehouse: the published file opens and holds the old panel or the new one;
- landing: every source of the current landing version comes from one ingest (all old or
  all new: the KOF file and the 2010 ADB table change together);
- orphans: no dbt or Dask process of the run is still alive;
- recovery: the next ``gvc refresh`` publishes the new panel, and no candidate or temporary
  landing folder is left.

Prints one row per trial and the totals. No assertions; exit status 1 if any check failed.
Usage: ``python bench/crash_concurrency.py --trials 12``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parents[1]
GVC = str(Path(sys.executable).with_name("gvc"))
COMMANDS = (
    ["ingest"],
    ["build", "--quiet"],
    ["refresh", "--bootstrap-reps", "0", "--no-scenarios"],
)


def env_for(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GVC_")}
    env.update(
        GVC_HOME=str(ROOT),
        GVC_RAW=str(root / "raw"),
        GVC_LANDING=str(root / "landing"),
        GVC_WAREHOUSE=str(root / "wh" / "gvc.duckdb"),
        GVC_HISTORY=str(root / "wh" / "history.duckdb"),
        GVC_REPORTS=str(root / "reports"),
        GVC_WORKERS="2",
    )
    return env


def prepare(base: Path) -> Path:
    """A published tiny warehouse (2007-2009), written once and copied for every trial."""
    from analysis.sample import write_sample

    if not (base / "wh" / "gvc.duckdb").exists():
        write_sample(base / "raw", size="tiny", years=[2007, 2008, 2009])
        done = subprocess.run([GVC, "build", "--quiet"], env=env_for(base), capture_output=True)
        if done.returncode != 0:
            sys.exit(f"cannot build the base warehouse: {done.stderr.decode()[-2000:]}")
    return base


def change_inputs(root: Path) -> None:
    """A new ADB year and a changed KOF file: an ingest lands both or neither."""
    from analysis.sample import write_sample

    write_sample(root / "raw", size="tiny", years=[2010])
    kof = root / "raw" / "kof" / "KOFGI_2022_public.xlsx"
    kof.rename(kof.with_name("KOFGI_2023_public.xlsx"))


def reader(warehouse: Path, seen: set, errors: list, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with duckdb.connect(str(warehouse), read_only=True) as con:
                seen.add(con.execute("select count(*) from mart_icc_ics").fetchone()[0])
        except Exception as exc:
            errors.append(repr(exc)[:200])
        time.sleep(0.01)


def landing_state(root: Path) -> str:
    """'old', 'new' or 'MIXED' from the current landing manifest."""
    current = root / "landing" / "current"
    manifest = json.loads((current / "manifest.json").read_text())
    has_2010 = any("2010" in f for f in manifest["sources"]["adb_mrio"])
    has_2023 = "KOFGI_2023_public.xlsx" in manifest["sources"]["kof"]
    if has_2010 == has_2023:
        return "new" if has_2010 else "old"
    return "MIXED"


def orphans(root: Path) -> int:
    count = 0
    for proc in psutil.process_iter(["cmdline", "environ"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            env = proc.info["environ"] or {}
        except psutil.Error:
            continue
        if proc.pid != os.getpid() and str(root) in cmd + env.get("GVC_WAREHOUSE", ""):
            count += 1
    return count


def trial(base: Path, work: Path, command: list[str], delay: float) -> dict:
    root = work / "root"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(base, root, symlinks=True)
    change_inputs(root)
    env = env_for(root)
    warehouse = root / "wh" / "gvc.duckdb"
    seen, errors, stop = set(), [], threading.Event()
    threads = [
        threading.Thread(target=reader, args=(warehouse, seen, errors, stop)) for _ in (1, 2)
    ]
    for t in threads:
        t.start()
    proc = subprocess.Popen(
        [GVC, *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # children get their parent-death signal
    left = orphans(root)
    stop.set()
    for t in threads:
        t.join()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        n = con.execute("select count(*) from mart_icc_ics").fetchone()[0]
    landing = landing_state(root)
    again = subprocess.run([GVC, *COMMANDS[2]], env=env, capture_output=True, text=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = con.execute("select count(*) from mart_icc_ics").fetchone()[0]
    leftovers = [p.name for p in (root / "wh").glob(".candidate*")]
    leftovers += [p.name for p in (root / "landing").iterdir() if p.name.startswith(".")]
    return {
        "command": command[0],
        "delay": delay,
        "readers": "ok" if not errors and seen <= {28, 42} else f"ERROR {errors[:1] or seen}",
        "warehouse": {28: "old", 42: "new"}.get(n, f"BROKEN ({n})"),
        "landing": landing,
        "orphans": left,
        "recovered": again.returncode == 0 and after == 42 and not leftovers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=25.0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="gvc-crash-"))
    base = prepare(work / "base")
    print(
        f"{'#':>3} {'command':<8} {'kill at':>8} {'readers':<8} {'warehouse':<9} "
        f"{'landing':<8} {'orphans':>7} {'recovered':<9}"
    )
    failures = 0
    for k in range(args.trials):
        command = COMMANDS[k % len(COMMANDS)]
        r = trial(base, work, command, rng.uniform(0.2, args.max_delay))
        bad = (
            r["readers"] != "ok"
            or r["warehouse"].startswith("BROKEN")
            or (r["landing"] == "MIXED" or r["orphans"] or not r["recovered"])
        )
        failures += bad
        print(
            f"{k + 1:>3} {r['command']:<8} {r['delay']:>7.1f}s {r['readers']:<8} "
            f"{r['warehouse']:<9} {r['landing']:<8} {r['orphans']:>7} {r['recovered']!s:<9}"
        )
    print(f"{args.trials} kills, {failures} with a failed check")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
