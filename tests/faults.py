"""Helpers that plant faults into copies of sample files (openpyxl keeps the layout)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl


def edited_xlsx(src: Path, dst_dir: Path, edit: Callable, name: str | None = None) -> Path:
    """Copy ``src`` into ``dst_dir`` (optionally renamed), apply ``edit(sheet)``, save."""
    dst = dst_dir / (name or src.name)
    if dst.resolve() != src.resolve():
        shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    edit(wb.worksheets[0])
    wb.save(dst)
    return dst
