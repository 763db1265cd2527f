"""Showing a result (DuckDB's box rendering) and saving it with ``--out``.

``--out`` writes CSV, Parquet or JSON (one array of objects) by extension, never over an
existing file unless forced, and never inside the warehouse, landing or raw folders (real
paths compared, so a symlink does not get round it). The file is written beside its target
under a temporary name and renamed into place, so a failed query leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from analysis.config import Paths
from analysis.errors import BadInput, describe_os_error

if TYPE_CHECKING:
    import pandas as pd

OUT_FORMATS = {
    ".csv": "(format csv, header true)",
    ".parquet": "(format parquet)",
    ".json": "(format json, array true)",
}
ACCEPTED_OUT = ", ".join(OUT_FORMATS)
EXPLAIN_COLUMNS = ["explain_key", "explain_value"]


def check_out_path(out: Path, paths: Paths, *, force: bool = False) -> Path:
    """The resolved ``--out`` target if it may be written; else BadInput naming the rule."""
    if out.suffix.lower() not in OUT_FORMATS:
        raise BadInput(f"--out {out}: unknown file type {out.suffix or '(none)'!r}; {_accepted()}")
    target = Path(os.path.realpath(out))
    protected = [
        ("warehouse folder", paths.warehouse.parent),
        ("landing folder", paths.landing),
        ("raw folder", paths.raw),
    ]
    for name, folder in protected:
        real = Path(os.path.realpath(folder))
        if target.is_relative_to(real):
            raise BadInput(
                f"--out {out}: refusing to write inside the {name} {real}; choose another folder"
            )
    parent = target.parent
    if not parent.is_dir():
        raise BadInput(f"--out {out}: folder {parent} does not exist; create it first")
    if target.is_dir():
        raise BadInput(f"--out {out}: is a folder; give a file name ending in {_accepted()}")
    if target.exists() and not force:
        raise BadInput(f"--out {out}: file exists; pass --force to overwrite it")
    try:  # the real test of a writable folder (os.access says yes to root on read-only mounts)
        fd, probe = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".probe")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise BadInput(f"--out {out}: cannot write in folder {parent} ({exc.strerror})") from None
    return target


def write_result(result: pa.Table | pd.DataFrame, out: Path) -> Path:
    """Save ``result`` as CSV, Parquet or JSON (by extension), atomically; BadInput on failure."""
    options = OUT_FORMATS.get(out.suffix.lower())
    if options is None:
        raise BadInput(f"--out {out}: unknown file type {out.suffix or '(none)'!r}; {_accepted()}")
    table = result
    if not isinstance(result, pa.Table):  # a pandas DataFrame
        table = pa.Table.from_pandas(result, preserve_index=False)
    try:
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise BadInput(f"--out {out}: {describe_os_error(exc, 'creating a file in')}") from None
    try:
        with duckdb.connect() as con:
            con.register("result", table)
            con.execute(f"copy (from result) to ? {options}", [tmp])
        os.replace(tmp, out)
    except (OSError, duckdb.Error) as exc:
        reason = describe_os_error(exc) if isinstance(exc, OSError) else str(exc).splitlines()[0]
        raise BadInput(f"--out {out}: writing failed ({reason})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


def render(table: pa.Table, *, max_rows: int, all_columns: bool, width: int) -> str:
    """DuckDB's box rendering of ``table``, with a hint line when rows or columns are elided."""
    if table.column_names == EXPLAIN_COLUMNS:  # a plan: print it whole, not in a 40-wide cell
        return "\n".join(str(v) for v in table.column("explain_value").to_pylist()).rstrip()
    buffer = io.StringIO()
    with duckdb.connect() as con, contextlib.redirect_stdout(buffer):
        con.from_arrow(table).show(
            max_width=10**6 if all_columns else width, max_rows=max_rows, max_col_width=40
        )
    text = buffer.getvalue().rstrip()
    hints = []
    if table.num_rows > max_rows:
        hints.append("use --out FILE to save every row, --max-rows N to show more")
    elided = re.search(r"(\d+) columns \((\d+) shown\)", text)
    if elided and not all_columns:
        hints.append("--all-columns shows every column")
    return text + (f"\n({'; '.join(hints)})" if hints else "")


def _accepted() -> str:
    return f"accepted: {ACCEPTED_OUT}"
