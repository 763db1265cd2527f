"""``gvc``: the command-line interface of gvc-warehouse.

Each command parses its options and calls one library function, which takes the writer lock
where it writes. Errors carry their exit code (``analysis.errors``) and are mapped in one
place, :func:`main`: 0 ok, 1 bad input or failed checks, 2 could not run; no traceback for
anything a user can cause.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import duckdb

from analysis.config import Paths, check_environment, disable_telemetry
from analysis.defaults import BOOTSTRAP_DRAWS, SEED
from analysis.errors import EXIT_BAD_INPUT, EXIT_CANNOT_RUN, BadInput, GvcError
from analysis.parallel import ClusterSpec, parse_workers

disable_telemetry()
SOURCE_NAMES = ("adb_mrio", "kof", "nbs")


def _paths() -> Paths:
    return Paths.from_env()


# -- options shared by several commands, defined once ------------------------------------
def _edition(_ctx, _param, value: str | None) -> str | None:
    if value is not None and not (value.isdigit() and not value.startswith("0")):
        raise click.BadParameter(
            f"{value!r} is not an edition: the number of economies besides RoW, e.g. 62 or 72"
        )
    return value


def panel_edition_option(f):
    return click.option(
        "--panel-edition",
        envvar="GVC_PANEL_EDITION",
        default=None,
        callback=_edition,
        metavar="EDITION",
        help="MRIO edition of the ICC/ICS panel, e.g. 62 or 72 (env GVC_PANEL_EDITION; "
        "default: 62 when landed, else the only edition landed).",
    )(f)


def cluster_options(f):
    f = click.option(
        "--scheduler",
        envvar="GVC_DASK_SCHEDULER",
        default=None,
        metavar="ADDRESS",
        help="Run the per-file and per-year work on this Dask cluster, e.g. tcp://host:8786 "
        "(env GVC_DASK_SCHEDULER; default: a local cluster).",
    )(f)
    return click.option(
        "--workers",
        envvar="GVC_WORKERS",
        default=None,
        metavar="N",
        help="Local Dask worker processes (env GVC_WORKERS; default: one per core, at most "
        "one per MRIO table to read or compute and one per GiB of available memory, started "
        "only when that makes two or more; 0 runs everything in this process).",
    )(f)


def keep_landed_option(f):
    return click.option(
        "--keep-landed",
        multiple=True,
        type=click.Choice(SOURCE_NAMES),
        help="Keep the landed files of this source when its raw folder is missing or empty "
        "(repeatable). Without it a missing source stops the command.",
    )(f)


def bootstrap_option(f):
    return click.option(
        "--bootstrap-reps",
        type=click.IntRange(min=0),
        default=BOOTSTRAP_DRAWS,
        show_default=True,
        help="Wild cluster bootstrap draws (Webb weights); 0 skips the bootstrap.",
    )(f)


def _start_log(_ctx, _param, path: Path | None) -> Path | None:
    """Send everything the command prints (dbt's lines and errors too) to ``path``."""
    if path is not None:
        from analysis.progress import TimestampedLog

        sys.stdout = sys.stderr = TimestampedLog(path)
    return path


def log_option(f):
    return click.option(
        "--log",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_start_log,
        help="Append every line printed to FILE with a timestamp (its folder is created; no "
        "colour codes): for cron and systemd timers.",
    )(f)


def _cluster(scheduler: str | None, workers: str | None) -> ClusterSpec:
    return ClusterSpec(scheduler or None, parse_workers(workers))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gvc-warehouse")
def cli() -> None:
    """gvc-warehouse: a DuckDB + dbt warehouse for global value chain research.

    Typical session: `gvc sample` (or copy the publishers' files into data/raw/), then
    `gvc build` (ingest, dbt build into a candidate, checks, atomic publication to
    warehouse/gvc.duckdb), `gvc estimate`, `gvc scenario`; later `gvc refresh` on a schedule
    and `gvc sql` at will.

    Locations and settings come from environment variables: GVC_RAW (raw files, default
    data/raw), GVC_LANDING (landed Parquet, default warehouse/landing), GVC_WAREHOUSE
    (published DuckDB file), GVC_HISTORY (estimates, scenarios, refresh log), GVC_REPORTS
    (tables, figures, quality report), GVC_PANEL_EDITION, GVC_DASK_SCHEDULER, GVC_WORKERS;
    unknown GVC_* variables are refused. Exit codes: 0 ok, 1 bad input or failed checks,
    2 could not run.
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
@click.option("--seed", type=int, default=SEED, show_default=True, help="Random seed.")
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
    real downloads. Every file is labelled synthetic, and everything built from it too.
    """
    from analysis.sample import write_sample

    target = raw_dir or _paths().raw
    written = write_sample(target, size=size, years=parse_years(years), seed=seed, progress=True)
    click.echo(f"wrote {len(written)} synthetic raw files to {target}")


@cli.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Choice(SOURCE_NAMES),
    help="Sources to read again (default: all); the others keep their landed files.",
)
@keep_landed_option
@cluster_options
def ingest(sources, keep_landed, scheduler, workers) -> None:
    """Read raw files, validate their structure, land typed long Parquet.

    Every file of every source is hashed; unchanged files are not read again. The new
    landing replaces the old one atomically (all sources or none): a file that breaks a
    rule stops the ingest with a message naming file, sheet, cell and rule, and the previous
    landing stays as it was. Prints, for each file, its year, edition (named or inferred),
    vintage and number of economies.
    """
    from analysis.ingest import ingest as run_ingest
    from analysis.parallel import runner

    with runner(_cluster(scheduler, workers)) as run:
        report = run_ingest(
            _paths(), sources or None, keep_landed=keep_landed, run=run, progress=True
        )
    click.echo(report.describe())


@cli.command()
@click.option("--no-ingest", is_flag=True, help="Build from the current landing as it is.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing is new.")
@click.option("--quiet", is_flag=True, help="Do not echo dbt's log lines.")
@log_option
@panel_edition_option
@keep_landed_option
@cluster_options
def build(no_ingest, force, quiet, panel_edition, keep_landed, scheduler, workers) -> None:
    """Ingest, `dbt build` into a candidate file, check, publish atomically.

    The candidate becomes warehouse/gvc.duckdb only when every model and blocking check
    passed; on failure the message names the failing model or rule with a few offending rows,
    the candidate's report goes to reports/quality/candidate/ and the published warehouse
    (and reports/quality/) is left as it was. A publication leaves its estimates pending
    (warehouse/.refresh_pending) until `gvc estimate` or the next `gvc refresh`. With the
    same raw files, project and settings as the published warehouse nothing is rebuilt
    (--force rebuilds). Only new or changed tables are computed again. Ingest, build and
    refresh share one lock (warehouse/.refresh.lock): one writer at a time.
    """
    from analysis.publish import build_warehouse

    report = build_warehouse(
        _paths(),
        ingest=not no_ingest,
        keep_landed=keep_landed,
        panel_edition=panel_edition,
        force=force,
        cluster=_cluster(scheduler, workers),
        echo=not quiet,
        progress=True,
    )
    if report.ingest is not None:
        click.echo(report.ingest.describe(every_file=False))
    if report.quality is not None:
        click.echo(report.quality.summary())
        click.echo(f"quality report: {report.quality.page}")
    click.secho(report.describe(), fg="green")


@cli.command()
@bootstrap_option
@click.option("--no-scenarios", is_flag=True, help="Do not rerun scenarios.yml.")
@click.option("--verbose", is_flag=True, help="Echo dbt's log lines.")
@log_option
@panel_edition_option
@keep_landed_option
@cluster_options
def refresh(bootstrap_reps, no_scenarios, verbose, panel_edition, keep_landed, scheduler, workers):
    """Rebuild and publish what new or changed raw files affect; log the run.

    Hashes every raw file and compares them with what the published warehouse was built
    from (its gvc_build record); with nothing new it does nothing and says so (unless the
    published warehouse still waits for its estimates: then it re-estimates, "resumed").
    Otherwise it builds (incremental ingest and models, quality gate, atomic publication;
    the published panel edition unless --panel-edition), re-estimates Tables 1-4, reruns the
    declared scenarios and records the run in refresh_log (warehouse/history.duckdb). A
    missing or empty raw folder stops it (see --keep-landed). Schedule it with cron or a
    systemd timer (README, "Scheduled refresh").
    """
    from analysis.refresh import refresh as run_refresh

    result = run_refresh(
        _paths(),
        bootstrap_reps=bootstrap_reps,
        run_scenarios=not no_scenarios,
        keep_landed=keep_landed,
        panel_edition=panel_edition,
        cluster=_cluster(scheduler, workers),
        echo=verbose,
        progress=True,
    )
    _print_refresh(result)
    if result.failed_step:
        raise _AfterPublication(result.message)


class _AfterPublication(GvcError):
    """A refresh published, then a later step failed (exit 2: the step could not run)."""


def _print_refresh(result) -> None:
    if result.status == "nothing new":
        click.echo(f"nothing new: no new or changed raw files ({result.seconds:.1f}s)")
        return
    if result.status.startswith("resumed"):
        click.echo(
            "resumed: the published warehouse was not estimated yet (published by `gvc build`, "
            "or by a refresh stopped before its estimates)"
        )
    elif result.published:
        why = f"changed sources {', '.join(result.changed)}" if result.changed else result.reason
        click.secho(
            f"published: {why}; {result.models_rebuilt} models built; checks {result.checks}",
            fg="green",
        )
    if not result.failed_step:
        click.echo(
            f"re-estimated Tables 1-4 (run {result.estimation_run}); "
            f"{result.scenarios_run} declared scenarios rerun; {result.seconds:.1f}s"
        )


@cli.command()
def docs() -> None:
    """Generate the dbt documentation site (static HTML) of the published warehouse.

    Runs `dbt docs generate --static` against a copy of warehouse/gvc.duckdb (the published
    file is never opened for writing) and writes reports/docs/static_index.html, a single
    self-contained page with every model, column description, test and the lineage graph.
    """
    from analysis.docs import build_docs

    click.echo(f"documentation: {build_docs(_paths())} (open it in a browser)")


class ChecksFailed(BadInput):
    """A blocking quality rule failed on the published warehouse."""


@cli.command()
def check() -> None:
    """Run every quality rule on the published warehouse and write the quality report.

    The dbt tests and the expectation suites run on a private copy of warehouse/gvc.duckdb
    (the published file is never opened for writing). Prints one line per table (rules,
    passed, failed, warnings) and the failures with their table, rule and offending rows, writes
    reports/quality/index.html (a self-contained page) and validation_results.json, and
    exits 1 when a blocking rule fails. Warnings never fail.
    """
    from analysis.publish import check_published

    report = check_published(_paths(), progress=True)
    click.echo(report.summary())
    if report.failures("warning"):
        click.secho("warnings:", fg="yellow")
        click.echo(report.failures("warning"))
    click.echo(f"report: {report.page}; results: {report.results_file}")
    if not report.passed:
        raise ChecksFailed(report.failures())


@cli.command()
@click.option(
    "--cov",
    type=click.Choice(["clustered", "driscoll-kraay"]),
    default="clustered",
    show_default=True,
    help="Covariance: clustered (CRV1, Stata factor: by industry, t(G-1), under year FE; by "
    "industry and year, t(min(G,T)-1), in the trend columns) or Driscoll-Kraay.",
)
@bootstrap_option
@click.option(
    "--exposure",
    type=click.Choice(["backward", "forward", "export"]),
    default="backward",
    show_default=True,
    help="Share s_i of the identified regressor s_i x z(Anti_global): the sector's 2007 "
    "backward or forward GVC participation, or its export intensity.",
)
@click.option("--seed", type=int, default=SEED, show_default=True, help="Bootstrap seed.")
def estimate(cov: str, bootstrap_reps: int, exposure: str, seed: int) -> None:
    """Estimate Tables 1-4 on mart_icc_ics; write tables, figures, estimates history.

    Reads the published warehouse read-only. Prints the identification diagnosis (a
    national, time-only Anti_global is absorbed by year effects and reported as such, never
    dropped silently), writes reports/tables/table1-4 as .md/.tex/.html/.csv and
    reports/figures/*.png, and appends the run to estimates_history in
    warehouse/history.duckdb. Clears the pending mark that `gvc build` leaves
    (warehouse/.refresh_pending), so the next `gvc refresh` does not estimate again.
    """
    from analysis.build_record import clear_pending, read_record
    from analysis.panel.run import estimate_all

    paths = _paths()
    record = read_record(paths.warehouse)  # before the mart is read (see clear_pending)
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
    clear_pending(paths.warehouse, record)
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
    from analysis.panel.report import report_text

    click.echo(report_text(_paths().reports, number))


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
    extraction (docs/scenarios.md: schema, methods, how to read the results). The file is
    validated strictly: an unknown key, code or value stops the run naming it. Results are
    appended to scenario_results in warehouse/history.duckdb; one chart per scenario and year
    goes to reports/figures/scenario_<id>_<year>.png, and charts of scenario-years no longer
    declared in the file are removed. Exit 1: bad scenario file or id; 2: nothing to run on.
    """
    from analysis.scenario import (
        load_scenarios,
        prune_figures,
        run_scenarios,
        select,
        summary_lines,
    )

    paths = _paths()
    path = scenario_file or paths.home / "scenarios.yml"
    figures = paths.reports / "figures"
    declared = load_scenarios(path)
    results = run_scenarios(
        select(declared, ids, path.name), paths.warehouse, paths.history, figures
    )
    removed = prune_figures(declared, figures)
    for line in summary_lines(results):
        click.echo(line)
    if removed:
        click.echo(
            f"removed {len(removed)} charts of scenario-years no longer declared in "
            f"{path.name}: " + ", ".join(p.name for p in removed)
        )
    click.echo(f"results appended to scenario_results in {paths.history}; charts in {figures}")


@cli.command()
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

    from analysis.sql.shell import Display, run_command

    display = Display(
        max_rows=max_rows,
        all_columns=all_columns,
        width=shutil.get_terminal_size(fallback=(120, 24)).columns,
        echo=click.echo,
        error=lambda message: click.secho(message, fg="red", err=True),
    )
    return run_command(_paths(), query, query_file, out, force, display)


def parse_years(spec: str) -> list[int]:
    """'2007-2018' -> [2007, ..., 2018]; '2007,2010-2011' -> [2007, 2010, 2011]."""
    years: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.strip().partition("-")
        try:
            first, last = int(lo), int(hi or lo)
        except ValueError:
            raise BadInput(f"--years: cannot read {part.strip()!r}; use e.g. 2007-2018") from None
        if last < first:
            raise BadInput(f"--years: {part.strip()} runs backwards; write {last}-{first}")
        years.extend(range(first, last + 1))
    return sorted(set(years))


def _stopped(what: str, exc: BaseException) -> str:
    """What an interrupted command leaves: by default nothing published by this run, or
    what the notes added on the way say (a refresh that published, then was stopped)."""
    notes: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # click raises Abort from Ctrl-C
        seen.add(id(current))
        notes += getattr(current, "__notes__", [])
        current = current.__cause__ or current.__context__
    return f"{what}; {'; '.join(notes) or 'nothing was published by this run'}"


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run a command, map every error to its exit code."""
    from analysis.children import Terminated, install_signal_handlers

    install_signal_handlers()
    try:
        check_environment()
        code = cli.main(args=argv, prog_name="gvc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = EXIT_BAD_INPUT
    except (KeyboardInterrupt, click.exceptions.Abort) as exc:
        click.secho(_stopped("interrupted", exc), fg="red", err=True)
        code = 130
    except Terminated as exc:
        click.secho(_stopped("stopped by a signal", exc), err=True)
        code = exc.code
    except GvcError as exc:
        click.secho(str(exc), fg="red", err=True)
        code = exc.exit_code
    except OSError as exc:
        from analysis.errors import describe_os_error

        click.secho(describe_os_error(exc), fg="red", err=True)
        code = EXIT_CANNOT_RUN
    except duckdb.Error as exc:
        click.secho(f"DuckDB: {exc}", fg="red", err=True)
        code = EXIT_CANNOT_RUN
    code = code if isinstance(code, int) else 0
    if argv is None:  # the console script: the program ends here
        from analysis.fast_exit import leave

        leave(code)
    sys.exit(code)


if __name__ == "__main__":
    main()
