"""Atomic file writes: a temporary file in the same folder, ``fsync``, ``os.replace``.

Used for user files (``--fix``), baselines and the link cache: a crash, a full
disk or a kill mid-write leaves the old file whole, never a half-written one.

A process killed between creating the temporary file and ``os.replace`` leaves it
behind as ``.NAME.XXXXXXXX.tmp`` (``tempfile.mkstemp``'s eight random characters).
:func:`clean_stale_temps` removes such files next to Markdown pages once they are
old enough that no live run can still be writing them; :func:`is_fix_temp` lets
discovery skip them.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path

#: Our temporary files beside a Markdown page: ``.NAME.md.XXXXXXXX.tmp`` where XXXXXXXX
#: is what :func:`tempfile.mkstemp` draws from (lower-case letters, digits, ``_``).
FIX_TEMP = re.compile(r"\.(?P<name>.+\.(?:md|markdown))\.[a-z0-9_]{8}\.tmp", re.IGNORECASE)

#: How old (seconds since last modification) a temporary file must be before it is
#: taken as left by a killed run: a write takes milliseconds, so an hour is safe.
STALE_AFTER_S = 3600.0


def is_fix_temp(name: str) -> bool:
    """True if the file name ``name`` is one of our ``--fix`` temporary files."""
    return FIX_TEMP.fullmatch(name) is not None


def clean_stale_temps(
    folders: Iterable[Path], *, older_than_s: float = STALE_AFTER_S, now: float | None = None
) -> list[Path]:
    """Remove our stale ``--fix`` temporary files from ``folders`` (not recursive).

    Only regular files (not symbolic links) whose name matches :data:`FIX_TEMP`,
    owned by the current user and not modified for ``older_than_s`` seconds are
    removed. Never raises: a folder or file that cannot be read or removed is left.

    Args:
        folders: the folders to look in (e.g. those of the linted files).
        older_than_s: minimum age in seconds (default :data:`STALE_AFTER_S`).
        now: the current time (``time.time()``), a parameter for tests.

    Returns:
        the files removed.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    for folder in dict.fromkeys(folders):
        try:
            names = [n for n in os.listdir(folder) if is_fix_temp(n)]
        except OSError:
            continue
        for name in names:
            path = folder / name
            try:
                st = os.lstat(path)
                if (
                    stat.S_ISREG(st.st_mode)
                    and (uid is None or st.st_uid == uid)
                    and now - st.st_mtime >= older_than_s
                ):
                    os.unlink(path)
                    removed.append(path)
            except OSError:
                continue
    return removed


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
    fd, tmp = _mkstemp(target.parent, f".{target.name}.", ".tmp")
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


_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
    getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _mkstemp(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """``(fd, path)`` of a new file ``folder/<prefix>XXXXXXXX<suffix>`` made for this
    writer alone (mode 0o600, ``O_EXCL``), as :func:`tempfile.mkstemp` makes one (its
    eight characters, its flags) without importing :mod:`tempfile` (with
    :mod:`shutil` and :mod:`random`: 8 ms of every run that writes a cache file).

    Raises:
        OSError: the folder is not writable (FileExistsError after 100 names taken).
    """
    for _ in range(100):
        name = "".join(_NAME_CHARS[b % len(_NAME_CHARS)] for b in os.urandom(8))
        path = os.path.join(folder, prefix + name + suffix)
        try:
            return os.open(path, _OPEN_FLAGS, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {folder}")


def save_cache_json(target: Path, payload: object) -> bool:
    """Write ``payload`` as compact JSON to the cache file ``target`` atomically,
    making its folder first. A cache that cannot be written is not an error.

    Args:
        target: the cache file.
        payload: JSON-serialisable data.

    Returns:
        True if the file was written, False if it could not be (folder, disk or
        permission errors, or data JSON cannot hold): nothing is raised.
    """
    import json

    try:
        data = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except (OSError, TypeError, ValueError):
        return False
    return True
