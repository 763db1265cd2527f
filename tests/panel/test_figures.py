"""Figures a person reads at a glance: sectors named, axes that say what they show."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text
from PIL import Image
from scipy import stats

from analysis.panel.figures import _estimates, coefficient_figure, sector_figure, sector_names
from analysis.panel.tables import table_note
from analysis.provenance import from_mart
from tests.panel.simulate import SHORT_NAMES, simulated_mart


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_sectors_are_named_by_short_name_and_code_in_mart_order():
    frame = simulated_mart().sample(frac=1, random_state=1)  # order must come from the mart
    names = sector_names(frame)
    assert names[0] == ("c3", "Food & beverages (c3)")
    assert ("c14", "Electricals (c14)") in names and len(names) == 14
    assert [code for code, _ in names] == [f"c{k}" for k in range(3, 17)]


def test_sector_figure_is_small_multiples_with_meaningful_axes():
    frame = simulated_mart()
    fig = sector_figure(frame, from_mart(frame))
    texts = _texts(fig)
    titles = [ax.get_title() for ax in fig.findobj(plt.Axes) if ax.get_visible()]
    for k, short in SHORT_NAMES.items():
        assert titles.count(f"{short} (c{k})") == 2  # one panel in the ICC block, one in ICS
    assert any(t.startswith("ICC = forward + backward\nGVC participation") for t in texts)
    assert any(t.startswith("ICS = GVC position × DVAR") for t in texts)
    assert texts.count("year") == 2
    for ax in fig.findobj(plt.Axes):
        if ax.get_visible():
            highlighted = [line for line in ax.get_lines() if line.get_linewidth() == 2]
            assert len(highlighted) == 1  # one sector in colour, the others grey
    assert "SYNTHETIC SAMPLE" in fig.get_suptitle()
    plt.close(fig)


def test_coefficient_axes_say_what_the_interval_is_in_the_words_of_the_notes(estimated):
    run, _ = estimated
    fig = coefficient_figure(run.fits, run.provenance)
    xlabels = [ax.get_xlabel() for ax in fig.axes]
    assert xlabels == [
        "coefficient and 95 % CI: t(13), SE clustered by industry",
        "coefficient and 95 % CI: t(10), SE clustered by industry and year",
    ]
    notes = " ".join(table_note(run.specs[t], fits) for t, fits in run.fits.items())
    for f in (f for fits in run.fits.values() for f in fits):
        assert f"{f.inference} (" in notes and f"t({f.df_inference})" in notes
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "Table 2 (2) ICC: Exposure" in labels and "Table 3 (3) ICC: L.Anti_global" in labels
    plt.close(fig)


def test_each_interval_uses_its_columns_t_distribution(estimated):
    run, _ = estimated
    panels = _estimates(run.fits)
    for key, df in (("twoway", 13), ("trend", 10)):
        for row in panels[key]:
            term = row["fit"].regressors[0]
            se = row["fit"].std_errors[term]
            assert row["half"] == pytest.approx(stats.t.ppf(0.975, df) * se, rel=1e-12)


def _source(path) -> str:
    with Image.open(path) as image:
        return image.text["Source"]


def test_figures_carry_their_provenance(estimated, estimated_real):
    for (run, root), synthetic in ((estimated, True), (estimated_real, False)):
        for png in ("coefficients.png", "icc_ics_trends.png"):
            source = _source(root / "reports" / "figures" / png)
            assert run.provenance.label() in source
            assert ("SYNTHETIC SAMPLE DATA" in source) == synthetic
    _, root = estimated_real
    source = _source(root / "reports" / "figures" / "coefficients.png")
    assert "ADB-MRIO (edition 62, vintage 2022-03 (2008-2016), 2022-12 (2017-2018))" in source
