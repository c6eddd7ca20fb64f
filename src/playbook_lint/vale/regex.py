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
        a compiled ``regex.Pattern`` (VERSION0 semantics, multiline off unless the
        pattern asks for it).

    Raises:
        PatternError: the pattern does not compile.
    """
    flags = regex.VERSION0
    if ignorecase:
        flags |= regex.IGNORECASE
    # Go's \z (end of text) is Python's \Z.
    fixed = pattern.replace(r"\z", r"\Z")
    return regex.compile(fixed, flags)


def group_count(pattern: str) -> int:
    """Number of capture groups in ``pattern`` (0 when it does not compile)."""
    try:
        return int(compile_pattern(pattern).groups)
    except PatternError:
        return 0
