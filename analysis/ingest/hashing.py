"""SHA-256 of raw files: what a landing, a build and a refresh record they used."""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.errors import os_reason
from analysis.ingest.errors import IngestError

_BLOCK = 1 << 20


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of the file's bytes; IngestError naming the file if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            while block := fh.read(_BLOCK):
                digest.update(block)
    except OSError as exc:
        raise IngestError.at(path, f"cannot be read ({os_reason(exc)})") from None
    return digest.hexdigest()
