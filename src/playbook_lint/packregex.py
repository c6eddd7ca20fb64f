"""Regular expressions from rule packs and config, with bounded work.

Python's ``re`` backtracks without limit: one user pattern such as ``(a|aa)+$``
can hang a run forever on a line of a's. Patterns written by users (their own
packs, config options) are therefore compiled with the ``regex`` package
(https://pypi.org/project/regex/), which accepts the same syntax as ``re`` in its
default ``VERSION0`` mode and takes a ``timeout`` per call. A call that runs out of
time raises :class:`RegexTimeout`, which names the pack file and entry; the
pattern is then marked as failed and every later call fails at once, so one bad
pattern costs at most :data:`TIMEOUT_S` of CPU per process, not per file.

The built-in packs' patterns go through it too: ``bench/regex_engines.py`` found
``regex`` (with the timeout) faster than ``re`` on them, not slower (176 patterns
over 4,072 corpus lines: 5.6 s against 8.4 s; over 28,715 lines: 39 s against
89 s), so keeping ``re`` for them would buy nothing. The jargon rule's own term
pattern (a trie of literal words it builds itself) stays on ``re``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["TIMEOUT_S", "BoundedPattern", "PackPattern", "RegexTimeout", "compile_pack_regex"]

#: Seconds one match call of a user pattern may take (every call is on a short
#: string: a URL, a front matter value, a few lines of prose around a match).
TIMEOUT_S = 1.0


class RegexTimeout(Exception):
    """A user pattern took longer than its time limit.

    ``str()`` is one line naming where the pattern comes from, e.g.
    ``styles/ours.yml: entries[3].exceptions[0]: regular expression '(a|aa)+$' took
    longer than 1 s (catastrophic backtracking?); rewrite it``.

    Attributes:
        where: the pack file and entry (or config key) of the pattern.
        pattern: the pattern as written.
    """

    def __init__(self, where: str, pattern: str, seconds: float) -> None:
        self.where = where
        self.pattern = pattern
        shown = pattern if len(pattern) <= 80 else pattern[:77] + "..."
        super().__init__(
            f"{where}: regular expression {shown!r} took longer than {seconds:g} s "
            "(catastrophic backtracking?); rewrite it"
        )


_FLAG_NAMES = ("IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "ASCII", "UNICODE")


class BoundedPattern:
    """A compiled user pattern with the methods of :class:`re.Pattern` that rules use
    (``search``, ``match``, ``fullmatch``, ``finditer``, ``sub``), each bounded by a
    timeout. Match objects are the ``regex`` package's (same API as ``re.Match``).

    Args:
        pattern: the regular expression (``re`` syntax).
        flags: ``re`` flags (``re.IGNORECASE`` ...), translated to ``regex``'s.
        where: where it was written, for the error (``"pack.yml: entries[2].pattern"``).
        timeout: seconds per call (default :data:`TIMEOUT_S`).
        compiled: a ``regex`` pattern compiled already (Vale styles' dialect); then
            ``pattern`` and ``flags`` only describe it.
        lazy: compile on first use, not now (for built-in packs, whose patterns the
            tests compile: a one-file run then compiles only what it meets).

    Raises:
        re.error: the pattern does not compile.
    """

    def __init__(self, pattern: str, flags: int = 0, *, where: str,
                 timeout: float | None = None, compiled: Any = None,
                 lazy: bool = False) -> None:
        import regex

        self._compiled = compiled  # already compiled with ``regex`` (Vale's dialect)
        self._rflags = 0
        for name in _FLAG_NAMES:
            if flags & getattr(re, name):
                self._rflags |= getattr(regex, name)
        self.pattern = pattern
        if compiled is None and not lazy:
            self._compile()
        self.flags = flags
        self.where = where
        self.timeout = TIMEOUT_S if timeout is None else timeout
        self.failed = False

    def _compile(self) -> Any:
        import regex

        try:
            self._compiled = regex.compile(self.pattern, self._rflags)
        except regex.error as exc:
            raise re.error(str(exc), self.pattern) from None
        return self._compiled

    @property
    def _rx(self) -> Any:
        """The compiled pattern (compiled now if it was made ``lazy``)."""
        return self._compiled if self._compiled is not None else self._compile()

    def _guard(self) -> None:
        if self.failed:
            raise RegexTimeout(self.where, self.pattern, self.timeout)

    def _timed_out(self) -> RegexTimeout:
        self.failed = True
        return RegexTimeout(self.where, self.pattern, self.timeout)

    def _call(self, method: str, string: str, pos: int, endpos: int | None) -> Any:
        """``self._rx.<method>(string, pos, endpos)`` under the time limit."""
        self._guard()
        try:
            return getattr(self._rx, method)(string, pos, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out() from None

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        """As :meth:`re.Pattern.search`. Raises :class:`RegexTimeout`."""
        return self._call("search", string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        """As :meth:`re.Pattern.match`. Raises :class:`RegexTimeout`."""
        return self._call("match", string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        """As :meth:`re.Pattern.fullmatch`. Raises :class:`RegexTimeout`."""
        return self._call("fullmatch", string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        """As :meth:`re.Pattern.finditer`; the timeout bounds the whole iteration.
        Raises :class:`RegexTimeout` (while iterating)."""
        self._guard()
        it = self._rx.finditer(string, pos, endpos, timeout=self.timeout)
        while True:
            try:
                m = next(it)
            except StopIteration:
                return
            except TimeoutError:
                raise self._timed_out() from None
            yield m

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        """As :meth:`re.Pattern.sub`. Raises :class:`RegexTimeout`."""
        self._guard()
        try:
            return str(self._rx.sub(repl, string, count, timeout=self.timeout))
        except TimeoutError:
            raise self._timed_out() from None

    def __getattr__(self, name: str) -> Any:
        """Other attributes (``groups``, ``groupindex``) are the compiled pattern's, so
        a BoundedPattern can stand in for a ``regex.Pattern``."""
        if name.startswith("_"):  # private ones are never the compiled pattern's
            raise AttributeError(name)
        return getattr(self._rx, name)

    def __repr__(self) -> str:
        return f"BoundedPattern({self.pattern!r}, where={self.where!r})"


#: What :func:`compile_pack_regex` returns (an alias kept for type hints).
PackPattern = BoundedPattern


def compile_pack_regex(pattern: str, flags: int = 0, *, where: str,
                       lazy: bool = False) -> BoundedPattern:
    """Compile a pattern from a rule pack or config.

    Args:
        pattern: the regular expression as written (``re`` syntax).
        flags: ``re`` flags.
        where: the pack file and entry path (``"ours.yml: entries[3].exceptions[0]"``)
            or config key, named in :class:`RegexTimeout`.

    Returns:
        a :class:`BoundedPattern`.

    Raises:
        re.error: the pattern does not compile.
    """
    return BoundedPattern(pattern, flags, where=where, lazy=lazy)
