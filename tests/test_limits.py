"""Issue 14 items 5, 6 and 8 (the parts that are not network): bounded regex work in
user packs, a sub-quadratic "did you mean", size caps, pack errors that do not echo."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run

from playbook_lint.config import MAX_CONFIG_BYTES, load_config
from playbook_lint.errors import ConfigError
from playbook_lint.frontmatter import parse_front_matter
from playbook_lint.packs import MAX_PACK_BYTES, PackError, load_pack


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- item 8: a pack path at a system file names the file, not its text -------------------

SECRET = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


def test_pack_that_is_a_password_file_is_not_echoed(here: Path, capsys) -> None:
    passwd = here / "passwd"
    passwd.write_text(SECRET, encoding="utf-8")
    (here / ".playbook-lint.toml").write_text(f'packs = ["{passwd}"]\n', encoding="utf-8")
    (here / "a.md").write_text("Text.\n", encoding="utf-8")
    code, out, err = run(["--offline", "."], capsys)
    assert (code, out) == (2, "")
    assert err == (f"playbook-lint: error: {passwd}: not a rule pack: a rule pack is a YAML "
                   "mapping with name, description, source, rule and entries (this file's "
                   "top level is a string)\n")
    assert "root" not in err.replace(str(passwd), "")


@pytest.mark.parametrize(("text", "message"), [
    ("api_token: s3cr3t-value\n",
     "not a rule pack: a rule pack is a YAML mapping with name, description, source, rule "
     "and entries (this file's top level is a mapping without 'rule' and 'entries')"),
    ("- s3cr3t-value\n",
     "not a rule pack: a rule pack is a YAML mapping with name, description, source, rule "
     "and entries (this file's top level is a list)"),
    ("name: p\ndescription: d\nsource: https://x.gov\nrule: jargon\nentries: s3cr3t-value\n",
     "entries: should be of type array, not a string"),
])
def test_pack_errors_never_quote_the_files_values(tmp_path: Path, text: str, message: str):
    from playbook_lint.checks.prose import JARGON_ENTRY_SCHEMA

    p = tmp_path / "p.yml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as exc:
        load_pack(p, {"jargon": JARGON_ENTRY_SCHEMA})
    assert str(exc.value) == f"{p}: {message}"
    assert "s3cr3t" not in str(exc.value)


# -- item 6: size caps -------------------------------------------------------------------

def test_huge_config_is_refused_unread(here: Path) -> None:
    cfg = here / ".playbook-lint.toml"
    cfg.write_bytes(b"# " + b"x" * MAX_CONFIG_BYTES + b"\n")
    with pytest.raises(ConfigError) as exc:
        load_config(cwd=here)
    assert str(exc.value) == f"{cfg}: config file too large (over 1,048,576 bytes); not read"


def test_config_at_the_cap_is_read(here: Path) -> None:
    cfg = here / ".playbook-lint.toml"
    body = b'fail-on = "warning"\n'
    cfg.write_bytes(body + b"#" * (MAX_CONFIG_BYTES - len(body) - 1) + b"\n")
    assert load_config(cwd=here).fail_on.name == "WARNING"


def test_huge_config_via_cli_exits_2_naming_the_file(here: Path, capsys) -> None:
    (here / "big.toml").write_bytes(b"#" * (MAX_CONFIG_BYTES + 10))
    code, out, err = run(["--offline", "--config", "big.toml", "."], capsys)
    assert (code, out, err) == (
        2, "", "playbook-lint: error: big.toml: config file too large (over 1,048,576 bytes); "
               "not read\n")


def test_huge_pack_is_refused_unread(tmp_path: Path) -> None:
    p = tmp_path / "big.yml"
    p.write_bytes(b"#" * (MAX_PACK_BYTES + 1))
    with pytest.raises(PackError) as exc:
        load_pack(p, {})
    assert str(exc.value) == f"{p}: rule pack too large (over 8,388,608 bytes); not read"


def test_front_matter_with_200000_repeated_keys_is_not_parsed() -> None:
    text = "---\n" + "title: x\n" * 200_000 + "---\nBody.\n"
    fm = parse_front_matter(text)
    assert fm is not None and fm.data is None
    assert [(e.offset, e.kind, e.message) for e in fm.errors] == [
        (4, "too-large", "front matter too large to check (1,800,000 characters; the limit "
                         "is 1,048,576): not parsed")]


def test_front_matter_with_too_many_lines_is_reported_once_as_a_warning(here: Path, capsys):
    (here / "a.md").write_text("---\n" + "a: 1\n" * 20_001 + "---\nBody.\n", encoding="utf-8")
    code, out, _ = run(["--offline", "--select", "front-matter-invalid", "a.md"], capsys)
    assert (code, out) == (0, "a.md:2:1: warning front-matter-invalid front matter too large "
                              "to check (20,001 lines; the limit is 20,000): not parsed\n")


def test_front_matter_at_the_line_cap_is_parsed() -> None:
    fm = parse_front_matter("---\n" + "".join(f"k{i}: 1\n" for i in range(20_000)) + "---\n")
    assert fm is not None and fm.errors == [] and fm.data is not None
    assert len(fm.data) == 20_000
