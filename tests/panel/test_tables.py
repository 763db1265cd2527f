"""Tables 1-4 as a journal takes them: LaTeX, notes and rows that describe their columns."""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from analysis.defaults import SEED
from analysis.panel.render import Table, latex, latex_text, markdown
from analysis.panel.run import estimate_tables
from analysis.panel.spec import EXPOSURES, LABELS, table_specs, variables_used
from analysis.panel.tables import (
    descriptive_note,
    descriptive_table,
    regression_table,
    standardisation_text,
    table_note,
)
from analysis.provenance import from_mart
from tests.panel.simulate import simulated_mart

TABLES = ("table1", "table2", "table3", "table4")
NUMBERED_CAPTION = re.compile(r"\\caption\{\s*Table\s*\d")


def _outside_math(text: str) -> str:
    """``text`` without comments and without $...$ (escaped dollars kept out of the way)."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))
    text = re.sub(r"\*\{\d+\}", "", text.replace(r"\$", ""))  # *{6}{c}: column repeat
    return re.sub(r"\$[^$]*\$", " MATH ", text)


def latex_faults(source: str, stem: str) -> list[str]:
    """The known faults of generated LaTeX tables, as messages (empty: none found)."""
    faults = []
    head = "\n".join(source.splitlines()[:5])
    used = {"booktabs": "\\toprule", "threeparttable": "\\begin{threeparttable}"}
    for package, command in used.items():
        if command in source and f"\\usepackage{{{package}}}" not in head:
            faults.append(f"{package} used but not declared in the comment at the top")
    if NUMBERED_CAPTION.search(source):
        faults.append("caption carries its own number (double numbering)")
    if f"\\label{{tab:{stem}}}" not in source:
        faults.append(f"no \\label{{tab:{stem}}}")
    text = _outside_math(source)
    checks = {
        "bare x between words": r"\w x \w",
        "unescaped %": r"(?<!\\)%",
        "unescaped _": r"(?<!\\)_",
        "< or > outside math": r"[<>]",
        "stars outside math": r"\*",
        "R-squared in words instead of $R^2$": r"R-squared",
        "unescaped #": r"(?<!\\)#",
    }
    for what, pattern in checks.items():
        if re.search(pattern, text):
            faults.append(what)
    uncommented = [line for line in source.splitlines() if not line.lstrip().startswith("%")]
    faults += _ampersand_faults("\n".join(uncommented))
    return faults


def _ampersand_faults(text: str) -> list[str]:
    """An unescaped & is a column separator: only in tabular rows, as many as columns - 1."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("\\begin{tabular}{")]
    ends = [i for i, line in enumerate(lines) if line.startswith("\\end{tabular}")]
    if not starts or not ends:
        return ["no tabular"]
    spec = lines[starts[0]][len("\\begin{tabular}") :].replace("@{}", "")
    spec = re.sub(r"\*\{(\d+)\}\{(\w)\}", lambda m: m.group(2) * int(m.group(1)), spec)
    columns = len(re.findall(r"[lcrp]", spec))
    body = lines[starts[0] + 1 : ends[-1]]
    outside = lines[: starts[0]] + lines[ends[-1] + 1 :]
    faults = []
    if any(re.search(r"(?<!\\)&", line) for line in outside):
        faults.append("unescaped & outside the tabular")
    for row in body:
        row = re.sub(r"\\begin\{tabular\}.*?\\end\{tabular\}", "cell", row)
        spans = sum(int(k) - 1 for k in re.findall(r"\\multicolumn\{(\d+)\}", row))
        cells = len(re.findall(r"(?<!\\)&", row)) + 1 + spans
        if cells > 1 and cells != columns:
            faults.append(f"row with {cells} cells in {columns} columns: {row[:40]!r}")
    return faults


def test_the_fault_checker_finds_each_known_fault():
    """The checks below must be able to fail: the previous writer's faults, each found."""
    bad = "\n".join(
        [
            r"\begin{table}[htbp]",
            r"\caption{Table 2. Baseline}",
            r"\begin{tabular}{lcc}",
            r"Exposure (s\_i x z(Anti\_global)) & -0.041** & 50% \\",
            r"R&D & 0.1 & $<$0.005 \\",
            r"Within R-squared & 0.4 & 0.5 \\",
            r"\end{tabular}",
            r"\par\footnotesize *** p<0.01; share_left",
            r"\end{table}",
            "",
        ]
    )
    found = " | ".join(latex_faults(bad, "table2"))
    for fault in (
        "double numbering",
        "no \\label",
        "bare x",
        "unescaped %",
        "unescaped _",
        "outside math",
        "stars outside math",
        "R-squared",
        "row with 4 cells",
    ):
        assert fault in found, (fault, found)


@pytest.mark.parametrize("stem", TABLES)
def test_latex_source_has_none_of_the_known_faults(estimated, estimated_real, stem):
    for _, root in (estimated, estimated_real):
        source = (root / "reports" / "tables" / f"{stem}.tex").read_text(encoding="utf-8")
        assert latex_faults(source, stem) == [], source
        assert "$^{***}$" in source or stem == "table1"
        assert r"\caption{" in source and r"\begin{threeparttable}" in source


def test_latex_text_puts_symbols_in_math_and_escapes_the_rest():
    assert latex_text("-0.041***") == "$-$0.041$^{***}$"
    assert latex_text("14 x 11 (industry, year)") == r"14 $\times$ 11 (industry, year)"
    assert latex_text("*** p<0.01, ** p<0.05") == "$^{***}$ $p<0.01$, $^{**}$ $p<0.05$"
    assert latex_text("<0.0050") == "$<$0.0050"
    assert latex_text("R&D 5% a_b #1") == r"R\&D 5\% a\_b \#1"
    assert latex_text("Within R-squared") == "Within $R^2$"
    assert latex_text("t(G-1), 2008-2018, (-1.98)") == "t(G-1), 2008-2018, ($-$1.98)"


PREAMBLE = r"""\documentclass{article}
\usepackage[margin=1in]{geometry}
%s
\begin{document}
\input{%s}
\end{document}
"""


@pytest.mark.parametrize("stem", TABLES)
def test_latex_compiles_in_an_article_without_overfull_boxes(
    estimated, estimated_real, stem, tmp_path
):
    assert shutil.which("pdflatex"), (
        "pdflatex is not installed: `make test` installs it as root on Debian/Ubuntu; "
        "elsewhere install TeX with booktabs and threeparttable (see the Makefile's `tex`)"
    )
    for k, (_, root) in enumerate((estimated, estimated_real)):
        table = root / "reports" / "tables" / f"{stem}.tex"
        head = table.read_text(encoding="utf-8").splitlines()[:5]
        packages = " ".join(re.findall(r"\\usepackage\{\w+\}", " ".join(head)))
        document = tmp_path / f"doc{k}.tex"
        document.write_text(PREAMBLE % (packages, table.as_posix()), encoding="utf-8")
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", document.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        log = (tmp_path / f"doc{k}.log").read_text(encoding="latin-1")
        assert result.returncode == 0, log[-3000:]
        assert "Overfull" not in log, [line for line in log.splitlines() if "Overfull" in line]
        assert "Undefined control sequence" not in log and "LaTeX Error" not in log


def _cells(root, stem) -> pd.DataFrame:
    return pd.read_csv(
        root / "reports" / "tables" / f"{stem}.csv", skiprows=1, index_col=0, dtype=str
    ).fillna("")


def test_clusters_row_says_what_each_column_is_clustered_by(estimated):
    run, root = estimated
    table2 = _cells(root, "table2")
    assert (
        list(table2.loc["Clusters"])
        == [
            "14 (industry)",
            "14 (industry)",
            "14 x 11 (industry, year)",
        ]
        * 2
    )
    assert set(_cells(root, "table4").loc["Clusters"]) == {"14 (industry)"}


@pytest.fixture(scope="module")
def driscoll_kraay():
    frame = simulated_mart()
    specs = table_specs()
    return specs, estimate_tables(frame, specs, "driscoll-kraay", 0, SEED)


def test_driscoll_kraay_columns_show_no_clusters_and_their_note_says_so(driscoll_kraay):
    specs, fits = driscoll_kraay
    table = regression_table(fits["table2"])
    assert list(table.loc["Clusters"]) == [""] * 6
    note = table_note(specs["table2"], fits["table2"], years=11)
    assert "Driscoll-Kraay, Bartlett bandwidth 2 standard errors" in note and "t(10)" in note
    assert "clustered by" not in note.split("Stars")[0]


def _column_numbers(note: str) -> set[int]:
    return {int(k) for k in re.findall(r"(?<![t\w])\((\d+)\)", note)}


def test_notes_describe_exactly_the_columns_of_their_table(estimated):
    run, root = estimated
    for stem, fits in run.fits.items():
        note = table_note(run.specs[stem], fits, years=11)
        assert _column_numbers(note) <= set(range(1, len(fits) + 1)), (stem, note)
        inference = note.split("Stars")[0]
        for f in fits:
            assert f"{f.inference}" in inference and f"t({f.df_inference})" in inference
        has_trend = any(s.design == "trend" for s in run.specs[stem])
        assert ("trend" in note) == has_trend, (stem, note)
        assert ("two-way CRV1" in note) == has_trend
    table4 = (root / "reports" / "tables" / "table4.md").read_text()
    assert "trend" not in table4.split("*Note:*")[1]
    table2 = table_note(run.specs["table2"], run.fits["table2"], years=11)
    assert "in columns (1), (2), (4) and (5), p from t(13)" in table2
    assert "clustered by industry and year (two-way CRV1) in columns (3) and (6), p from t(10)" in (
        table2
    )
    assert "B = 99" in table2 and "Neither in columns (3) and (6)" in table2


@pytest.mark.parametrize("exposure", list(EXPOSURES))
def test_table1_covers_every_variable_of_tables_2_to_4(exposure):
    frame = simulated_mart()
    table = descriptive_table(frame, exposure)
    wanted = {"exposure", "exposure_lag1", EXPOSURES[exposure], f"{EXPOSURES[exposure]}_lag1"}
    for specs in table_specs(exposure).values():
        for spec in specs:
            wanted |= {spec.dependent, *spec.regressors}
    assert {LABELS[v] for v in wanted} <= set(table.index)
    assert list(table.index) == [LABELS[v] for v in variables_used(exposure)]
    assert (table["N"] == "154").all()


def test_table1_has_no_negative_zero_and_enough_decimals():
    frame = simulated_mart()
    table = descriptive_table(frame)
    assert not table.map(lambda c: c.startswith("-0.") and float(c) == 0).any().any()
    sd = float(table.loc["Anti_global", "SD"])
    assert sd > 0 and len(table.loc["Anti_global", "SD"].split(".")[1]) >= 4


def test_partly_synthetic_inputs_are_named_in_every_format(tmp_path):
    frame = simulated_mart(real=True).assign(kof_synthetic=True)
    provenance = from_mart(frame)
    cells = pd.DataFrame({"N": ["154"]}, index=["ICC"])
    table = Table("table1", 1, "Descriptive statistics", cells, "A note.", provenance)
    for text in (markdown(table), latex(table)):
        assert "SYNTHETIC SAMPLE DATA: KOF Globalisation Index from the bundled" in text
        assert "ADB-MRIO (edition 62, vintage 2022-03 (2008-2016), 2022-12 (2017-2018))" in text
        assert "ADB-MRIO from the bundled" not in text


@pytest.mark.parametrize("ext", ["md", "tex", "html", "csv"])
def test_every_table_is_labelled_with_the_marts_provenance(estimated, estimated_real, ext):
    for (run, root), synthetic in ((estimated, True), (estimated_real, False)):
        for stem in TABLES:
            text = (root / "reports" / "tables" / f"{stem}.{ext}").read_text(encoding="utf-8")
            for source in run.provenance.sources:
                described = source.describe()
                assert (latex_text(described) if ext == "tex" else described) in text
            assert ("SYNTHETIC SAMPLE DATA" in text) == synthetic, (stem, ext)
            assert ("SYNTHETIC" in text) == synthetic
    _, root = estimated_real
    md = (root / "reports" / "tables" / "table2.md").read_text(encoding="utf-8")
    assert (
        "Data: ADB-MRIO (edition 62, vintage 2022-03 (2008-2016), 2022-12 (2017-2018)); "
        "KOF Globalisation Index (release 2022); NBS yearbook statistics "
        "(GB/T 4754-2002 (2008-2011), GB/T 4754-2011 (2012-2018))." in md
    )


def test_notes_name_the_years_that_standardise_z_and_claim_mean_0_sd_1_only_there():
    """z is standardised over the panel years inside a fixed window (dbt var
    standardise_years): over a panel that extends past it, z is not mean 0 and SD 1."""
    specs = table_specs()["table2"]
    fits = estimate_tables(simulated_mart(), {"table2": specs}, "clustered", 0, SEED)["table2"]
    same = simulated_mart()  # the window is the panel: 2008-2018
    text = standardisation_text(same)
    assert text.endswith("over 2008-2018 (mean 0, SD 1 over the panel years)")
    assert text in descriptive_note(same)
    assert text in table_note(specs, fits, years=11, standardised=text)
    z = same.groupby("year")["anti_global"].first()
    z = (z - z.mean()) / z.std(ddof=1)
    assert abs(z.mean()) < 1e-12 and abs(z.std(ddof=1) - 1) < 1e-12  # what the note claims
    past = same.assign(standardise_last_year=2016)  # a panel two years past the window
    text = standardisation_text(past)
    assert "over 2008-2016 (a window fixed so that new years do not rescale old ones" in text
    assert text.endswith("mean 0 and SD 1 over 2008-2016 only, not over the panel's 2008-2018)")
    note = descriptive_note(past)
    assert text in note and "mean 0, SD 1 over the panel years" not in note
    unknown = table_note(specs, fits, years=11)  # no window given: no moments claimed
    assert "fixed window of years" in unknown and "SD 1" not in unknown
    assert "SD 1" not in descriptive_note(same.drop(columns=["standardise_last_year"]))
