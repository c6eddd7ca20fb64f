"""Atomic file writes: a temporary file in the same folder, ``fsync``, ``os.replace``.

Used for user files (``--fix``), baselines and the link cache: a crash, a full
disk or a kill mid-write leaves the old file whole, never a half-written one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(
    target: Path, data: bytes, *, mode: int | None = None, like: os.stat_result | None = None
) -> None:
    """Replace ``target`` with ``data`` atomically.

    Args:
        target: the file to write (its folder must exist).
        data: the new content (bytes).
        mode: permission bits for the new file (e.g. ``0o644``); default: ``like``'s,
            else those of the file being replaced, else ``0o666`` minus the umask.
        like: a stat of the original file: its owner is kept where allowed (root) and
            its mode used when ``mode`` is None. ``chown`` runs before ``chmod``
            because ``chown`` clears setuid/setgid bits.

    Raises:
        OSError: folder not writable, disk full...; the temporary file is removed
            and ``target`` is left as it was.
    """
    if mode is None:
        if like is None:
            try:
                like_mode = target.stat().st_mode
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                like_mode = 0o666 & ~umask
        else:
            like_mode = like.st_mode
        mode = stat.S_IMODE(like_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if like is not None and hasattr(os, "chown"):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(tmp, like.st_uid, like.st_gid)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
