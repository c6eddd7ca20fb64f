"""Config discovery and strict validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_lint.config import find_config, load_config, options_of
from playbook_lint.errors import ConfigError
from playbook_lint.findings import Severity


def test_found_upward_in_pyproject(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.playbook-lint]\nfail-on = "warning"\nignore = ["jargon"]\n'
        'packs = ["styles/x.yml"]\n[tool.playbook-lint.rules.outdated-link]\n'
        'max-age-years = 3\nseverity = "info"\n'
    )
    sub = tmp_path / "docs" / "deep"
    sub.mkdir(parents=True)
    cfg = load_config(cwd=sub)
    assert cfg.path == tmp_path / "pyproject.toml"
    assert cfg.fail_on is Severity.WARNING
    assert cfg.ignore == ["jargon"]
    assert cfg.packs == [(tmp_path / "styles" / "x.yml").resolve()]
    assert cfg.rules["outdated-link"] == {"severity": "info", "max-age-years": 3}
    assert options_of(cfg.rules["outdated-link"]) == {"max-age-years": 3}


def test_pyproject_without_table_is_passed_over(tmp_path: Path):
    (tmp_path / ".playbook-lint.toml").write_text('select = ["jargon"]\n')
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    cfg = load_config(cwd=sub)
    assert cfg.path == tmp_path / ".playbook-lint.toml"
    assert cfg.select == ["jargon"]


def test_dedicated_file_wins_in_same_folder(tmp_path: Path):
    (tmp_path / ".playbook-lint.toml").write_text('ignore = ["a"]\n')
    (tmp_path / "pyproject.toml").write_text('[tool.playbook-lint]\nignore = ["b"]\n')
    assert find_config(tmp_path)[0] == tmp_path / ".playbook-lint.toml"


def test_no_config_gives_defaults(tmp_path: Path):
    cfg = load_config(cwd=tmp_path)
    assert cfg.path is None
    assert cfg.fail_on is Severity.ERROR and cfg.select == [] and cfg.rules == {}


def test_unknown_key_names_file_and_key(tmp_path: Path):
    f = tmp_path / "pyproject.toml"
    f.write_text('[tool.playbook-lint]\nfail-on = "error"\nfial-on = "x"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(cwd=tmp_path)
    assert str(exc.value) == (
        f"{f}: tool.playbook-lint.fial-on: unknown key (did you mean 'fail-on'?)")


def test_bad_severity_value(tmp_path: Path):
    f = tmp_path / ".playbook-lint.toml"
    f.write_text('[rules.jargon]\nseverity = "fatal"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(cwd=tmp_path)
    assert str(exc.value).startswith(f"{f}: rules.jargon.severity: 'fatal' is not one of")


def test_invalid_toml_is_a_config_error(tmp_path: Path):
    f = tmp_path / ".playbook-lint.toml"
    f.write_text("select = [\n")
    with pytest.raises(ConfigError) as exc:
        load_config(cwd=tmp_path)
    assert str(exc.value).startswith(f"{f}: invalid TOML:")


def test_explicit_config_missing(tmp_path: Path):
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path / "nope.toml", cwd=tmp_path)
    assert str(exc.value) == f"{tmp_path / 'nope.toml'}: config file not found"


def test_every_config_problem_is_reported_at_once_with_did_you_mean(tmp_path: Path) -> None:
    f = tmp_path / ".playbook-lint.toml"
    f.write_text('fial-on = "error"\nignroe = ["jargon"]\n[links]\ntimeout = -1\n'
                 '[site]\nbaseurl = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(f)
    assert str(exc.value).splitlines() == [
        f"{f}: fial-on: unknown key (did you mean 'fail-on'?)",
        f"{f}: ignroe: unknown key (did you mean 'ignore'?)",
        f"{f}: links.timeout: -1 is less than or equal to the minimum of 0",
        f"{f}: site.baseurl: unknown key (did you mean 'base-url'?)",
    ]


def test_a_pyproject_header_in_the_dedicated_file_is_explained(tmp_path: Path) -> None:
    f = tmp_path / ".playbook-lint.toml"
    f.write_text('[tool.playbook-lint]\nignore = ["jargon"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"remove the \[tool.playbook-lint\] header"):
        load_config(None, cwd=tmp_path)


def test_unknown_rule_names_get_a_did_you_mean() -> None:
    from playbook_lint.errors import UsageError
    from playbook_lint.registry import discover, resolve_names

    with pytest.raises(UsageError, match=r"unknown rule 'brokn-link'; did you mean "
                                         r"'broken-link'\?"):
        resolve_names(["brokn-link"], discover(), where="--select")
