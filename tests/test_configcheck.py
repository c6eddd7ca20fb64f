"""The config's JSON Schema check remembered (playbook_lint.configcheck): an unchanged
config that passed is not checked again, a changed one is, an invalid one reports
exactly as without the cache every time, and ``--no-cache`` neither reads nor writes
the markers."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

from playbook_lint import configcheck
from playbook_lint.config import SCHEMA, load_config
from playbook_lint.errors import ConfigError
from playbook_lint.siteindex import site_caches


@pytest.fixture()
def checks(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The tables the schema was really checked against, in order."""
    seen: list[dict[str, Any]] = []
    real = configcheck._validate

    def spy(table: Any, *args: Any) -> list[str]:
        seen.append(dict(table))
        return real(table, *args)

    monkeypatch.setattr(configcheck, "_validate", spy)
    return seen


def _markers() -> list[str]:
    folder = configcheck._folder()
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def test_an_unchanged_config_is_checked_once(tmp_path: Path, checks: list[Any]) -> None:
    cfg = tmp_path / ".playbook-lint.toml"
    cfg.write_text('fail-on = "warning"\n[links]\ntimeout = 5\n', encoding="utf-8")
    first = load_config(cwd=tmp_path)
    second = load_config(cwd=tmp_path)
    assert len(checks) == 1 and len(_markers()) == 1
    assert first == second and second.links == {"timeout": 5}


def test_a_changed_config_is_checked_again(tmp_path: Path, checks: list[Any]) -> None:
    cfg = tmp_path / ".playbook-lint.toml"
    cfg.write_text("[links]\ntimeout = 5\n", encoding="utf-8")
    load_config(cwd=tmp_path)
    cfg.write_text("[links]\ntimeout = 6\n", encoding="utf-8")
    assert load_config(cwd=tmp_path).links == {"timeout": 6}
    cfg.write_text("[links]\ntimeout = 0\n", encoding="utf-8")  # now invalid
    for _ in range(2):  # a failure is never remembered: the same message each run
        with pytest.raises(ConfigError) as exc:
            load_config(cwd=tmp_path)
        assert str(exc.value) == f"{cfg}: links.timeout: 0 is less than or equal to the " \
            "minimum of 0"
    assert [t["links"]["timeout"] for t in checks] == [5, 6, 0, 0]
    assert len(_markers()) == 2


def test_a_string_and_a_date_are_different_tables() -> None:
    as_text = {"links": {"user-agent": "1979-05-27"}}
    as_date = {"links": {"user-agent": datetime.date(1979, 5, 27)}}
    assert configcheck.check_digest(as_text, SCHEMA) != configcheck.check_digest(as_date, SCHEMA)
    assert configcheck.schema_problems(as_text, Path("c.toml"), SCHEMA) == []
    assert configcheck.schema_problems(as_date, Path("c.toml"), SCHEMA) == [
        "c.toml: links.user-agent: datetime.date(1979, 5, 27) is not of type 'string'"]


def test_no_cache_checks_every_time_and_keeps_nothing(tmp_path: Path,
                                                      checks: list[Any]) -> None:
    (tmp_path / ".playbook-lint.toml").write_text("select = ['jargon']\n", encoding="utf-8")
    with site_caches(False):
        load_config(cwd=tmp_path)
        load_config(cwd=tmp_path)
    assert len(checks) == 2 and _markers() == []


def test_the_oldest_markers_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(configcheck, "MARKERS_KEPT", 3)
    for n in range(5):
        assert configcheck.schema_problems({"ignore": [f"rule-{n}"]}, tmp_path, SCHEMA) == []
        marker = configcheck._folder() / configcheck.check_digest({"ignore": [f"rule-{n}"]},
                                                                  SCHEMA)
        os.utime(marker, ns=(n * 10**9, n * 10**9))  # the order they were made in
    kept = {configcheck.check_digest({"ignore": [f"rule-{n}"]}, SCHEMA) for n in (2, 3, 4)}
    assert set(_markers()) == kept
