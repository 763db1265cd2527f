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
from analysis.panel.spec import Spec, table_specs
from analysis.panel.tables import descriptive_table, regression_table, table_note, write_table
from analysis.provenance import Provenance, from_mart

TITLES = {
    "table1": "Table 1. Descriptive statistics",
    "table2": "Table 2. Baseline: anti-globalisation and GVC embeddedness (ICC) and status (ICS)",
    "table3": "Table 3. Robustness: anti-globalisation lagged one year",
    "table4": "Table 4. Mechanisms: technology (Tech), asset structure (Infina), human capital",
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
    run.files = _write_reports(frame, run, reports, exposure, bootstrap_reps)
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
    regressor without year effects sees (econometrics.md, E4): only for year-effects designs.
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


def _write_reports(frame, run, reports, exposure, bootstrap_reps) -> list[Path]:
    tables_dir, figures_dir = reports / "tables", reports / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    sample_note = " SYNTHETIC SAMPLE DATA." if run.synthetic else ""
    files = write_table(
        descriptive_table(frame),
        tables_dir,
        "table1",
        TITLES["table1"],
        f"N, mean, sd (ddof 1), min, max over the panel.{sample_note}",
    )
    years = frame["year"].nunique()
    for table, fits in run.fits.items():
        note = table_note(fits, run.synthetic, exposure=exposure, years=years, reps=bootstrap_reps)
        files += write_table(
            regression_table(fits, reps=bootstrap_reps), tables_dir, table, TITLES[table], note
        )
    all_fits = [f for fits in run.fits.values() for f in fits]
    provenance = run.provenance
    files.append(coefficient_plot(all_fits, figures_dir / "coefficients.png", provenance))
    files.append(trend_figure(frame, figures_dir / "icc_ics_trends.png", provenance))
    return files


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
