"""Compiled regular expressions kept between runs of the command.

CPython compiles a pattern in Python code (``re._parser`` parses it, ``re._compiler``
turns the tree into the matching engine's code, ``_sre.compile`` makes the
:class:`re.Pattern` from that code). ``re`` remembers compiled patterns only within
one process, so every run compiled again the same 300 patterns: linkify-it's URL
patterns with their large Unicode classes, the jargon rule's term trie, the rule
packs' and the rules' own patterns. On a one-file run with a 4,000-page site that was
14 % of the process's instructions (callgrind, 2.20 G -> 1.89 G with them kept).

:func:`install` wraps ``re._compiler.compile`` for the rest of the process: a pattern
compiled by an earlier run is made with ``_sre.compile`` from the code kept in
``<user cache>/playbook-lint/regex-<digest>.json`` (the arguments
``re._compiler.compile`` passed it then); any other is compiled as usual and its code
kept at exit (see :data:`SAVE_FROM`). The file's name is a digest of the
interpreter's version and the matching engine's ``MAGIC``, ``CODESIZE`` and
``MAXREPEAT``, so another Python (or a changed ``re``) never reads it; the engine
validates every code array it is given (``invalid SRE code``), and a kept entry that
does not load is compiled as usual.
Only ``str`` patterns without ``re.DEBUG`` or ``re.LOCALE`` are kept. The console
script installs it; ``--no-cache`` and library use (:func:`playbook_lint.api.run`
called in-process) do not. On an interpreter without these internals it does nothing.
"""

from __future__ import annotations

import array
import base64
import binascii
import hashlib
import json
import re
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["MAX_KEPT", "SAVE_FROM", "install", "installed", "save"]

#: At most this many patterns are kept (a run keeps the ones it used when over).
MAX_KEPT = 4000
#: The file is written when the patterns this run compiled that were not kept add
#: up to this many characters: a pattern built from a set (its order changes with
#: the hash seed, as markdown-it's inline terminators) is new on every run, and
#: would otherwise have the file written every time.
SAVE_FROM = 100
_VERSION = 2

_STATE: dict[str, Any] = {}
_LOCK = threading.Lock()


def _engine() -> Any:
    try:
        import _sre
        from re import _compiler  # type: ignore[attr-defined]
    except ImportError:
        return None
    if not (callable(getattr(_compiler, "compile", None)) and hasattr(_compiler, "_sre")
            and callable(getattr(_sre, "compile", None)) and hasattr(_sre, "MAGIC")):
        return None
    return _compiler


def _file() -> Path:
    import _sre

    import platformdirs

    tag = hashlib.sha256(json.dumps(
        [_VERSION, sys.version, sys.implementation.name, _sre.MAGIC, _sre.CODESIZE,
         _sre.MAXREPEAT, sys.maxunicode]).encode()).hexdigest()[:16]
    return Path(platformdirs.user_cache_path("playbook-lint", appauthor=False)) \
        / f"regex-{tag}.json"


def _well_formed(rec: Any) -> bool:
    return (isinstance(rec, list) and len(rec) == 5 and type(rec[0]) is int
            and isinstance(rec[1], str) and type(rec[2]) is int
            and isinstance(rec[3], dict) and isinstance(rec[4], list))


def _pack(code: Any) -> str:
    """The engine's code (a list of unsigned ints of ``_sre.CODESIZE`` bytes) as base64
    text: decoded only for the patterns a run uses, and far quicker to read than a
    JSON list of numbers (55,000 of them for a one-file run)."""
    import _sre

    return base64.b64encode(array.array(_CODE_TYPES[_sre.CODESIZE], code).tobytes()).decode()


def _unpack(text: str) -> list[int]:
    import _sre

    code = array.array(_CODE_TYPES[_sre.CODESIZE])
    code.frombytes(base64.b64decode(text, validate=True))
    return code.tolist()


_CODE_TYPES = {2: "H", 4: "I" if array.array("I").itemsize == 4 else "L", 8: "Q"}


class _Recorder:
    """Stands for ``_sre`` inside ``re._compiler`` while a pattern compiles: passes
    every attribute through and remembers the arguments of ``compile``."""

    def __init__(self, sre: Any) -> None:
        self._sre = sre
        self.calls: dict[int, list[Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sre, name)

    def compile(self, pattern: Any, flags: int, code: Any, groups: int, groupindex: Any,
                indexgroup: Any) -> Any:
        compiled = self._sre.compile(pattern, flags, code, groups, groupindex, indexgroup)
        self.calls[id(compiled)] = [int(flags), _pack(code), int(groups), dict(groupindex),
                                    list(indexgroup)]
        return compiled


def install() -> bool:
    """Serve ``re``'s compiles from the kept code for the rest of this process (once;
    the kept file is read now and written by :func:`save`, registered to run at
    exit). Returns False, changing nothing, on an interpreter without the internals
    this relies on."""
    if _STATE:
        return True
    compiler = _engine()
    if compiler is None:
        return False
    import _sre
    import atexit

    kept: dict[str, Any] = {}
    file = _file()
    try:
        data = json.loads(file.read_text("utf-8"))
        if isinstance(data, dict) and isinstance(data.get("patterns"), dict):
            kept = data["patterns"]
    except (OSError, ValueError):
        kept = {}
    recorder = _Recorder(_sre)
    original = compiler.compile
    used: dict[str, Any] = {}
    _STATE.update(file=file, kept=kept, used=used, new=0, original=original)

    def compile(p: Any, flags: int = 0) -> Any:
        if type(p) is not str or flags & (re.DEBUG | re.LOCALE):
            return original(p, flags)
        key = f"{int(flags)}:{p}"
        rec = kept.get(key)
        if rec is not None and _well_formed(rec):
            try:
                compiled = _sre.compile(p, rec[0], _unpack(rec[1]), rec[2] - 1, rec[3],
                                        tuple(rec[4]))
            except (RuntimeError, TypeError, ValueError, OverflowError, binascii.Error):
                pass  # not code this engine takes: compile it as usual
            else:
                used[key] = rec
                return compiled
        with _LOCK:
            compiler._sre = recorder
            try:
                compiled = original(p, flags)
            finally:
                compiler._sre = _sre
        args = recorder.calls.pop(id(compiled), None)
        if args is not None:
            args[2] += 1  # kept as the group count; _sre.compile takes it less one
            used[key] = args
            _STATE["new"] += len(p)
        return compiled

    compiler.compile = compile
    atexit.register(save)
    return True


def installed() -> bool:
    """True once :func:`install` has taken over ``re``'s compiles in this process."""
    return bool(_STATE)


def save() -> None:
    """Write the kept patterns when this run compiled patterns that were not kept,
    of :data:`SAVE_FROM` characters or more in all: the patterns kept before and the
    ones used now, or only the ones used now when that would be over
    :data:`MAX_KEPT` (atomically; errors are ignored)."""
    if not _STATE or _STATE["new"] < SAVE_FROM:
        return
    from playbook_lint.atomic import save_cache_json

    kept, used = _STATE["kept"], _STATE["used"]
    merged = {**kept, **used}
    patterns = merged if len(merged) <= MAX_KEPT else dict(used)
    if save_cache_json(_STATE["file"], {"version": _VERSION, "patterns": patterns}):
        _STATE["kept"] = patterns
        _STATE["new"] = 0


def _uninstall() -> None:
    """Give ``re`` its own compile back and forget the kept patterns (tests)."""
    compiler = _engine()
    if _STATE and compiler is not None:
        compiler.compile = _STATE["original"]
    _STATE.clear()

