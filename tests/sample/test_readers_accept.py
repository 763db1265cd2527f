"""The project's readers (analysis.ingest, written from docs/raw-layouts.md independently of
the sample) accept every synthetic file and see the numbers the generator wrote."""

from __future__ import annotations

import numpy as np

from analysis.ingest import read_adb_mrio, read_kof, read_nbs
from analysis.sample import economies_for
from analysis.sample.mrio_model import sample_table


def test_readers_accept_the_default_sample(default_raw):
    tables = read_adb_mrio(default_raw / "adb_mrio" / "ADB-MRIO-2012_synthetic.xlsx")
    out = tables["output"]
    assert list(out["economy"].unique()) == economies_for("default")
    assert set(tables["flows"]["vintage"]) == {"synthetic"}
    assert set(tables["flows"]["edition"]) == {"8"}  # 8 economies + RoW, inferred
    files = tables["files"].iloc[0]
    assert files.synthetic and not files.edition_named
    np.testing.assert_allclose(out["output_row"], out["output_col"], rtol=1e-12)
    expected = sample_table(economies_for("default"), 2012, 20240607).x
    np.testing.assert_allclose(out["output_row"], expected, rtol=1e-12)

    kof_tables = read_kof(default_raw / "kof" / "KOFGI_2022_public.xlsx")
    assert kof_tables["files"].synthetic.iloc[0]
    kof = kof_tables["kof_index"]
    assert set(kof["vintage"]) == {2022} and kof["year"].between(1970, 2020).all()
    chn = kof[kof.code == "CHN"].set_index("year")["kofecgi"]
    assert abs(chn[2008] - 46.8956871) < 1e-9

    for name in ("nbs_industry_2008.csv", "nbs_science_2008.csv", "nbs_industry_2012.csv"):
        nbs = read_nbs(default_raw / "nbs" / name)
        assert nbs["files"].synthetic.iloc[0]
        stats = nbs["industry_stats"]
        assert stats["value"].notna().all() and (stats["value"] > 0).all()
