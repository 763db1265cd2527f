"""A dbt child started before it is needed: ``python -m analysis.dbt_warm '<common args>'``.

dbt spends about 2 s importing itself and loading its parse of the project before it runs a
node. ``gvc build`` starts this child first (``analysis.dbt_runner.WarmDbt``): it imports
dbt and parses the project with the common arguments (a JSON list: project, profiles, target
and log folders) and the build settings it most likely gets (environment variables,
``analysis.dbt_runner.SETTING_ENV``) while the build lands the raw files, on the core the
ingest leaves idle. It then reads one JSON line from stdin (while parsing, in a thread of
lower priority), ``{"command": [...], "common": [...], "settings": {...}}``, and runs that
dbt command as the ``dbt`` program would (same output; exit status 0, 1 when a node failed,
2 when dbt itself could not run), through ``dbtRunner`` with the parsed manifest when
``common`` is what it parsed with, else from a parse of its own. The settings it is handed
replace those it parsed with: they enter the SQL that dbt compiles when it runs a node, never
a ``ref``, a source or a config, so one parse serves every value. An empty line or the end of
stdin ends it without running anything.

With the parsed manifest, the run does not write ``manifest.json`` again (0.3 s at the end of
a build; the parse wrote it, and nothing in it changes but the compiled SQL, which
``run_results.json`` holds too): it runs with ``--no-write-json`` and this child writes
``run_results.json`` from the run's result. A run that dbt ends by an exception (exit 2)
then leaves no results.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import threading
from pathlib import Path

#: Niceness of the thread that imports dbt and parses: it is to take what the ingest leaves
#: idle. It ranks the thread only among the processes of its session, where the kernel
#: schedules sessions as groups (autogroup: on by default in most Linux distributions, and
#: on the machines measured): the child has a session of its own (``dbt_runner``), so there
#: its parse takes a core beside the ingest's worker whatever its niceness, which is why 10
#: and 19 measured the same. Measured 2026-11-27, a new year's build with the child in the
#: build's session (the niceness in effect): the ingest 6.1-6.8 s against 6.1-8.0 s, but the
#: parse then ended after it (dbt 9.8-12.1 s against 9.5-10.6 s), the builds 18.8-20.5 s
#: against 17.7-20.7 s: the build is bound by its 25-31 s of CPU on two cores either way.
PARSE_NICENESS = 19


#: What the project's Python model (int_gvc__decomposition) imports when it runs, imported
#: after the parse: the node then does not wait for them (about 0.5 s of a new year's build).
MODEL_IMPORTS = ("asyncio", "distributed", "analysis.decompose", "analysis.parallel")


def lower_thread_priority(niceness: int) -> None:
    """Give the calling thread ``niceness`` (Linux sets it per thread); where the system
    cannot, the thread keeps its priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


def _parse(common: list[str], out: dict) -> None:
    """Import dbt, parse, import what the model needs, in a thread of lower priority."""
    lower_thread_priority(PARSE_NICENESS)
    from dbt.cli.main import dbtRunner

    parsed = dbtRunner().invoke(["parse", "--quiet", *common])
    out["manifest"] = parsed.result if parsed.success else None  # failed: the run says why
    for name in MODEL_IMPORTS:
        with contextlib.suppress(Exception):  # the model's own import then says what fails
            importlib.import_module(name)


def _target_path(common: list[str]) -> str:
    """dbt's target folder in ``common`` (``--target-path``, which ``gvc`` always passes)."""
    return common[common.index("--target-path") + 1] if "--target-path" in common else "target"


def take_settings(settings: dict[str, str | None]) -> None:
    """Set the build settings the run gets (environment variables; None: unset)."""
    for name, value in settings.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def main(argv: list[str]) -> int:
    common = json.loads(argv[0])
    parsed: dict = {}
    parsing = threading.Thread(target=_parse, args=(common, parsed), daemon=True)
    parsing.start()
    line = sys.stdin.readline()
    parsing.join()  # the run itself, in this thread, keeps the normal priority
    from dbt.cli.main import dbtRunner

    manifest = parsed.get("manifest")
    if not line.strip():
        return 0
    request = json.loads(line)
    take_settings(request.get("settings", {}))
    use = manifest if request["common"] == common else None
    args = [*request["command"], *request["common"]]
    if use is not None:  # the parse wrote manifest.json: only the results are written below
        args.append("--no-write-json")
    result = dbtRunner(manifest=use).invoke(args)
    if use is not None and hasattr(result.result, "write"):
        result.result.write(str(Path(_target_path(common)) / "run_results.json"))
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


if __name__ == "__main__":
    from analysis.fast_exit import leave

    leave(main(sys.argv[1:]))  # dbt-duckdb closes the database in its atexit handler
