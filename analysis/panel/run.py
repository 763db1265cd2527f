"""``gvc estimate``: Tables 1-4, identification diagnosis, figures, estimates history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from rich.progress import Progress

from analysis.panel.data import fingerprint, is_synthetic, load_mart
from analysis.panel.estimate import PanelFit, cluster_jackknife, fit_panel, wild_bootstrap_pvalue
from analysis.panel.figures import coefficient_plot, trend_figure
from analysis.panel.history import append_history
from analysis.panel.spec import table_specs
from analysis.panel.tables import descriptive_table, regression_table, table_note, write_table
from analysis.provenance import Provenance, SourceProvenance

TITLES = {
    "table1": "Table 1. Descriptive statistics",
    "table2": "Table 2. Baseline: anti-globalisation and GVC embeddedness (ICC) and status (ICS)",
    "table3": "Table 3. Robustness: anti-globalisation lagged one year",
    "table4": "Table 4. Mechanisms: technology (Tech), asset structure (Infina), human capital",
}


@dataclass
class EstimationRun:
    run_id: str
    fingerprint: str
    synthetic: bool
    fits: dict[str, list[PanelFit]]
    diagnosis: list[str]
    files: list[Path] = field(default_factory=list)


def estimate_all(
    warehouse: Path,
    reports: Path,
    history: Path,
    *,
    cov: str = "clustered",
    exposure: str = "backward",
    bootstrap_reps: int = 9999,
    seed: int = 20240607,
    progress: bool = False,
) -> EstimationRun:
    """Estimate Tables 2-4 on ``mart_icc_ics``, write tables and figures, record the run."""
    frame = load_mart(warehouse)
    synthetic = is_synthetic(frame)
    run = EstimationRun(uuid.uuid4().hex[:12], fingerprint(frame), synthetic, {}, [])
    specs = table_specs(exposure)
    total = sum(len(v) for v in specs.values())
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("estimating", total=total)
        for table, table_specs_ in specs.items():
            fits = []
            for spec in table_specs_:
                fit = fit_panel(
                    frame,
                    spec.dependent,
                    spec.regressors,
                    effects=spec.effects,
                    cov=cov,
                    name=spec.name,
                )
                interest = spec.interest
                # industry-clustered jackknife and bootstrap ignore the common shocks that a
                # national regressor without year effects sees (econometrics.md, E4): only
                # for the year-effects designs
                if interest not in fit.absorbed and spec.effects == "twoway":
                    se, p = cluster_jackknife(frame, fit, interest)
                    fit.cv3_se[interest], fit.cv3_p[interest] = se, p
                    if bootstrap_reps > 0:
                        fit.boot_pvalues[interest] = wild_bootstrap_pvalue(
                            frame, fit, interest, reps=bootstrap_reps, seed=seed
                        )
                fits.append(fit)
                bar.advance(task)
            run.fits[table] = fits
    seen = set()
    for fits in run.fits.values():
        for f in fits:
            for d in f.diagnoses:
                key = (d.variable, f.effects)
                if d.status != "ok" and key not in seen:
                    seen.add(key)
                    run.diagnosis.append(d.message(f.effects))

    tables_dir, figures_dir = reports / "tables", reports / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    sample_note = " SYNTHETIC SAMPLE DATA." if synthetic else ""
    run.files += write_table(
        descriptive_table(frame),
        tables_dir,
        "table1",
        TITLES["table1"],
        f"N, mean, sd (ddof 1), min, max over the panel.{sample_note}",
    )
    years = frame["year"].nunique()
    for table, fits in run.fits.items():
        note = table_note(fits, synthetic, exposure=exposure, years=years, reps=bootstrap_reps)
        run.files += write_table(
            regression_table(fits, reps=bootstrap_reps), tables_dir, table, TITLES[table], note
        )
    all_fits = [f for fits in run.fits.values() for f in fits]
    provenance = Provenance((SourceProvenance("adb_mrio", synthetic),))  # provisional
    run.files.append(coefficient_plot(all_fits, figures_dir / "coefficients.png", provenance))
    run.files.append(trend_figure(frame, figures_dir / "icc_ics_trends.png", provenance))

    now = datetime.now(UTC).replace(tzinfo=None)
    tidy = pd.concat([f.tidy() for f in all_fits], ignore_index=True)
    tidy.insert(0, "run_time", now)
    tidy.insert(0, "run_id", run.run_id)
    tidy["data_fingerprint"] = run.fingerprint
    tidy["synthetic"] = synthetic
    append_history(history, tidy)
    return run
