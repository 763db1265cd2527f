"""The ``gvc sql`` shell: run a script (QUERY or -f), or read statements from a prompt or stdin.

A script is checked as a whole first: if any statement is refused or does not parse, nothing
runs. Its statements then run one after the other; the first that fails stops the script.
The prompt (and piped stdin) run each statement as soon as its closing ``;`` arrives; a
refused or failing statement prints its message and the next one runs.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analysis.config import Paths
from analysis.connect import HISTORY, HISTORY_TABLES, WAREHOUSE, connect_published
from analysis.errors import BadInput, GvcError
from analysis.sql.gate import Checked, checked_statements
from analysis.sql.output import check_out_path, render, write_result
from analysis.sql.run import Result, execute

HISTORY_FILE = Path("~/.gvc_sql_history")
TABLES_SQL = f"""
select concat_ws('.', nullif(database_name, '{WAREHOUSE}'), nullif(schema_name, 'main'),
                 table_name) as name, kind, approx_rows, column_count as columns
from (
    select database_name, schema_name, table_name, 'table' as kind,
           estimated_size as approx_rows, column_count from duckdb_tables()
    union all
    select database_name, schema_name, view_name, 'view', null, column_count
    from duckdb_views() where not internal
)
where database_name in ('{WAREHOUSE}', '{HISTORY}')
order by database_name = '{HISTORY}', name
"""
META_HELP = """\
.tables            list the tables (history.* is a snapshot taken when the session started)
.describe NAME     columns and types of a table, e.g. .describe mart_icc_ics
.reload            reopen the published warehouse and take a new history snapshot
.help              this list
.quit, .exit, \\q   leave (or Ctrl-D)
SQL statements end with ';' and may span lines. Ctrl-C cancels a running statement or
clears the current input. Only queries run: see `gvc sql --help`."""


def _stdout(text: str) -> None:
    print(text, flush=True)


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class Display:
    """How results are shown: row and column limits, terminal width, where text goes."""

    max_rows: int = 40
    all_columns: bool = False
    width: int = 120
    echo: Callable[[str], None] = field(default=_stdout)
    error: Callable[[str], None] = field(default=_stderr)


class Shell:
    """One ``gvc sql`` session: a locked-down connection to the published warehouse."""

    def __init__(self, paths: Paths, display: Display | None = None) -> None:
        self.paths = paths
        self.display = display or Display()
        self.con = self._connect()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        return connect_published(self.paths.warehouse, history=self.paths.history, lock_down=True)

    def close(self) -> None:
        self.con.close()

    def reload(self) -> None:
        """Reopen the file published now and take a new history snapshot."""
        con = self._connect()
        self.con.close()
        self.con = con

    def run(self, statements: list[Checked], out: Path | None = None) -> None:
        """Run checked statements in turn; show each result, or save the one to ``out``."""
        several = len(statements) > 1
        for number, checked in enumerate(statements, start=1):
            if several and out is None:
                self.display.echo(_header(number, len(statements), checked.text))
            result = execute(self.con, checked.text)
            if out is not None:
                if checked.returns_rows and result.table is not None:
                    write_result(result.table, out)
                    self.display.echo(f"wrote {result.table.num_rows} rows to {out}")
            else:
                self.show(result)

    def show(self, result: Result) -> None:
        if result.table is None:
            self.display.echo("(statement returned no result)")
            return
        d = self.display
        d.echo(render(result.table, max_rows=d.max_rows, all_columns=d.all_columns, width=d.width))

    def meta(self, command: str) -> bool:
        """Run a dot command (.tables, .describe NAME, ...); False when it asks to leave."""
        name, _, argument = command.strip().rstrip(";").partition(" ")
        name, argument = name.lower(), argument.strip()
        if name in (".quit", ".exit", "\\q", "quit", "exit"):
            return False
        if name == ".tables":
            self.show(execute(self.con, TABLES_SQL))
        elif name == ".describe" and argument:
            self.run(checked_statements(f"describe {argument}"))
        elif name == ".describe":
            raise BadInput("usage: .describe NAME, e.g. .describe mart_icc_ics")
        elif name == ".reload":
            self.reload()
            self.display.echo(f"reopened {self.paths.warehouse}; new history snapshot taken")
        elif name in (".help", "\\?"):
            self.display.echo(META_HELP)
        else:
            raise BadInput(f"unknown command {name}; .help lists the commands")
        return True


def _header(number: int, total: int, text: str) -> str:
    first = " ".join(text.split())
    first = first if len(first) <= 70 else first[:67] + "..."
    return f"-- statement {number} of {total}: {first}"


def run_script(
    sql: str, paths: Paths, display: Display, *, out: Path | None = None, force: bool = False
) -> None:
    """Check every statement of ``sql``, then run them (or save the one result to ``out``)."""
    statements = checked_statements(sql)
    target = None
    if out is not None:
        target = check_out_path(out, paths, force=force)
        returning = sum(checked.returns_rows for checked in statements)
        if returning != 1:
            raise BadInput(
                f"--out saves one result, but {returning} of the {len(statements)} statements"
                " return rows: run them one at a time, or combine them into one query"
            )
    shell = Shell(paths, display)
    try:
        shell.run(statements, out=target)
    finally:
        shell.close()


def welcome(paths: Paths) -> str:
    """The lines the interactive prompt starts with."""
    tables = ", ".join(f"{HISTORY}.{name}" for name in HISTORY_TABLES)
    return (
        f"gvc sql: read-only SQL on {paths.warehouse}\n"
        "List tables with .tables (or: show tables;), describe one with .describe mart_icc_ics"
        " (or: describe mart_icc_ics;).\n"
        f"{tables} hold the history (a snapshot taken now; .reload takes a new one).\n"
        "End statements with ';'. Ctrl-C cancels a statement, .help lists commands,"
        " Ctrl-D or \\q quits."
    )


def statement_complete(text: str) -> bool:
    """Whether ``text`` ends with a ';' outside strings and comments."""
    try:
        tokens = [t for t in duckdb.tokenize(text) if t[1] != duckdb.token_type.comment]
    except (duckdb.Error, RuntimeError):
        return text.rstrip().endswith(";")
    return bool(tokens) and text[tokens[-1][0]] == ";"


def read_statements(read_line: Callable[[str], str], interactive: bool) -> Iterator[str]:
    """Complete inputs (SQL ending in ';', or a dot command) from ``read_line``.

    ``read_line(prompt)`` returns one line and raises EOFError at the end. Ctrl-C while a
    statement is being typed clears it. At the end of piped input a last statement without
    ';' is still run; at an interactive prompt it is dropped.
    """
    buffer: list[str] = []
    while True:
        try:
            line = read_line(("...> " if buffer else "gvc> ") if interactive else "")
        except KeyboardInterrupt:
            buffer.clear()
            print(flush=True)
            continue
        except EOFError:  # Ctrl-D or the end of piped input
            if interactive:
                print(flush=True)
            elif "".join(buffer).strip():
                yield "\n".join(buffer)
            return
        stripped = line.strip()
        if not buffer and (stripped.startswith((".", "\\")) or stripped in ("quit", "exit")):
            yield stripped
            continue
        if not buffer and not stripped:
            continue
        buffer.append(line)
        text = "\n".join(buffer)
        if statement_complete(text):
            buffer.clear()
            yield text


def run_prompt(shell: Shell, read_line: Callable[[str], str], interactive: bool) -> int:
    """Run each input as it completes; print failures and go on. Exit status: 1 if any failed
    in piped input (0 at an interactive prompt), 2 if a statement could not run."""
    status, inputs = 0, 0
    for text in read_statements(read_line, interactive):
        inputs += 1
        try:
            if text.startswith((".", "\\")) or text in ("quit", "exit"):
                if not shell.meta(text):
                    break
            else:
                shell.run(checked_statements(text))
        except GvcError as exc:
            shell.display.error(str(exc))
            status = max(status, exc.exit_code)
        except KeyboardInterrupt:  # Ctrl-C between statements: drop the rest of the input
            shell.display.error("cancelled")
            status = max(status, 2)
    if interactive:
        return 0
    if inputs == 0:
        raise BadInput("no SQL statement given: pass QUERY, --file FILE, or statements on stdin")
    return status


def stdin_line(prompt: str) -> str:
    """One line of piped stdin (EOFError at the end)."""
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


@contextlib.contextmanager
def line_editing(history_file: Path = HISTORY_FILE) -> Iterator[None]:
    """readline line editing with a persistent history; problems with the file are ignored."""
    try:
        import readline
    except ImportError:  # pragma: no cover - platforms without readline
        yield
        return
    path = history_file.expanduser()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)


def answer_ctrl_c() -> None:
    """Make Ctrl-C reach the prompt even when gvc inherited SIGINT blocked or ignored (from a
    script or a test runner: a process keeps both across exec, and Python then leaves
    SIGINT ignored), so that it drops the input typed or cancels the running statement."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.default_int_handler)


def interactive_session(paths: Paths, display: Display) -> int:
    """The prompt on a terminal: welcome, line editing, history file, Ctrl-C handling."""
    answer_ctrl_c()
    shell = Shell(paths, display)
    try:
        display.echo(welcome(paths))
        with line_editing():
            return run_prompt(shell, input, interactive=True)
    finally:
        shell.close()


def piped_session(paths: Paths, display: Display) -> int:
    """Statements (and dot commands) from piped stdin, run as each one completes."""
    shell = Shell(paths, display)
    try:
        return run_prompt(shell, stdin_line, interactive=False)
    finally:
        shell.close()


def run_command(
    paths: Paths,
    query: str | None,
    query_file: Path | None,
    out: Path | None,
    force: bool,
    display: Display,
) -> int:
    """``gvc sql``: QUERY or --file as a script, else the prompt (a terminal) or stdin.

    Returns the exit code (0, or 1 when a statement failed in the prompt); bad input raises.
    """
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
    return 0


def _read_sql_file(path: Path) -> str:
    """The text of a .sql file ('-': stdin); BadInput if it cannot be read as UTF-8."""
    from analysis.errors import describe_os_error

    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(describe_os_error(exc, "reading")) from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
