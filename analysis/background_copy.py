"""The warehouse file copied and retired off a build's critical path.

:class:`BackgroundCopy`: ``gvc build`` copies the published warehouse (about 1 GB at full
size) into its candidate while the ingest runs, instead of after it (0.8 s off a new year's
build), and prepares the copy there too; when the build then finds nothing new, or cannot use
the copy, it stops the copy and removes it. :func:`replace_and_free_later`: publishing
replaces the old file without waiting for the kernel to free it.
"""

from __future__ import annotations

import errno
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

CHUNK = 64 << 20

#: Names of published files replaced by a newer one, while they are being freed.
RETIRED_GLOB = ".retired-*"


class BackgroundCopy:
    """``source`` copied to ``target`` (data only, as ``shutil.copyfile``) in a thread, then
    ``prepare(target)`` in that thread when given."""

    def __init__(
        self, source: Path, target: Path, prepare: Callable[[Path], None] | None = None
    ) -> None:
        self.source, self.target = Path(source), Path(target)
        self.prepare = prepare
        self.error: Exception | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._copy, name="copy-published", daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        try:
            with self.source.open("rb") as src, self.target.open("wb") as dst:
                offset = 0
                while not self._stop.is_set():
                    sent = _send(src, dst, offset)
                    if sent == 0:
                        break
                    offset += sent
            if self.prepare is not None and not self._stop.is_set():
                self.prepare(self.target)
        except Exception as exc:  # raised by wait(), in the build's thread
            self.error = exc

    def wait(self) -> None:
        """Until the copy (and its preparation) is complete; the error that stopped it (an
        OSError of the copy, or what ``prepare`` raised), if any."""
        self._thread.join()
        if self.error is not None:
            raise self.error

    def cancel(self) -> None:
        """Stop the copy (at the end of the chunk in progress) and remove ``target``."""
        self._stop.set()
        self._thread.join()
        self.target.unlink(missing_ok=True)


def _send(src, dst, offset: int) -> int:
    """Copy up to CHUNK bytes at ``offset`` in the kernel (sendfile), else through memory."""
    if hasattr(os, "sendfile"):
        try:
            return os.sendfile(dst.fileno(), src.fileno(), offset, CHUNK)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSOCK, errno.EOPNOTSUPP):
                raise
    src.seek(offset)
    data = src.read(CHUNK)
    dst.seek(offset)
    dst.write(data)
    return len(data)


def replace_and_free_later(source: Path, target: Path) -> None:
    """``os.replace(source, target)``; the old ``target`` is freed by a detached ``rm``.

    Unlinking a 1 GB file whose pages are cached takes the kernel 0.3-0.6 s (freeing its
    pages and extents), which ``os.replace`` would spend before returning. The old file is
    first linked aside (:data:`RETIRED_GLOB`), so the replace only swaps names; a process
    reading it keeps it open either way. Where there is no hard link or no ``sh``, the old
    file is unlinked here; a build removes what a killed ``rm`` left.
    """
    source, target = Path(source), Path(target)
    retired = target.with_name(RETIRED_GLOB.replace("*", f"{time.time_ns()}-{target.name}"))
    try:
        os.link(target, retired)
    except OSError:  # no old file, or no hard links here
        retired = None
    os.replace(source, target)
    if retired is None:
        return
    try:  # sh leaves rm running in the background and exits: no child to wait for
        subprocess.run(
            ["sh", "-c", 'rm -f -- "$1" &', "sh", str(retired)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        retired.unlink(missing_ok=True)
