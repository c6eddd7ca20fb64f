"""Regular expressions in Vale's dialect, compiled with the ``regex`` package.

Vale compiles rule patterns with Go's ``regexp2`` (a .NET-style engine: lookaround,
Unicode classes such as ``\\p{L}``, named groups ``(?P<n>...)`` and ``(?<n>...)``).
Python's ``re`` has no ``\\p{...}`` classes, so patterns go through the ``regex``
package (https://pypi.org/project/regex/), which accepts the same syntax.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex

__all__ = ["compile_pattern", "PatternError", "group_count"]

PatternError = regex.error


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str, ignorecase: bool = False) -> Any:
    """Compile a Vale pattern.

    Args:
        pattern: the pattern as written in a rule (Go/regexp2 syntax).
        ignorecase: add case-insensitive matching (Vale's ``(?i)`` prefix).

    Returns:
        a :class:`~playbook_lint.packregex.BoundedPattern` over the compiled ``regex``
        pattern (VERSION0 semantics, multiline off unless the pattern asks for it):
        each call is bounded by a timeout.

    Raises:
        PatternError: the pattern does not compile.
    """
    from playbook_lint.packregex import BoundedPattern

    flags = regex.VERSION0
    if ignorecase:
        flags |= regex.IGNORECASE
    # Go's \z (end of text) is Python's \Z.
    fixed = pattern.replace(r"\z", r"\Z")
    compiled = regex.compile(_scope_flags(fixed), flags)
    # bounded like every user pattern: a style's (a+)+$ must not hang the run
    return BoundedPattern(pattern, where="Vale style pattern", compiled=compiled)


def _scope_flags(pattern: str) -> str:
    """Rewrite Go's mid-pattern flag groups, which apply from there to the end of the
    enclosing group (``^.*$(?m)(?:x)``), as Python's scoped groups (``^.*$(?m:(?:x))``);
    a flag group at the very start stays global."""
    out: list[str] = []
    closers: list[int] = []  # per open group: how many scoped groups to close with it
    closers.append(0)
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            if pattern[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
            i += 1
            continue
        m = _FLAGS.match(pattern, i)
        if m is not None and i > 0:
            out.append(m.group()[:-1] + ":")
            closers[-1] += 1
            i = m.end()
            continue
        if c == "(":
            closers.append(0)
        elif c == ")" and len(closers) > 1:
            out.append(")" * closers.pop())
        out.append(c)
        i += 1
    out.append(")" * closers[0])
    return "".join(out)


_FLAGS = regex.compile(r"\(\?[imsU]+\)")


def group_count(pattern: str) -> int:
    """Number of capture groups in ``pattern`` (0 when it does not compile)."""
    try:
        return int(compile_pattern(pattern).groups)
    except PatternError:
        return 0
