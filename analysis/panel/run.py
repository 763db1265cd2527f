"""``gvc estimate``: Tables 1-4, identification diagnosis, figures, estimates history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from rich.progress import Progress

from analysis.defaults import BOOTSTRAP_DRAWS, SEED
from analysis.panel.data import fingerprint, load_mart
from analysis.panel.estimate import PanelFit, cluster_jackknife, fit_panel, wild_bootstrap_pvalue
from analysis.panel.figures import coefficient_plot, trend_figure
from analysis.panel.history import append_history
from analysis.panel.render import Table, write_table
from analysis.panel.spec import Spec, table_specs
from analysis.panel.tables import (
    STATISTICS_START,
    descriptive_note,
    descriptive_table,
    regression_table,
    standardisation_text,
    table_note,
)
from analysis.provenance import Provenance, from_mart

#: Captions without their number (LaTeX numbers them; Markdown, HTML, CSV print "Table N.").
CAPTIONS = {
    "table1": "Descriptive statistics",
    "table2": "Baseline: anti-globalisation and GVC embeddedness (ICC) and status (ICS)",
    "table3": "Robustness: anti-globalisation lagged one year",
    "table4": "Mechanisms: technology (Tech), asset structure (Infina), human capital (Human)",
}
#: How Tables 2-4 name the entity (``sector`` in the mart) in their inference labels.
ENTITY_LABEL = "industry"


@dataclass
class EstimationRun:
    """One ``gvc estimate``: its id, data, fits by table, diagnosis and files written."""

    run_id: str
    fingerprint: str  # of the mart's values (analysis.panel.data.fingerprint)
    provenance: Provenance  # the mart's inputs and vintages (analysis.provenance.from_mart)
    fits: dict[str, list[PanelFit]] = field(default_factory=dict)  # table -> its columns
    specs: dict[str, list[Spec]] = field(default_factory=dict)  # the same, as specified
    diagnosis: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        """True when any input (MRIO, KOF, NBS) is the bundled synthetic sample."""
        return self.provenance.synthetic


def estimate_all(
    warehouse: Path,
    reports: Path,
    history: Path,
    *,
    cov: str = "clustered",
    exposure: str = "backward",
    bootstrap_reps: int = BOOTSTRAP_DRAWS,
    seed: int = SEED,
    progress: bool = False,
) -> EstimationRun:
    """Estimate Tables 2-4 on ``mart_icc_ics``, write tables and figures, record the run."""
    specs = table_specs(exposure)
    frame = load_mart(warehouse)
    run = EstimationRun(uuid.uuid4().hex[:12], fingerprint(frame), from_mart(frame), specs=specs)
    run.fits = estimate_tables(frame, specs, cov, bootstrap_reps, seed, progress)
    run.diagnosis = diagnosis_lines(run.fits)
    run.files = _write_reports(frame, run, reports, exposure)
    append_history(history, history_rows(run))
    return run


def estimate_tables(
    frame: pd.DataFrame,
    specs: dict[str, list[Spec]],
    cov: str,
    bootstrap_reps: int,
    seed: int,
    progress: bool = False,
) -> dict[str, list[PanelFit]]:
    """Every column of every table, in order; a progress bar when ``progress``."""
    fits: dict[str, list[PanelFit]] = {}
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("estimating", total=sum(len(v) for v in specs.values()))
        for table, columns in specs.items():
            fits[table] = []
            for spec in columns:
                fits[table].append(estimate_column(frame, spec, cov, bootstrap_reps, seed))
                bar.advance(task)
    return fits


def estimate_column(
    frame: pd.DataFrame, spec: Spec, cov: str, bootstrap_reps: int, seed: int
) -> PanelFit:
    """One column: the fit with the column's clustering, then CV3 and the wild bootstrap.

    The industry-clustered jackknife and bootstrap ignore the common shocks that a national
    regressor without year effects sees (docs/methods.md, section 7.3): year-effects designs
    only.
    """
    fit = fit_panel(
        frame,
        spec.dependent,
        spec.regressors,
        effects=spec.effects,
        cov=cov,
        cluster=spec.cluster if cov == "clustered" else None,
        name=spec.name,
        entity_label=ENTITY_LABEL,
    )
    interest = spec.interest
    if interest in fit.absorbed or spec.effects != "twoway":
        return fit
    fit.cv3_se[interest], fit.cv3_p[interest] = cluster_jackknife(frame, fit, interest)
    if bootstrap_reps > 0:
        fit.boot_pvalues[interest] = wild_bootstrap_pvalue(
            frame, fit, interest, reps=bootstrap_reps, seed=seed
        )
        fit.boot_draws = bootstrap_reps
    return fit


def diagnosis_lines(fits: dict[str, list[PanelFit]]) -> list[str]:
    """One message per regressor and kind of effects that is not plainly identified."""
    lines, seen = [], set()
    for f in (f for table in fits.values() for f in table):
        for d in f.diagnoses:
            key = (d.variable, f.effects)
            if d.status != "ok" and key not in seen:
                seen.add(key)
                lines.append(d.message(f.effects))
    return lines


def _write_reports(frame, run, reports, exposure) -> list[Path]:
    """Tables 1-4 and the figures, every one labelled with the run's provenance."""
    tables_dir, figures_dir = reports / "tables", reports / "figures"
    files = []
    for table in build_tables(frame, run, exposure):
        files += write_table(table, tables_dir)
    files.append(coefficient_plot(run.fits, figures_dir / "coefficients.png", run.provenance))
    files.append(trend_figure(frame, figures_dir / "icc_ics_trends.png", run.provenance))
    return files


def build_tables(frame: pd.DataFrame, run: EstimationRun, exposure: str) -> list[Table]:
    """Table 1 (descriptives) and Tables 2-4 (one column per fit) with their notes."""
    tables = [
        Table(
            "table1",
            1,
            CAPTIONS["table1"],
            descriptive_table(frame, exposure),
            descriptive_note(frame, exposure),
            run.provenance,
            align="r",
        )
    ]
    years = frame["year"].nunique()
    standardised = standardisation_text(frame)
    for stem, fits in run.fits.items():
        note = table_note(
            run.specs[stem], fits, exposure=exposure, years=years, standardised=standardised
        )
        number = int(stem.removeprefix("table"))
        cells = regression_table(fits)
        tables.append(
            Table(stem, number, CAPTIONS[stem], cells, note, run.provenance, (STATISTICS_START,))
        )
    return tables


def history_rows(run: EstimationRun) -> pd.DataFrame:
    """The run as rows of ``estimates_history``: one per table, column and term."""
    parts = []
    for table, fits in run.fits.items():
        for spec, fit in zip(run.specs[table], fits, strict=True):
            tidy = fit.tidy()
            tidy.insert(0, "design", spec.design)
            tidy.insert(0, "column_number", spec.column)
            tidy.insert(0, "table_id", table)
            parts.append(tidy)
    rows = pd.concat(parts, ignore_index=True)
    rows.insert(0, "run_time", datetime.now(UTC).replace(tzinfo=None))
    rows.insert(0, "run_id", run.run_id)
    rows["data_fingerprint"] = run.fingerprint
    rows["synthetic"] = run.synthetic
    rows["provenance"] = run.provenance.label()
    return rows
