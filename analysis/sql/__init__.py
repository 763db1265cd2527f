"""``gvc sql``: read-only SQL over the published warehouse and a snapshot of the history tables.

* :mod:`analysis.sql.gate` decides, with DuckDB's own parser, which statements may run
  (queries, EXPLAIN [ANALYZE] of a query, read-only PRAGMAs) and refuses the rest;
* :mod:`analysis.sql.run` runs one statement so that Ctrl-C or ``interrupt()`` cancels it;
* :mod:`analysis.sql.output` shows a result or saves it with ``--out``;
* :mod:`analysis.sql.shell` is the shell: scripts, the prompt, piped stdin, dot commands.

Connections come from :func:`analysis.connect.connect_published` with ``lock_down=True``: a
fresh in-memory DuckDB with the current warehouse file attached read-only, the history file
copied in (and closed again), file access switched off and the configuration locked.
"""

from __future__ import annotations

from analysis.sql.gate import (
    READ_ONLY_PRAGMAS,
    Checked,
    QueryError,
    ReadOnlyViolation,
    check_read_only,
    checked_statements,
)
from analysis.sql.output import OUT_FORMATS, check_out_path, render, write_result
from analysis.sql.run import QueryCancelled, Result, execute, run_query
from analysis.sql.shell import Display, Shell, run_prompt, run_script

__all__ = [
    "OUT_FORMATS",
    "READ_ONLY_PRAGMAS",
    "Checked",
    "Display",
    "QueryCancelled",
    "QueryError",
    "ReadOnlyViolation",
    "Result",
    "Shell",
    "check_out_path",
    "check_read_only",
    "checked_statements",
    "execute",
    "render",
    "run_prompt",
    "run_query",
    "run_script",
    "write_result",
]
