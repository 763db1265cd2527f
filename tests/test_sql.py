"""`gvc sql`: the read-only gate, connections to the published file, the history snapshot,
--out, display, the prompt (library, piped stdin and a real terminal) and exit codes.

Most tests use a hand-made warehouse (fast); the two end-to-end tests use a tiny warehouse
built the way `gvc build` builds it.
"""

from __future__ import annotations

import _thread
import os
import pty
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from analysis.config import Paths
from analysis.connect import connect_published, snapshot_history
from analysis.errors import BadInput, CannotRun
from analysis.sql import (
    QueryCancelled,
    QueryError,
    ReadOnlyViolation,
    check_read_only,
    execute,
    run_query,
)
from analysis.sql.shell import Display, Shell, run_prompt, run_script, statement_complete
from tests.cli import paths_under

BIN = Path(sys.executable).parent
SLOW = "select count(*) from range(1000000) a, range(1000000) b where a.range + b.range > 3"


def _make_warehouse(path: Path, icc_offset: float = 0.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table mart_icc_ics as select range as id, 'c' || (range % 35 + 1) as sector,"
            f" 2008 + range % 2 as year, range / 100 + {icc_offset} as icc from range(100)"
        )
        columns = ", ".join(f"{i} as column_number_{i}" for i in range(30))
        con.execute(f"create table wide as select {columns}")


def _make_history(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create table estimates_history as select 1 as run_id, 0.5 as coef")
        con.execute("create table scenario_results as select 's1' as scenario_id")
        con.execute("create table refresh_log as select 1 as run_id")


@pytest.fixture(scope="module")
def handmade(tmp_path_factory, repo_root) -> Paths:
    """A hand-made warehouse and history file; raw and landing folders exist but are empty."""
    paths = paths_under(tmp_path_factory.mktemp("sql"), repo_root)
    paths.raw.mkdir()
    paths.landing.mkdir()
    _make_warehouse(paths.warehouse)
    _make_history(paths.history)
    return paths


@pytest.fixture(scope="module")
def built(tiny_published, tmp_path_factory) -> Paths:
    """The tiny warehouse published as `gvc build` publishes it (conftest), with a history
    file of this module's own."""
    paths = replace(tiny_published, history=tmp_path_factory.mktemp("sql_history") / "h.duckdb")
    _make_history(paths.history)
    return paths


def env_for(paths: Paths, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GVC_HOME=str(paths.home),
        GVC_RAW=str(paths.raw),
        GVC_LANDING=str(paths.landing),
        GVC_WAREHOUSE=str(paths.warehouse),
        GVC_HISTORY=str(paths.history),
        GVC_REPORTS=str(paths.reports),
        HOME=str(home),
        COLUMNS="100",
    )
    return env


def gvc_sql(paths: Paths, *args: str, cwd: Path, stdin: str | None = None):
    return subprocess.run(
        [str(BIN / "gvc"), "sql", *args],
        env=env_for(paths, cwd),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(result: subprocess.CompletedProcess, code: int = 1) -> str:
    """The single stderr line of a refused call (exit ``code``, no traceback)."""
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def count(path: Path, sql: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def _display() -> tuple[Display, list[str], list[str]]:
    out: list[str] = []
    err: list[str] = []
    return Display(max_rows=40, width=100, echo=out.append, error=err.append), out, err


# --- 1. the read-only gate ----------------------------------------------------------------

ACCEPTED = [
    "select 1",
    "with a as (select 1 as x) select * from a",
    "values (1), (2)",
    "from mart_icc_ics select icc",
    "describe mart_icc_ics",
    "show tables",
    "summarize mart_icc_ics",
    "pivot mart_icc_ics on year using sum(icc)",
    "explain select * from mart_icc_ics",
    "explain analyze select count(*) from mart_icc_ics",
    "explain (format json) select 1",
    "/* a comment */ select 1 -- and another",
    "pragma table_info('mart_icc_ics')",
    "pragma show_tables",
    "pragma database_list",
    "pragma version",
]

REFUSED = [
    ("drop table mart_icc_ics", "DROP TABLE"),
    ("insert into mart_icc_ics select * from mart_icc_ics", "INSERT INTO"),
    ("update mart_icc_ics set icc = 0", "UPDATE"),
    ("delete from mart_icc_ics", "DELETE FROM"),
    ("create temp table t as select 1", "CREATE TEMP TABLE"),
    ("copy (select 1) to 'leak.csv'", "COPY"),
    ("export database 'leak'", "EXPORT DATABASE"),
    ("attach 'other.duckdb' as other", "ATTACH"),
    ("detach history", "DETACH"),
    ("install httpfs", "INSTALL"),
    ("load httpfs", "LOAD"),
    ("set threads = 1", "SET"),
    ("reset threads", "RESET"),
    ("call duckdb_tables()", "CALL"),
    ("use history", "USE"),
    ("checkpoint", "CHECKPOINT"),
    ("vacuum", "VACUUM"),
    ("begin transaction", "BEGIN TRANSACTION"),
    ("commit", "COMMIT"),
    ("pragma memory_limit = '1GB'", "PRAGMA memory_limit"),
    ("pragma enable_profiling", "PRAGMA enable_profiling"),
    ("pragma profiling_output = '/tmp/profile.json'", "PRAGMA profiling_output"),
    ("import database 'dump'", "IMPORT DATABASE"),
    ("explain analyze create temp table t as select 1", "EXPLAIN ANALYZE CREATE TEMP TABLE"),
    ("explain analyze insert into mart_icc_ics select * from mart_icc_ics", "EXPLAIN ANALYZE"),
    ("explain -- sneaky\n analyze insert into mart_icc_ics values (1)", "INSERT INTO"),
    ("explain (analyze) insert into mart_icc_ics select * from mart_icc_ics", "INSERT INTO"),
    ("explain copy mart_icc_ics to 'leak.csv'", "EXPLAIN COPY"),
    ("with x as (insert into mart_icc_ics values (1) returning *) select * from x", "INSERT"),
    ("with x as (copy (select 1) to 'leak.csv') select * from x", "COPY"),
    ("/* hidden */ drop table mart_icc_ics", "DROP TABLE"),
    ("create table t as pivot mart_icc_ics on year", "CREATE TABLE"),
    ("select * from checkpoint()", "checkpoint()"),
    ("select * from force_checkpoint()", "force_checkpoint()"),
    ("from main.force_checkpoint()", "force_checkpoint()"),
    ("select (select count(*) from checkpoint()) as n", "checkpoint()"),
    ("with c as (from checkpoint()) select * from c", "checkpoint()"),
    ("explain analyze select * from checkpoint()", "EXPLAIN ANALYZE"),
    ("select * from enable_profiling()", "enable_profiling()"),
    ("select * from query('select * from checkpoint()')", "query()"),
    (
        "select * from json_execute_serialized_sql(json_serialize_sql("
        "'with x as (insert into t values (1) returning *) select * from x'))",
        "json_execute_serialized_sql()",
    ),
]


@pytest.mark.parametrize("statement", ACCEPTED)
def test_gate_accepts_queries(statement):
    assert len(check_read_only(statement)) == 1


@pytest.mark.parametrize(("statement", "label"), REFUSED, ids=[r[1] for r in REFUSED])
def test_gate_refuses_everything_else_naming_it(statement, label):
    with pytest.raises(ReadOnlyViolation) as info:
        check_read_only(f"select 1; {statement}")
    message = str(info.value)
    assert isinstance(info.value, BadInput) and info.value.exit_code == 1
    assert f"{label} " in message and "gvc sql is read-only" in message, message
    assert "`gvc build`" in message and "`gvc refresh`" in message and "--out" in message
    assert "\n" not in message


def test_gate_syntax_error_is_bad_input_on_one_line():
    with pytest.raises(QueryError) as info:
        check_read_only("selec 1")
    assert info.value.exit_code == 1
    assert 'syntax error at or near "selec"' in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(QueryError, match="no SQL statement"):
        check_read_only("  -- nothing\n")


def test_refused_script_runs_nothing(handmade, tmp_path):
    result = gvc_sql(handmade, "select 'first' as shown_first; drop table wide", cwd=tmp_path)
    assert "DROP TABLE" in one_line_error(result)
    assert "shown_first" not in result.stdout
    assert count(handmade.warehouse, "select count(*) from wide") == 1


def test_file_access_is_disabled_and_reported_as_bad_input(handmade, tmp_path):
    result = gvc_sql(handmade, "select * from read_csv('/etc/hostname')", cwd=tmp_path)
    assert "reading or writing files" in one_line_error(result)
    assert "disabled" in result.stderr


# --- 2. attached paths are passed safely --------------------------------------------------


def test_paths_with_quotes_spaces_and_non_ascii(handmade, tmp_path):
    folder = tmp_path / "it's a wärehouse; drop table x --"
    warehouse = folder / "gvc 'published' é.duckdb"
    history = folder / "hist'ory ü.duckdb"
    folder.mkdir()
    shutil.copy(handmade.warehouse, warehouse)
    shutil.copy(handmade.history, history)
    with connect_published(warehouse, history=history, lock_down=True) as con:
        assert con.execute("select count(*) from mart_icc_ics").fetchall() == [(100,)]
        assert con.execute("select run_id from history.refresh_log").fetchall() == [(1,)]
    paths = Paths(**{**handmade.__dict__, "warehouse": warehouse, "history": history})
    result = gvc_sql(
        paths, "select count(*) as n from mart_icc_ics, history.refresh_log", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "│   100 │" in result.stdout


# --- 3. readers never break writers: the history snapshot ----------------------------------

WRITER = """
import sys, duckdb
with duckdb.connect(sys.argv[1]) as con:
    con.execute("insert into refresh_log values (2)")
"""


def test_history_is_a_snapshot_that_never_holds_the_file(handmade, tmp_path):
    history = tmp_path / "history.duckdb"
    shutil.copy(handmade.history, history)
    with connect_published(handmade.warehouse, history=history) as con:
        writer = subprocess.run(
            [sys.executable, "-c", WRITER, str(history)], capture_output=True, text=True
        )
        assert writer.returncode == 0, writer.stderr  # another process appended meanwhile
        assert con.execute("select count(*) from history.refresh_log").fetchall() == [(1,)]
    with connect_published(handmade.warehouse, history=history) as con:
        assert con.execute("select count(*) from history.refresh_log").fetchall() == [(2,)]


def test_history_held_by_a_writer_is_waited_for_then_cannot_run(handmade, tmp_path):
    history = tmp_path / "history.duckdb"
    shutil.copy(handmade.history, history)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(60)",
            str(history),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with duckdb.connect() as con, pytest.raises(CannotRun) as info:
            snapshot_history(con, history, wait=0.5)
        assert info.value.exit_code == 2 and str(history) in str(info.value)
    finally:
        holder.kill()
        holder.wait()


class Pipe:
    """The lines of a subprocess pipe, read by a helper thread (a pipe cannot be polled)."""

    def __init__(self, stream) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def until(self, marker: str | None, timeout: float = 60.0) -> str:
        """Everything read until a line contains ``marker`` (None: until the end)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            self.seen.append(line)
            if marker is not None and marker in line:
                return "".join(self.seen)
        if marker is not None:
            raise AssertionError(f"{marker!r} not seen in {''.join(self.seen)!r}")
        return "".join(self.seen)


def test_a_writer_appends_while_a_slow_query_runs_and_ctrl_c_cancels_it(handmade, tmp_path):
    paths = Paths(**{**handmade.__dict__, "history": tmp_path / "history.duckdb"})
    shutil.copy(handmade.history, paths.history)
    script = f"select 'ready' as status;\n{SLOW};\nselect 'after' || 42 as next_one;\n"
    proc = subprocess.Popen(
        [str(BIN / "gvc"), "sql"],
        env=env_for(paths, tmp_path),
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        proc.stdin.write(script)
        proc.stdin.close()
        stdout = Pipe(proc.stdout)
        stdout.until("ready")
        time.sleep(0.5)  # the slow statement is running now
        with duckdb.connect(str(paths.history)) as writer:  # a refresh appending
            writer.execute("insert into refresh_log values (2)")
        assert proc.poll() is None, "the slow query should still be running"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        shown, stderr = stdout.until(None), proc.stderr.read()
    finally:
        proc.kill()
    assert "statement cancelled" in stderr and "Traceback" not in stderr, stderr
    assert "after42" in shown  # the next statement still ran
    assert proc.returncode == 2
    assert count(paths.history, "select count(*) from refresh_log") == 2


# --- 4. connect_published always opens the file published now -----------------------------


def test_connect_published_sees_a_replaced_file_plain_connect_does_not(handmade, tmp_path):
    warehouse = tmp_path / "wh" / "gvc.duckdb"
    _make_warehouse(warehouse)
    total = "select sum(icc) from mart_icc_ics"
    first = connect_published(warehouse, history=False)
    plain = duckdb.connect(str(warehouse), read_only=True)
    before = first.execute(total).fetchall()
    candidate = tmp_path / "wh" / "candidate.duckdb"
    _make_warehouse(candidate, icc_offset=1.0)
    os.replace(candidate, warehouse)  # what `gvc build` does to publish
    try:
        with connect_published(warehouse, history=False) as second:
            after = second.execute(total).fetchall()
        assert after[0][0] == pytest.approx(before[0][0] + 100)  # the new file
        with duckdb.connect(str(warehouse), read_only=True) as again:
            assert again.execute(total).fetchall() == before  # DuckDB's cached instance: stale
        assert first.execute(total).fetchall() == before  # open connections keep their file
    finally:
        first.close()
        plain.close()


def test_connect_published_without_a_warehouse_cannot_run(tmp_path):
    with pytest.raises(CannotRun) as info:
        connect_published(tmp_path / "missing.duckdb")
    assert info.value.exit_code == 2 and "gvc build" in str(info.value)


def test_connect_published_defaults_come_from_the_environment(handmade, monkeypatch):
    monkeypatch.setenv("GVC_WAREHOUSE", str(handmade.warehouse))
    monkeypatch.setenv("GVC_HISTORY", str(handmade.history))
    with connect_published() as con:
        names = {row[0] for row in con.execute("show databases").fetchall()}
        assert {"warehouse", "history"} <= names
        assert con.execute("select count(*) from history.estimates_history").fetchall() == [(1,)]
    assert run_query("select count(*) as n from wide").iloc[0, 0] == 1


# --- cancelling through the library ---------------------------------------------------------


def test_interrupt_cancels_a_statement_and_the_connection_stays_usable(handmade):
    with connect_published(handmade.warehouse, history=False, lock_down=True) as con:
        timer = threading.Timer(0.5, con.interrupt)
        timer.start()
        started = time.monotonic()
        with pytest.raises(QueryCancelled) as info:
            execute(con, SLOW)
        assert time.monotonic() - started < 20 and info.value.exit_code == 2
        assert execute(con, "select 42 as answer").table.to_pylist() == [{"answer": 42}]


def test_ctrl_c_cancels_and_the_connection_is_free_at_once(handmade):
    """Ctrl-C (KeyboardInterrupt in the main thread) returns only once DuckDB has let go."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("Ctrl-C is delivered to the main thread only")
    con = connect_published(handmade.warehouse, history=False, lock_down=True)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(QueryCancelled):
            execute(con, SLOW)
    finally:
        timer.join()
        con.close()  # 'connection is busy' if the statement were still running


class _LateStart:
    """A connection whose statement starts executing only after the first interrupt came:
    DuckDB clears its interrupt flag when a query starts, so that one is lost."""

    def __init__(self) -> None:
        self.interrupts = 0
        self.cancelled_while_running = threading.Event()

    def interrupt(self) -> None:
        self.interrupts += 1

    def sql(self, _statement: str) -> _LateStart:
        _thread.interrupt_main()  # Ctrl-C while the statement is parsed and bound
        time.sleep(0.2)  # ... so the first interrupt lands before it runs
        return self

    def to_arrow_table(self):
        seen = self.interrupts  # forgotten when the query starts
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            if self.interrupts > seen:
                self.cancelled_while_running.set()
                raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
            time.sleep(0.01)
        return None  # the statement ran to its end: Ctrl-C did not stop it


def test_ctrl_c_before_the_statement_starts_still_cancels_it():
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("Ctrl-C is delivered to the main thread only")
    con, handler = _LateStart(), signal.getsignal(signal.SIGINT)
    with pytest.raises(QueryCancelled):
        execute(con, "select 1")
    assert con.cancelled_while_running.is_set()
    assert signal.getsignal(signal.SIGINT) is handler  # the statement's own handler is gone


# --- 5. --out --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_out_writes_every_row(handmade, tmp_path, suffix):
    display, shown, _ = _display()
    out = tmp_path / f"result{suffix}"
    run_script("select id, sector, icc from mart_icc_ics", handmade, display, out=out)
    reader = {".csv": "read_csv", ".parquet": "read_parquet", ".json": "read_json"}[suffix]
    with duckdb.connect() as con:
        rows = con.execute(f"select count(*), sum(id) from {reader}(?)", [str(out)]).fetchall()
    assert rows == [(100, 4950)]
    assert shown == [f"wrote 100 rows to {out}"]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_out_refuses_to_overwrite_unless_forced(handmade, tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("keep me\n")
    refused = gvc_sql(handmade, "select 1 as a", "--out", str(out), cwd=tmp_path)
    assert "--force" in one_line_error(refused) and str(out) in refused.stderr
    assert out.read_text() == "keep me\n"
    forced = gvc_sql(handmade, "select 1 as a", "--out", str(out), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert out.read_text() == "a\n1\n"


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("wh/r.csv", "inside the warehouse folder"),
        ("landing/r.parquet", "inside the landing folder"),
        ("raw/r.csv", "inside the raw folder"),
        ("link/r.csv", "inside the warehouse folder"),  # a symlink to the warehouse folder
        ("missing/r.csv", "does not exist"),
        ("r.xlsx", "accepted: .csv, .parquet, .json"),
        ("r", "accepted: .csv, .parquet, .json"),
    ],
)
def test_out_refusals_are_one_line(handmade, tmp_path, where, expected):
    link = tmp_path / "link"
    link.symlink_to(handmade.warehouse.parent, target_is_directory=True)
    root = handmade.warehouse.parent.parent
    target = (root if where.split("/")[0] in ("wh", "landing", "raw") else tmp_path) / where
    result = gvc_sql(handmade, "select 1", "--out", str(target), cwd=tmp_path)
    message = one_line_error(result)
    assert expected in message and str(target) in message, message
    assert not target.exists()


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (root ignores mode bits: try /sys)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    for folder in (locked, Path("/sys")):
        try:
            fd, probe = tempfile.mkstemp(dir=folder)
        except OSError:
            return folder
        os.close(fd)
        os.unlink(probe)
    pytest.skip("no unwritable folder available")


def test_out_into_an_unwritable_folder(handmade, tmp_path):
    locked = _unwritable_folder(tmp_path)
    result = gvc_sql(handmade, "select 1", "--out", str(locked / "r.csv"), cwd=tmp_path)
    message = one_line_error(result)
    assert "cannot write in folder" in message and str(locked) in message, message


def test_out_needs_exactly_one_result(handmade, tmp_path):
    out = tmp_path / "r.csv"
    result = gvc_sql(handmade, "select 1; select 2", "--out", str(out), cwd=tmp_path)
    assert "2 of the 2 statements return rows" in one_line_error(result)
    assert not out.exists()
    prompt = gvc_sql(handmade, "--out", str(out), cwd=tmp_path, stdin="select 1;")
    assert "--out needs QUERY or --file" in one_line_error(prompt)


# --- 6. every statement shown, every column on request ---------------------------------------


def test_every_statement_of_a_file_is_shown_with_a_header(handmade, tmp_path):
    script = tmp_path / "q.sql"
    script.write_text(
        "-- two queries\nselect count(*) as n_rows from mart_icc_ics;\n"
        "select run_id from history.refresh_log;\n",
        encoding="utf-8",
    )
    result = gvc_sql(handmade, "-f", str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "-- statement 1 of 2: select count(*) as n_rows" in result.stdout
    assert "-- statement 2 of 2: select run_id from history.refresh_log" in result.stdout
    assert "n_rows" in result.stdout and "run_id" in result.stdout
    single = gvc_sql(handmade, "select 1 as one", cwd=tmp_path)
    assert "-- statement" not in single.stdout


def test_all_columns_and_max_rows(handmade, tmp_path):
    elided = gvc_sql(handmade, "select * from wide", cwd=tmp_path)
    assert "column_number_15" not in elided.stdout and "--all-columns" in elided.stdout
    for flag in ("--all-columns", "--wide"):
        every = gvc_sql(handmade, "select * from wide", flag, cwd=tmp_path)
        assert all(f"column_number_{i} " in every.stdout for i in range(30)), every.stdout
    long = gvc_sql(handmade, "select * from mart_icc_ics", "--max-rows", "5", cwd=tmp_path)
    assert "100 rows (5 shown)" in long.stdout and "use --out" in long.stdout, long.stdout


def test_explain_prints_the_whole_plan(handmade, tmp_path):
    result = gvc_sql(handmade, "explain select * from mart_icc_ics where id > 3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Filters: id > 3" in result.stdout and "mart_icc_ics" in result.stdout


# --- 8. exit codes and options ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--max-rows", "0", "select 1"],
        ["--max-rows", "many", "select 1"],
        ["-f", "missing.sql"],
        ["-f", "q.sql", "select 1"],
        ["--bogus", "select 1"],
    ],
)
def test_bad_options_exit_1(handmade, tmp_path, args):
    (tmp_path / "q.sql").write_text("select 1;")
    result = gvc_sql(handmade, *args, cwd=tmp_path)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_sql_error_and_missing_warehouse(handmade, tmp_path):
    syntax = gvc_sql(handmade, "selec 1", cwd=tmp_path)
    assert 'syntax error at or near "selec"' in one_line_error(syntax)
    unknown = gvc_sql(handmade, "select * from mart_icc", cwd=tmp_path)
    assert "mart_icc does not exist" in one_line_error(unknown)
    paths = Paths(**{**handmade.__dict__, "warehouse": tmp_path / "none" / "gvc.duckdb"})
    missing = gvc_sql(paths, "select 1", cwd=tmp_path)
    assert "gvc build" in one_line_error(missing, code=2)


def test_help_explains_every_option(handmade, tmp_path):
    result = gvc_sql(handmade, "--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in ("--file", "--out", "--force", "--max-rows", "--all-columns", "--wide"):
        assert option in result.stdout, option
    for word in ("history.refresh_log", ".tables", "Ctrl-C", "gvc build", "Exit codes"):
        assert word in result.stdout, word


# --- 7. the prompt -----------------------------------------------------------------------------


def test_statement_complete_ignores_semicolons_in_strings_and_comments():
    assert statement_complete("select 1;")
    assert statement_complete("select 1; -- done")
    assert statement_complete("select\n  1\n;")
    assert not statement_complete("select ';'")
    assert not statement_complete("select 1 -- ;")
    assert not statement_complete("select 'a;")


def test_prompt_loop_runs_meta_commands_and_goes_on_after_failures(handmade):
    display, shown, errors = _display()
    lines = iter(
        [
            ".tables",
            "select 6 *",
            "  7 as answer;",
            "drop table wide;",
            "select * from nowhere;",
            ".describe mart_icc_ics",
            ".bogus",
            "select 'still here' as alive; select 2 as two;",
            "\\q",
            "select 'never' as never;",
        ]
    )

    def read_line(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    shell = Shell(handmade, display)
    try:
        status = run_prompt(shell, read_line, interactive=False)
    finally:
        shell.close()
    text = "\n".join(shown)
    assert "history.refresh_log" in text and "mart_icc_ics" in text  # .tables
    assert "answer" in text and "42" in text
    assert "column_name" in text and "sector" in text  # .describe
    assert "still here" in text and "-- statement 2 of 2" in text and "never" not in text
    assert len(errors) == 3 and "DROP TABLE" in errors[0] and "nowhere" in errors[1]
    assert "unknown command .bogus" in errors[2]
    assert status == 1


def test_piped_stdin_is_read_as_statements(handmade, tmp_path):
    ok = gvc_sql(handmade, cwd=tmp_path, stdin=".tables\nselect 40 +\n2 as answer;\n")
    assert ok.returncode == 0, ok.stderr
    assert "history.estimates_history" in ok.stdout and "42" in ok.stdout
    assert "gvc>" not in ok.stdout  # no prompt and no welcome when stdin is not a terminal
    failing = gvc_sql(handmade, cwd=tmp_path, stdin="select 1 as a;\ninsert into wide values (1);")
    assert failing.returncode == 1 and "INSERT INTO" in failing.stderr
    assert "Traceback" not in failing.stderr
    empty = gvc_sql(handmade, cwd=tmp_path, stdin="")
    assert "no SQL statement given" in one_line_error(empty)


class Terminal:
    """`gvc sql` on a pseudo-terminal: write keys, wait for text (pexpect without pexpect)."""

    def __init__(self, env: dict[str, str], cwd: Path, deaf: bool = False) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal
            try:
                os.chdir(cwd)
                if deaf:  # as a parent that ignores and blocks SIGINT would leave it
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                os.execve(str(BIN / "gvc"), [str(BIN / "gvc"), "sql"], env)
            finally:
                os._exit(127)
        self.text, self.pos = "", 0

    def expect(self, marker: str, timeout: float = 60.0) -> str:
        """The output from the last match up to and including ``marker``."""
        deadline = time.monotonic() + timeout
        while marker not in self.text[self.pos :]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{marker!r} not seen in {self.text[self.pos :]!r}")
            self.read_available()
        end = self.text.index(marker, self.pos) + len(marker)
        seen, self.pos = self.text[self.pos : end], end
        return seen

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def interrupt(self, marker: str, attempts: int = 5) -> str:
        """Ctrl-C until ``marker`` shows. CPython's readline loop only notices a SIGINT that
        interrupts its select(): one arriving just after the prompt is drawn stays pending
        until the next key, so a loaded machine needs a second Ctrl-C, as a user would."""
        for _ in range(attempts - 1):
            self.send("\x03")
            try:
                return self.expect(marker, timeout=5.0)
            except AssertionError:
                continue
        self.send("\x03")
        return self.expect(marker)

    def close(self, timeout: float = 30.0) -> int:
        """The exit code; the child is killed if it has not left within ``timeout``."""
        deadline = time.monotonic() + timeout
        while (done := os.waitpid(self.pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                done = os.waitpid(self.pid, 0)
                break
            self.read_available()
        os.close(self.fd)
        return os.waitstatus_to_exitcode(done[1])

    def read_available(self) -> None:
        """Read what the child wrote (a full pty would block it)."""
        if select.select([self.fd], [], [], 0.1)[0]:
            try:
                self.text += os.read(self.fd, 4096).decode("utf-8", "replace")
            except OSError:  # the child has exited
                time.sleep(0.1)


@pytest.mark.parametrize("deaf", [False, True], ids=["sigint-default", "sigint-ignored-blocked"])
def test_interactive_prompt_on_a_terminal(handmade, tmp_path, deaf):
    env = {**env_for(handmade, tmp_path), "TERM": "dumb"}
    term = Terminal(env, tmp_path, deaf=deaf)
    try:
        welcome = term.expect("gvc> ")
        assert ".tables" in welcome and ".describe mart_icc_ics" in welcome
        assert "history.refresh_log" in welcome and "history.estimates_history" in welcome
        term.send("select 'typed but' as\r")
        term.expect("...> ")
        term.interrupt("gvc> ")  # Ctrl-C while typing: the input is dropped
        term.send("select 6 * 7 as answer;\r")
        assert "42" in term.expect("gvc> ")
        term.send(f"{SLOW};\r")
        time.sleep(1.5)
        term.send("\x03")  # Ctrl-C while the statement runs: cancelled, back at the prompt
        term.expect("statement cancelled")
        term.expect("gvc> ")
        term.send("\x04")  # Ctrl-D leaves (\\q is tested with the prompt loop above)
    finally:
        status = term.close()
    assert status == 0, term.text
    assert "typed but" not in term.text.split("select 6 * 7")[1]
    history = (tmp_path / ".gvc_sql_history").read_text()
    assert "select 6 * 7 as answer;" in history


# --- end to end on a built warehouse (moved from test_end_to_end.py) --------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "drop table mart_icc_ics",
        "insert into mart_icc_ics select * from mart_icc_ics",
        "copy (select 1) to 'leak.csv'",
        "attach 'other.duckdb' as other",
        "install httpfs",
        "create table t as select 1",
        "with x as (copy (select 1) to 'leak.csv') select * from x",
    ],
)
def test_sql_refuses_writes(built, statement, tmp_path):
    mart = "select count(*), sum(icc) from mart_icc_ics"
    with duckdb.connect(str(built.warehouse), read_only=True) as con:
        before = con.execute(mart).fetchall()
    result = gvc_sql(built, statement, cwd=tmp_path)
    assert result.returncode == 1
    assert "gvc sql is read-only" in result.stderr
    assert not (tmp_path / "leak.csv").exists() and not (tmp_path / "other.duckdb").exists()
    with duckdb.connect(str(built.warehouse), read_only=True) as con:
        assert con.execute(mart).fetchall() == before


def test_sql_reads_and_exports(built, tmp_path):
    n_panel = count(built.warehouse, "select count(*) from mart_icc_ics")
    assert n_panel > 10
    out = tmp_path / "panel.parquet"
    result = gvc_sql(
        built, "select sector, year, icc from mart_icc_ics", "--out", str(out), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    with duckdb.connect() as con:
        assert con.execute("select count(*) from read_parquet(?)", [str(out)]).fetchall() == [
            (n_panel,)
        ]
    shown = gvc_sql(built, "select count(*) as n_rows from stg_kof__index", cwd=tmp_path)
    n = count(built.warehouse, "select count(*) from stg_kof__index")
    assert shown.returncode == 0, shown.stderr
    assert "n_rows" in shown.stdout and f"│ {n:>6} │" in shown.stdout, shown.stdout
    long = gvc_sql(built, "select * from mart_icc_ics", "--max-rows", "10", cwd=tmp_path)
    assert f"{n_panel} rows (10 shown)" in long.stdout and "use --out" in long.stdout, long.stdout
    tables = gvc_sql(built, cwd=tmp_path, stdin=".tables\n")
    assert "mart_icc_ics" in tables.stdout and "history.refresh_log" in tables.stdout
    blocked = gvc_sql(built, "select * from read_csv('/etc/hostname')", cwd=tmp_path)
    assert blocked.returncode == 1 and "disabled" in blocked.stderr
