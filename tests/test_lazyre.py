"""Tests for playbook_lint.lazyre: module patterns compiled on first use."""

from __future__ import annotations

import copy
import importlib
import pickle
import re
import sys

import pytest

from playbook_lint.lazyre import LazyPattern, lazy_compile

#: The modules whose patterns are lazy.
MODULES = [f"playbook_lint.checks.{name}" for name in (
    "stale_content", "broken_link", "context", "reference_labels", "link_text", "images",
    "front_matter", "prose")] + ["playbook_lint.site", "playbook_lint.fminfer",
                                "playbook_lint.fmsite"]


def test_the_pattern_compiles_on_first_use_and_takes_its_place() -> None:
    ns: dict[str, object] = {}
    ns["WORD"] = ns["ALSO"] = lazy_compile(ns, r"\bkey\b", re.IGNORECASE)
    stand_in = ns["WORD"]
    assert isinstance(stand_in, LazyPattern) and stand_in._compiled is None
    assert stand_in.search("The KEY here").group() == "KEY"  # type: ignore[attr-defined]
    assert ns["WORD"] is ns["ALSO"] is re.compile(r"\bkey\b", re.IGNORECASE)
    # a reference kept elsewhere still answers, through the compiled pattern
    assert stand_in.pattern == r"\bkey\b"  # type: ignore[attr-defined]
    assert stand_in.flags == re.IGNORECASE | re.UNICODE  # type: ignore[attr-defined]


def test_a_bad_pattern_fails_at_first_use() -> None:
    ns: dict[str, object] = {}
    bad = lazy_compile(ns, "(a")
    with pytest.raises(re.error):
        bad.search("a")


def test_a_stand_in_pickles_and_copies() -> None:
    ns: dict[str, object] = {}
    lazy = lazy_compile(ns, "a+")
    for other in (copy.copy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert other.match("aa").group() == "aa"


@pytest.mark.parametrize("name", MODULES)
def test_every_lazy_module_pattern_compiles(name: str) -> None:
    module = importlib.import_module(name)
    lazy = {k: v for k, v in vars(module).items() if isinstance(v, LazyPattern)}
    if not lazy:  # an earlier test compiled them: import the module afresh
        old = sys.modules.pop(name)
        try:
            module = importlib.import_module(name)
        finally:
            sys.modules[name] = old
        lazy = {k: v for k, v in vars(module).items() if isinstance(v, LazyPattern)}
    assert lazy
    for key, pattern in lazy.items():
        assert isinstance(pattern.compiled(), re.Pattern)
        assert isinstance(vars(module)[key], re.Pattern)
