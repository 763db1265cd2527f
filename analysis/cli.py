"""``gvc``: the command-line interface of gvc-warehouse.

Each command is a thin call into the package. Exit codes: 0 ok, 1 checks failed (bad input,
failed tests), 2 could not run (usage or environment error).
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from analysis.config import Paths, disable_telemetry

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_ERROR = 0, 1, 2

disable_telemetry()


def _paths() -> Paths:
    return Paths.from_env()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gvc-warehouse")
def cli() -> None:
    """gvc-warehouse: a DuckDB + dbt warehouse for global value chain research.

    Typical session: `gvc sample` (or copy real files into data/raw/), then `gvc build`
    (ingest, dbt build into a candidate, checks, atomic publication to warehouse/gvc.duckdb),
    `gvc estimate`, `gvc scenario`; later `gvc refresh` on a schedule and `gvc sql` at will.

    Locations come from environment variables: GVC_RAW (raw files, default data/raw),
    GVC_LANDING (landed Parquet, default warehouse/landing), GVC_WAREHOUSE (published
    DuckDB file, default warehouse/gvc.duckdb), GVC_HISTORY (estimates, scenarios and
    refresh log, default warehouse/history.duckdb), GVC_REPORTS (tables, figures, quality
    report, default reports). Exit codes: 0 ok, 1 checks failed, 2 could not run.
    """


@cli.command()
@click.option(
    "--size",
    type=click.Choice(["tiny", "default", "full"]),
    default="default",
    show_default=True,
    help="tiny: PRC, USA, RoW; default: PRC + 7 economies + RoW; full: 62 economies + RoW.",
)
@click.option(
    "--years",
    default="2007-2018",
    show_default=True,
    help="Years to write, e.g. 2007-2018 or 2019 or 2007,2010-2012 (MRIO and NBS).",
)
@click.option("--seed", type=int, default=20240607, show_default=True, help="Random seed.")
@click.option(
    "--raw-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write (default: GVC_RAW or data/raw).",
)
def sample(size: str, years: str, seed: int, raw_dir: Path | None) -> None:
    """Write a deterministic SYNTHETIC sample in the publishers' raw layouts.

    ADB-MRIO (one xlsx a year), the KOF Globalisation Index (xlsx, 2022 layout) and NBS
    yearbook-style CSVs go to data/raw/<source>/, where the readers of `gvc ingest` expect
    real downloads. Every file is labelled synthetic.
    """
    from analysis.sample import write_sample

    target = raw_dir or _paths().raw
    t0 = time.perf_counter()
    written = write_sample(target, size=size, years=_parse_years(years), seed=seed, progress=True)
    click.echo(
        f"wrote {len(written)} synthetic raw files to {target} in {time.perf_counter() - t0:.1f}s"
    )


@cli.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Choice(["adb_mrio", "kof", "nbs"]),
    help="Sources to ingest (default: every source folder that has files).",
)
def ingest(sources: tuple[str, ...]) -> None:
    """Read raw files, validate their structure, land typed long Parquet.

    Each source is landed all or nothing under warehouse/landing/<source>/: a file that
    breaks a rule stops the ingest with a message naming file, sheet, cell and rule, and
    the previous landing stays as it was.
    """
    from analysis.ingest import IngestError, ingest_all

    paths = _paths()
    try:
        with _writer_lock(paths):
            report = ingest_all(paths.raw, paths.landing, sources or None, progress=True)
    except IngestError as exc:
        click.secho(f"ingest failed: {exc}", fg="red", err=True)
        click.echo(f"the previous landing in {paths.landing} is unchanged", err=True)
        sys.exit(EXIT_CHECKS_FAILED)
    click.echo(report.describe())


@contextmanager
def _writer_lock(paths: Paths):
    """The lock shared by ingest, build and refresh; exit 2 with a message when taken."""
    from analysis.refresh import RefreshLock, RefreshLocked

    try:
        lock = RefreshLock(paths.warehouse_dir / ".refresh.lock").__enter__()
    except RefreshLocked as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(EXIT_ERROR)
    try:
        yield lock
    finally:
        lock.__exit__(None, None, None)


@cli.command()
@click.option("--no-ingest", is_flag=True, help="Reuse the current landing; skip `gvc ingest`.")
@click.option("--quiet", is_flag=True, help="Do not echo dbt's log lines.")
def build(no_ingest: bool, quiet: bool) -> None:
    """Ingest, `dbt build` into a candidate file, check, publish atomically.

    The candidate becomes warehouse/gvc.duckdb only when every model and test passed; on
    failure the report names the failing model or test with a few offending rows and the
    published warehouse is left as it was. Ingest, build and refresh share one lock
    (warehouse/.refresh.lock): one writer at a time.
    """
    from analysis.ingest import IngestError
    from analysis.publish import BuildError, build_warehouse

    paths = _paths()
    try:
        with _writer_lock(paths):
            report = build_warehouse(paths, ingest=not no_ingest, echo=not quiet, progress=True)
    except (IngestError, BuildError) as exc:
        click.secho(f"build failed: {exc}", fg="red", err=True)
        sys.exit(EXIT_CHECKS_FAILED)
    if report.quality is not None:
        click.echo(report.quality.summary())
    click.secho(report.describe(), fg="green")


@cli.command()
@click.option(
    "--bootstrap-reps",
    type=int,
    default=9999,
    show_default=True,
    help="Wild bootstrap replications of the re-estimation.",
)
@click.option("--no-scenarios", is_flag=True, help="Do not rerun scenarios.yml.")
@click.option("--verbose", is_flag=True, help="Echo dbt's log lines.")
def refresh(bootstrap_reps: int, no_scenarios: bool, verbose: bool) -> None:
    """Rebuild and publish what new or changed raw files affect; log the run.

    Hashes every raw file and compares with the last published refresh; re-ingests only
    changed sources; builds a candidate from the published warehouse with `dbt build
    --select source:<changed>+`; runs the quality gate; publishes atomically; re-estimates
    and reruns the declared scenarios; records the run in refresh_log
    (warehouse/history.duckdb). With nothing new it does nothing and says so. A lock
    (warehouse/.refresh.lock) stops two refreshes at once. Schedule it with cron or a
    systemd timer (README, "Scheduled refresh").
    """
    from analysis.ingest import IngestError
    from analysis.publish import BuildError
    from analysis.refresh import RefreshLocked
    from analysis.refresh import refresh as run_refresh

    try:
        result = run_refresh(
            _paths(),
            bootstrap_reps=bootstrap_reps,
            run_scenarios=not no_scenarios,
            echo=verbose,
            progress=True,
        )
    except RefreshLocked as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(EXIT_ERROR)
    except (IngestError, BuildError) as exc:
        click.secho(f"refresh failed: {exc}", fg="red", err=True)
        sys.exit(EXIT_CHECKS_FAILED)
    if result.status == "nothing new":
        click.echo(f"nothing new: no new or changed raw files ({result.seconds:.1f}s)")
        return
    if result.status == "resumed":
        click.secho("resumed: the last refresh published but stopped before its estimates")
    else:
        click.secho(
            f"published: changed sources {', '.join(result.changed)}; "
            f"{result.models_rebuilt} models rebuilt; checks {result.checks}",
            fg="green",
        )
    click.echo(
        f"re-estimated Tables 1-4 (run {result.estimation_run}); "
        f"{result.scenarios_run} declared scenarios rerun; {result.seconds:.1f}s"
    )
    if result.message:
        click.secho(result.message, fg="yellow")


@cli.command()
def docs() -> None:
    """Generate the dbt documentation site (static HTML) of the published warehouse.

    Runs `dbt docs generate --static` against a copy of warehouse/gvc.duckdb (the published
    file is never opened for writing) and writes reports/docs/static_index.html, a single
    self-contained page with every model, column description, test and the lineage graph.
    """
    import shutil
    import tempfile

    from analysis.dbt_runner import run_dbt

    paths = _paths()
    if not paths.warehouse.exists():
        click.secho(
            f"no published warehouse at {paths.warehouse}: run `gvc build`", fg="red", err=True
        )
        sys.exit(EXIT_ERROR)
    out = paths.reports / "docs"
    with tempfile.TemporaryDirectory(dir=paths.warehouse_dir) as tmp:
        copy = Path(tmp) / "docs.duckdb"
        shutil.copyfile(paths.warehouse, copy)
        result = run_dbt(["docs", "generate", "--static"], paths=paths, database=copy, echo=False)
        target = copy.parent / ".dbt" / "target"
        if result.returncode != 0 or not (target / "static_index.html").exists():
            click.secho(f"dbt docs generate failed:\n{result.output[-3000:]}", fg="red", err=True)
            sys.exit(EXIT_ERROR)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("static_index.html", "index.html", "manifest.json", "catalog.json"):
            if (target / name).exists():
                shutil.copyfile(target / name, out / name)
    click.echo(f"documentation: {out / 'static_index.html'} (open it in a browser)")


@cli.command()
def check() -> None:
    """Run the quality suites (expectations/) on the published warehouse.

    Prints one line per table (checks, passed, failed, warnings), the failures with their
    table, column, rule and offending rows, writes reports/quality/validation_results.json
    and the great-expectations Data Docs (reports/quality/data_docs/index.html), and exits
    1 when a blocking check fails. Warnings (e.g. year-over-year jumps) never fail.
    """
    from analysis.publish import quality_gate

    paths = _paths()
    if not paths.warehouse.exists():
        click.secho(
            f"no published warehouse at {paths.warehouse}: run `gvc build`", fg="red", err=True
        )
        sys.exit(EXIT_ERROR)
    report = quality_gate(paths.warehouse, paths, progress=True)
    click.echo(report.summary())
    if report.failures("warning"):
        click.secho("warnings:", fg="yellow")
        click.echo(report.failures("warning"))
    if not report.passed:
        click.secho(report.failures(), fg="red", err=True)
    click.echo(f"results: {report.results_file}; data docs: {report.docs_index}")
    sys.exit(EXIT_OK if report.passed else EXIT_CHECKS_FAILED)


@cli.command()
@click.option(
    "--cov",
    type=click.Choice(["clustered", "driscoll-kraay"]),
    default="clustered",
    show_default=True,
    help="Covariance: CRV1 clustered by industry (Stata factor, t(G-1)) or Driscoll-Kraay.",
)
@click.option(
    "--bootstrap-reps",
    type=int,
    default=9999,
    show_default=True,
    help="Wild cluster bootstrap replications (Webb weights); 0 skips the bootstrap.",
)
@click.option(
    "--exposure",
    type=click.Choice(["backward", "forward", "export"]),
    default="backward",
    show_default=True,
    help="Share s_i of the identified regressor s_i x z(Anti_global): the sector's 2007 "
    "backward or forward GVC participation, or its export intensity.",
)
@click.option("--seed", type=int, default=20240607, show_default=True, help="Bootstrap seed.")
def estimate(cov: str, bootstrap_reps: int, exposure: str, seed: int) -> None:
    """Estimate Tables 1-4 on mart_icc_ics; write tables, figures, estimates history.

    Reads the published warehouse read-only. Prints the identification diagnosis (a
    national, time-only Anti_global is absorbed by year effects and reported as such, never
    dropped silently), writes reports/tables/table1-4 as .md/.tex/.html/.csv and
    reports/figures/*.png, and appends the run to estimates_history in
    warehouse/history.duckdb.
    """
    from analysis.panel.run import estimate_all

    paths = _paths()
    try:
        run = estimate_all(
            paths.warehouse,
            paths.reports,
            paths.history,
            cov=cov,
            exposure=exposure,
            bootstrap_reps=bootstrap_reps,
            seed=seed,
            progress=True,
        )
    except FileNotFoundError as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(EXIT_ERROR)
    click.secho("Identification diagnosis:", bold=True)
    for line in run.diagnosis or ["every regressor is identified"]:
        click.echo(f"  - {line}")
    if run.synthetic:
        click.secho(
            "  (estimates from the SYNTHETIC sample, not from real statistics)", fg="yellow"
        )
    click.echo(
        f"run {run.run_id} (data fingerprint {run.fingerprint}): "
        f"{len(run.files)} files in {paths.reports}"
    )


@cli.command()
@click.option(
    "--table",
    "number",
    type=click.IntRange(1, 4),
    default=2,
    show_default=True,
    help="Which table to print (1 descriptive, 2 baseline, 3 lagged, 4 mechanisms).",
)
def report(number: int) -> None:
    """Print a table written by `gvc estimate` (Markdown) and list the report files."""
    paths = _paths()
    table = paths.reports / "tables" / f"table{number}.md"
    if not table.exists():
        click.secho(f"{table} does not exist: run `gvc estimate` first", fg="red", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(table.read_text(encoding="utf-8"))
    for folder in ("tables", "figures"):
        files = sorted(p.name for p in (paths.reports / folder).glob("*") if p.is_file())
        click.echo(f"{paths.reports / folder}: {', '.join(files)}")
    quality = paths.reports / "quality" / "data_docs" / "index.html"
    if quality.exists():
        click.echo(f"quality report: {quality}")


@cli.command()
@click.option(
    "--file",
    "scenario_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Scenario YAML (default: scenarios.yml in the project root).",
)
@click.option("--id", "ids", multiple=True, help="Run only these scenario ids.")
def scenario(scenario_file: Path | None, ids: tuple[str, ...]) -> None:
    """Run the declared disruption scenarios on the published warehouse.

    Each scenario shocks a supplier economy, sector or economy-sector by a fraction and
    propagates it with the Leontief (demand) model, the Ghosh (supply) model and hypothetical
    extraction; results are appended to scenario_results in warehouse/history.duckdb and a
    chart of the most affected China manufacturing sectors goes to reports/figures/.
    """
    from analysis.scenario import ScenarioError, load_scenarios, run_scenarios

    paths = _paths()
    try:
        scenarios = load_scenarios(scenario_file or paths.home / "scenarios.yml")
        if ids:
            unknown = set(ids) - {s.id for s in scenarios}
            if unknown:
                raise ScenarioError(f"unknown scenario ids {sorted(unknown)}")
            scenarios = [s for s in scenarios if s.id in ids]
        results = run_scenarios(
            scenarios, paths.warehouse, paths.history, paths.reports / "figures"
        )
    except ScenarioError as exc:
        click.secho(f"scenario failed: {exc}", fg="red", err=True)
        sys.exit(EXIT_CHECKS_FAILED)
    for (sid, year, method), part in results.groupby(["scenario_id", "year", "method"]):
        others = part[~part["is_target"]]
        top = others.nlargest(1, "loss_value").iloc[0]
        rel = others.nlargest(1, "loss_pct").iloc[0]
        click.echo(
            f"{sid} {year} {method}: output lost outside the target "
            f"{others['loss_value'].sum():,.0f} USD mn; largest loss {top['economy']} "
            f"{top['sector']} ({top['loss_value']:,.0f} USD mn, {top['loss_pct']:.2%}); "
            f"largest relative loss {rel['economy']} {rel['sector']} ({rel['loss_pct']:.2%})"
        )
    click.echo(f"results appended to scenario_results in {paths.history}")


class _SqlCommand(click.Command):
    """`gvc sql` exits 1 on a bad option or argument (bad input), like its other refusals."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.exit_code = EXIT_CHECKS_FAILED
            raise


@cli.command(cls=_SqlCommand)
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    help="Read the statements from a .sql file ('-' reads them from stdin).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the result to FILE.csv, FILE.parquet or FILE.json (an array of objects) "
    "instead of printing it. Exactly one statement may return rows; an existing file is "
    "kept unless --force; never inside the warehouse, landing or raw folders.",
)
@click.option("--force", is_flag=True, help="Let --out replace an existing file.")
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    metavar="N",
    default=40,
    show_default=True,
    help="Rows to print per result, N >= 1 (--out saves every row).",
)
@click.option(
    "--all-columns",
    "--wide",
    "all_columns",
    is_flag=True,
    help="Print every column; by default DuckDB elides middle columns to fit the terminal.",
)
def sql(
    query: str | None,
    query_file: Path | None,
    out: Path | None,
    force: bool,
    max_rows: int,
    all_columns: bool,
) -> None:
    """Run read-only SQL on the published warehouse, or start a prompt.

    QUERY (or --file) may hold several statements separated by `;`: all are checked before
    any runs, then each result is printed. Only queries run: SELECT, WITH, FROM, VALUES,
    DESCRIBE, SHOW, SUMMARIZE, PIVOT, EXPLAIN [ANALYZE] of a query and read-only PRAGMAs
    (table_info, show_tables, database_list, version, ...). DDL, DML, COPY, EXPORT, ATTACH,
    INSTALL, LOAD, SET, USE, CALL, CHECKPOINT, transactions and file functions such as
    read_csv are refused: the warehouse changes through `gvc build` and `gvc refresh`, and
    --out saves a result.

    The published file (GVC_WAREHOUSE) is the default catalog `warehouse`; the history tables
    (history.estimates_history, history.scenario_results, history.refresh_log) are a snapshot
    of GVC_HISTORY taken at the start, so a running query never blocks a refresh.

    Without QUERY or --file: on a terminal, a prompt (statements end with `;`, `.tables`,
    `.describe NAME`, `.help`, Ctrl-C cancels a statement, Ctrl-D or \\q quits; history in
    ~/.gvc_sql_history); otherwise the statements are read from stdin.

    Exit codes: 0 ok, 1 refused statement, SQL error or bad option, 2 no published warehouse.
    """
    import shutil

    from analysis.errors import GvcError
    from analysis.sql.shell import Display

    display = Display(
        max_rows=max_rows,
        all_columns=all_columns,
        width=shutil.get_terminal_size(fallback=(120, 24)).columns,
        echo=click.echo,
        error=lambda message: click.secho(message, fg="red", err=True),
    )
    try:  # the lead centralises this mapping later
        status = _run_sql(query, query_file, out, force, display)
    except GvcError as exc:
        display.error(str(exc))
        status = exc.exit_code
    sys.exit(status)


def _run_sql(
    query: str | None, query_file: Path | None, out: Path | None, force: bool, display
) -> int:
    """Run QUERY or --file as a script, else the prompt (a terminal) or stdin; the exit code."""
    from analysis.errors import BadInput
    from analysis.sql.shell import interactive_session, piped_session, run_script

    paths = _paths()
    if query is not None and query_file is not None:
        raise BadInput("give either QUERY or --file, not both")
    if query_file is not None:
        query = _read_sql_file(query_file)
    if query is None:
        if out is not None:
            raise BadInput("--out needs QUERY or --file (use --file - to read stdin)")
        if sys.stdin.isatty():
            return interactive_session(paths, display)
        return piped_session(paths, display)
    run_script(query, paths, display, out=out, force=force)
    return EXIT_OK


def _read_sql_file(path: Path) -> str:
    """The text of a .sql file ('-': stdin); BadInput if it cannot be read as UTF-8."""
    from analysis.errors import BadInput, describe_os_error

    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(describe_os_error(exc, "reading")) from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _parse_years(spec: str) -> list[int]:
    """'2007-2018' -> [2007, ..., 2018]; '2007,2010-2011' -> [2007, 2010, 2011]."""
    years: list[int] = []
    try:
        for part in spec.split(","):
            lo, _, hi = part.strip().partition("-")
            years.extend(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        raise click.BadParameter(f"cannot read years {spec!r}; use e.g. 2007-2018") from None
    return sorted(set(years))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="gvc")


if __name__ == "__main__":
    main()
