"""Compiled regular expressions kept between runs (playbook_lint.regexcache): a kept
pattern is made from its kept code, never parsed again, and is the same pattern."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from playbook_lint import regexcache

PATTERNS = [
    (r"(?P<scheme>https?)://(?P<host>[^/\s]+)(/\S*)?", 0),
    (r"\butili[sz](e|es|ed|ing)\b", re.IGNORECASE),
    (r"""(?x) ^ \s* ([a-z]+) \s* = \s* (["'])(.*?)\2 $""", re.MULTILINE),
    (r"[\u00c0-\u024f\u1e00-\u1eff]+(?<![^\W_])x?", 0),
    ("(?i)café|naïve", 0),
]
SAMPLES = ["see https://example.gov/a/b and http://x.org", "We UTILISE, utilized it",
           '  name = "value"\nother = \'v\'', "Ærø ŁódźX plain", "CAFÉ naïve Naïve"]


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    regexcache._uninstall()
    re.purge()
    yield
    regexcache._uninstall()
    re.purge()


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The patterns re parsed (compiled the usual way)."""
    from re import _parser  # type: ignore[attr-defined]

    seen: list[str] = []
    real = _parser.parse

    def spy(p, flags=0):
        seen.append(p)
        return real(p, flags)

    monkeypatch.setattr(_parser, "parse", spy)
    return seen


def _facts(compiled: re.Pattern[str]) -> list[object]:
    out: list[object] = [compiled.pattern, compiled.flags, compiled.groups,
                         dict(compiled.groupindex)]
    for text in SAMPLES:
        out.append([(m.span(), m.groups(), m.groupdict()) for m in compiled.finditer(text)])
    return out


def _next_run() -> None:
    """What a new process sees: re's own cache empty, the kept file read again."""
    regexcache._uninstall()
    re.purge()
    assert regexcache.install()


def test_a_kept_pattern_is_not_parsed_again_and_is_the_same(parses: list[str]) -> None:
    want = [_facts(re.compile(p, f)) for p, f in PATTERNS]
    re.purge()
    assert regexcache.install() and regexcache.installed()
    assert [_facts(re.compile(p, f)) for p, f in PATTERNS] == want
    regexcache.save()
    kept = json.loads(regexcache._file().read_text("utf-8"))["patterns"]
    assert {f"{int(f)}:{p}" for p, f in PATTERNS} <= set(kept)
    _next_run()
    parses.clear()
    assert [_facts(re.compile(p, f)) for p, f in PATTERNS] == want
    assert parses == []
    # re.search and friends go through the same compile
    assert re.search(PATTERNS[0][0], SAMPLES[0]).group("host") == "example.gov"  # type: ignore[union-attr]
    assert parses == []


def test_a_corrupt_file_or_entry_is_compiled_as_usual(parses: list[str]) -> None:
    file = regexcache._file()
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("{not json", encoding="utf-8")
    assert regexcache.install()
    assert re.compile("a+b").fullmatch("aab") is not None
    assert parses == ["a+b"]
    regexcache._uninstall()
    re.purge()
    # code the matching engine refuses ([0, 2**31 - 1]), a record of the wrong shape,
    # code that is not base64
    file.write_text(json.dumps({"version": 2, "patterns": {
        "0:a+b": [32, "AAAAAP///38=", 1, {}, [None]], "0:c+d": ["x"],
        "0:e+f": [0, "%%", 1, {}, [None]]}}), encoding="utf-8")
    parses.clear()
    assert regexcache.install()
    assert re.compile("a+b").fullmatch("aab") is not None
    assert re.compile("c+d").fullmatch("ccd") is not None
    assert re.compile("e+f").fullmatch("eef") is not None
    assert parses == ["a+b", "c+d", "e+f"]


def test_the_file_is_written_only_for_enough_new_patterns(parses: list[str]) -> None:
    assert regexcache.install()
    re.compile("[xyz]+")  # 6 characters: below SAVE_FROM
    regexcache.save()
    assert not regexcache._file().exists()
    re.compile("(" + "|".join(f"word{k}" for k in range(20)) + ")")
    regexcache.save()
    assert len(json.loads(regexcache._file().read_text("utf-8"))["patterns"]) == 2


def test_another_interpreter_keeps_its_own_file(monkeypatch: pytest.MonkeyPatch) -> None:
    here = regexcache._file()
    monkeypatch.setattr(sys, "version", "3.99.0 (another build)")
    assert regexcache._file() != here
    assert regexcache._file().parent == here.parent


def _lint(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "playbook_lint", "--offline", "--today", "2026-12-01",
         "--format", "json", "--quiet", *extra, "page.md"],
        cwd=tmp_path, env=env, text=True, capture_output=True, timeout=60)


def test_the_console_script_keeps_patterns_unless_no_cache(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("# Page\n\nWe utilise [it](missing.md).\n",
                                      encoding="utf-8")
    cold = _lint(tmp_path, "--no-cache")
    assert not list((tmp_path / "cache").glob("playbook-lint/regex-*.json"))
    first = _lint(tmp_path)
    kept = list((tmp_path / "cache").glob("playbook-lint/regex-*.json"))
    assert len(kept) == 1
    stamp = kept[0].stat().st_mtime_ns
    (tmp_path / "cache" / "playbook-lint" / "results").rename(tmp_path / "old-results")
    second = _lint(tmp_path)  # every pattern from the file: the same report
    assert kept[0].stat().st_mtime_ns == stamp
    found = [(f["rule"], f["line"], f["column"]) for f in json.loads(cold.stdout)["findings"]]
    assert found == [("jargon", 3, 4), ("broken-link", 3, 17)]
    assert cold.returncode == first.returncode == second.returncode == 1
    assert cold.stdout == first.stdout == second.stdout
