"""Module-level regular expressions compiled on first use.

A rule module's patterns were compiled when it was imported, on every run, even for
a page that never reaches them: on a one-file run about a third of the CPU is
``re`` compiling, and a changed digitalgov page leaves 30 ms of module patterns
unused. :func:`lazy_compile` returns a stand-in that compiles the pattern (with
:func:`re.compile`, so ``re``'s own cache is shared) the first time one of its
attributes is asked for, and then puts the compiled pattern in the module's globals
in its place: later calls from the module's functions find the
:class:`re.Pattern` itself, at no extra cost. A reference taken elsewhere (a
tuple, another module's ``from ... import``) keeps the stand-in, which hands each
attribute to the compiled pattern.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any, cast

__all__ = ["LazyPattern", "lazy_compile"]


class LazyPattern:
    """A pattern compiled on first attribute access (see the module docstring).

    Args:
        namespace: the globals of the module holding it (``globals()``): the
            names bound to this object are bound to the compiled pattern then.
        pattern: the regular expression.
        flags: ``re`` flags.
    """

    __slots__ = ("_compiled", "_flags", "_namespace", "_source")

    def __init__(self, namespace: MutableMapping[str, Any], pattern: str,
                 flags: int = 0) -> None:
        self._namespace = namespace
        self._source = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now on the first call).

        Raises:
            re.error: the pattern does not compile.
        """
        rx = self._compiled
        if rx is None:
            rx = self._compiled = re.compile(self._source, self._flags)
            namespace = self._namespace
            for name in [k for k, v in namespace.items() if v is self]:
                namespace[name] = rx
        return rx

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # (pickling and copying ask before the slots are set)
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r}, {self._flags!r})"


def lazy_compile(namespace: MutableMapping[str, Any], pattern: str,
                 flags: int = 0) -> re.Pattern[str]:
    """A :class:`LazyPattern` of ``pattern`` for the module whose globals are
    ``namespace``, typed as the :class:`re.Pattern` it stands for. A pattern that
    does not compile raises :class:`re.error` at first use, not at import: the
    tests compile every one (``tests/test_lazyre.py``)."""
    return cast("re.Pattern[str]", LazyPattern(namespace, pattern, flags))
