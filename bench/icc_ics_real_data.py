"""China's ICC and ICS by sector, 2008-2011, from real tables beside the synthetic sample's.

Writes the real WIOD 2007-2011 tables into the ADB-MRIO layout under ADB-style names (with
the real KOF 2022 release and the sample's NBS tables), builds both warehouses with `gvc
build`, and prints a Markdown table of the published `mart_icc_ics` values with each
warehouse's provenance (the README quotes it). Usage: ``python bench/icc_ics_real_data.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.provenance import from_mart  # noqa: E402
from tests.realdata import write_real_raw  # noqa: E402

GVC = str(Path(sys.executable).with_name("gvc"))


def build(root: Path, *extra: str) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GVC_")}
    env.update(
        GVC_HOME=str(ROOT),
        GVC_RAW=str(root / "raw"),
        GVC_LANDING=str(root / "landing"),
        GVC_WAREHOUSE=str(root / "wh" / "gvc.duckdb"),
        GVC_REPORTS=str(root / "reports"),
    )
    done = subprocess.run([GVC, "build", "--quiet", *extra], env=env, capture_output=True)
    if done.returncode != 0:
        sys.exit(done.stderr.decode()[-3000:])
    return root / "wh" / "gvc.duckdb"


def mart(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select * from mart_icc_ics where year between 2008 and 2011 "
            "order by sector_order, year"
        ).df()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="gvc-real-"))
    write_real_raw(work / "real" / "raw")
    real = mart(build(work / "real", "--panel-edition", "40"))
    subprocess.run(
        [GVC, "sample", "--raw-dir", str(work / "sample" / "raw")], check=True, capture_output=True
    )
    sample = mart(build(work / "sample"))
    print(f"Real: {from_mart(real).label()}\n\nSample: {from_mart(sample).label()}\n")
    print(
        "| sector | ICC real 2008 | 2009 | 2010 | 2011 | ICC sample, mean 2008-2011 | "
        "ICS real 2008 | 2009 | 2010 | 2011 | ICS sample, mean 2008-2011 |"
    )
    print("|---|" + "---:|" * 10)
    for sector, part in real.groupby("sector", sort=False):
        mine = sample[sample["sector"] == sector]
        name = f"{part['sector_short_name'].iloc[0]} ({sector})"
        icc = " | ".join(f"{v:.3f}" for v in part["icc"])
        ics = " | ".join(f"{v:.3f}" for v in part["ics"])
        print(f"| {name} | {icc} | {mine['icc'].mean():.3f} | {ics} | {mine['ics'].mean():.3f} |")


if __name__ == "__main__":
    main()
