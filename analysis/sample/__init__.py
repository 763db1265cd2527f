"""Deterministic SYNTHETIC sample in the publishers' raw layouts (``gvc sample``).

:func:`write_sample` writes, under ``raw_dir``, where ``gvc ingest`` reads real downloads:

- ``adb_mrio/ADB-MRIO-<year>_synthetic.xlsx``: one balanced multi-regional input-output
  table a year in ADB's Excel layout (:mod:`analysis.sample.adb_writer`);
- ``kof/KOFGI_2022_public.xlsx``: the KOF Globalisation Index in the layout of the 2022
  release, 1970-2020 for 74 economies, whatever the years (:mod:`analysis.sample.kof_writer`);
- ``nbs/nbs_industry_<year>.csv`` and ``nbs/nbs_science_<year>.csv``: NBS yearbook tables by
  2-digit industry (:mod:`analysis.sample.nbs_writer`).

Every file says it is synthetic (workbook properties, title rows, note lines). The same
arguments give byte-identical files; a year's files depend on the seed, the year and (MRIO
only) the size, never on the other years requested. Economics of the MRIO tables:
:mod:`analysis.sample.mrio_model`.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from rich.progress import Progress

from analysis.sample.adb_writer import write_adb_xlsx
from analysis.sample.constants import (
    ADB62,
    DEFAULT_SEED,
    DEFAULT_YEARS,
    MAX_YEAR,
    MIN_YEAR,
    SIZES,
    adb_file_name,
    kof_file_name,
)
from analysis.sample.kof_writer import write_kof_xlsx
from analysis.sample.mrio_model import sample_table
from analysis.sample.nbs_writer import write_nbs_csv

__all__ = ["DEFAULT_SEED", "DEFAULT_YEARS", "SIZES", "economies_for", "write_sample"]

#: Full-size years are written in parallel processes (about 20 s a year on one core).
_PARALLEL_SIZES = frozenset({"full"})


def _workers(size: str, n_years: int) -> int:
    """Processes for the MRIO years: >1 only for the full size, several years, and where
    processes can be forked (POSIX): forking needs no importable ``__main__`` module."""
    if size not in _PARALLEL_SIZES or "fork" not in get_all_start_methods():
        return 1
    return max(1, min(n_years, os.cpu_count() or 1))


def economies_for(size: str) -> list[str]:
    """Economies of a sample size (ADB codes) in ADB-62 order, RoW last."""
    if size not in SIZES:
        raise ValueError(f"unknown sample size {size!r}; choose one of {', '.join(SIZES)}")
    return sorted(SIZES[size], key=ADB62.index)


def _check_years(years: Sequence[int] | None) -> list[int]:
    try:
        chosen = sorted({operator.index(y) for y in (DEFAULT_YEARS if years is None else years)})
    except TypeError:
        raise ValueError(f"sample years must be integers, got {years!r}") from None
    if not chosen:
        raise ValueError("no sample years given")
    bad = [y for y in chosen if not MIN_YEAR <= y <= MAX_YEAR]
    if bad:
        raise ValueError(f"sample years must be integers in {MIN_YEAR}-{MAX_YEAR}, got {bad}")
    return chosen


def _write_year(adb_dir: Path, nbs_dir: Path, economies: list[str], year: int, seed: int):
    """Write one year's MRIO table and NBS tables; return their paths."""
    table = sample_table(economies, year, seed)
    paths = [write_adb_xlsx(table, adb_dir / adb_file_name(year), seed)]
    return paths + write_nbs_csv(nbs_dir, year, seed)


def write_sample(
    raw_dir: Path,
    *,
    size: str = "default",
    years: Sequence[int] | None = None,
    seed: int = DEFAULT_SEED,
    progress: bool = False,
) -> list[Path]:
    """Write the synthetic sample into ``raw_dir`` and return the paths written.

    ``size``: ``tiny`` (PRC, USA, RoW), ``default`` (PRC and 7 other economies plus RoW) or
    ``full`` (the 62 ADB-62 economies plus RoW). ``years``: MRIO and NBS years (default
    2007-2018; 2000-2025 supported); the KOF file always covers 1970-2020. ``progress``:
    show a progress bar (nothing is printed otherwise).
    """
    economies = economies_for(size)
    chosen = _check_years(years)
    raw_dir = Path(raw_dir)
    dirs = {source: raw_dir / source for source in ("adb_mrio", "kof", "nbs")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)

    tasks = [(dirs["adb_mrio"], dirs["nbs"], economies, year, seed) for year in chosen]
    workers = _workers(size, len(chosen))
    by_year: dict[int, list[Path]] = {}
    with ExitStack() as stack:
        futures = {}
        if workers > 1:
            # fork the workers (at the first submit) before any thread of ours starts
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=get_context("fork")))
            futures = {pool.submit(_write_year, *args): args[3] for args in tasks}
        bar = stack.enter_context(Progress(disable=not progress))
        label = f"synthetic sample ({size}: {len(economies)} economies)"
        task = bar.add_task(label, total=len(chosen) + 1)
        written = [write_kof_xlsx(dirs["kof"] / kof_file_name(2022), seed)]
        bar.advance(task)
        for future in as_completed(futures):
            by_year[futures[future]] = future.result()
            bar.advance(task)
        for args in tasks if not futures else ():
            by_year[args[3]] = _write_year(*args)
            bar.advance(task)
    return written + [path for year in chosen for path in by_year[year]]
