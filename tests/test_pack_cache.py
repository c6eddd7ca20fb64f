"""Parsed rule packs kept between runs (issue 10, target 4): an unchanged pack file
is not parsed again and a user pack that passed validation is not validated again;
an edited pack is read and validated afresh; ``--no-cache`` keeps nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from playbook_lint import packs
from playbook_lint.checks.prose import JARGON_ENTRY_SCHEMA
from playbook_lint.siteindex import site_caches

SCHEMAS = {"jargon": JARGON_ENTRY_SCHEMA}
PACK = """name: ours
description: Our words.
source: https://example.gov/words
rule: jargon
entries:
  - terms: [{term}]
    replacements: [use]
    strength: strong
"""


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``parse NAME`` / ``validate NAME`` for every pack parsed or validated."""
    seen: list[str] = []
    parse, validate = packs._parse_pack, packs.validate

    def spy_parse(path: Path):
        seen.append(f"parse {path.name}")
        return parse(path)

    def spy_validate(data, schema, path):
        seen.append(f"validate {Path(path).name}")
        return validate(data, schema, path)

    monkeypatch.setattr(packs, "_parse_pack", spy_parse)
    monkeypatch.setattr(packs, "validate", spy_validate)
    monkeypatch.setattr(packs._PackMemo, "_loaded", None)  # a new process
    return seen


def _write(path: Path, term: str, mtime_ns: int) -> Path:
    path.write_text(PACK.format(term=term), encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs._PackMemo, "_loaded", None)


def test_an_unchanged_pack_is_neither_parsed_nor_validated_again(
        tmp_path: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pack = _write(tmp_path / "ours.yml", "utilise", 1_700_000_000_000_000_000)
    first = packs.load_packs([pack], SCHEMAS)
    assert calls == ["parse ours.yml", "validate ours.yml", "validate ours.yml"]
    calls.clear()
    _new_process(monkeypatch)
    second = packs.load_packs([pack], SCHEMAS)
    assert calls == []
    assert second == first
    assert second[0].entries == ({"terms": ["utilise"], "replacements": ["use"],
                                  "strength": "strong"},)
    # an edit (same size, new mtime) is parsed and validated again
    calls.clear()
    _new_process(monkeypatch)
    _write(pack, "leverag", 1_700_000_000_000_000_001)
    assert packs.load_packs([pack], SCHEMAS)[0].entries[0]["terms"] == ["leverag"]
    assert calls == ["parse ours.yml", "validate ours.yml", "validate ours.yml"]


def test_an_invalid_pack_fails_every_time(tmp_path: Path, calls: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "bad.yml"
    pack.write_text(PACK.format(term="x").replace("strength:", "strenth:"),
                    encoding="utf-8")
    for _ in range(2):
        _new_process(monkeypatch)
        with pytest.raises(packs.PackError, match=r"bad.yml: entries\[0\].strenth: unknown key"):
            packs.load_packs([pack], SCHEMAS)


def test_objects_are_not_shared_between_loads(tmp_path: Path, calls: list[str]) -> None:
    pack = _write(tmp_path / "ours.yml", "utilise", 1_700_000_000_000_000_000)
    a = packs.load_packs([pack], SCHEMAS)[0].entries[0]
    b = packs.load_packs([pack], SCHEMAS)[0].entries[0]
    c = packs.load_packs([pack], SCHEMAS)[0].entries[0]
    assert a == b == c and a is not b and b is not c


def test_no_cache_keeps_nothing(tmp_path: Path, calls: list[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    pack = _write(tmp_path / "ours.yml", "utilise", 1_700_000_000_000_000_000)
    with site_caches(False):
        packs.load_packs([pack], SCHEMAS)
        _new_process(monkeypatch)
        packs.load_packs([pack], SCHEMAS)
    assert calls.count("parse ours.yml") == 2
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "packs.json").exists()
