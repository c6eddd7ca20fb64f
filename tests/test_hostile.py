"""Regression tests for hostile input found by a break-it session (our own fixtures)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run

from playbook_lint import fixer
from playbook_lint.document import NotTextError, decode
from playbook_lint.packs import PackError, load_pack


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_file_reached_through_a_symlink_is_linted_and_fixed_once(here: Path, capsys):
    (here / "a.md").write_text("We utilise it.\n", encoding="utf-8")
    (here / "b.md").symlink_to("a.md")
    code, _, err = run(["--offline", "--select", "jargon", "--fix", "."], capsys)
    assert code == 1
    assert (here / "a.md").read_text(encoding="utf-8") == "We use it.\n"
    assert "applied 1 fix in 1 file" in err


def test_fix_skips_a_file_changed_after_it_was_read(here: Path, capsys, monkeypatch):
    page = here / "r.md"
    page.write_text("We utilise it.\n", encoding="utf-8")
    real = fixer.apply_fixes

    def racing(*args, **kwargs):
        page.write_text("Do not change.\n", encoding="utf-8")
        st = page.stat()
        os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        return real(*args, **kwargs)

    monkeypatch.setattr(fixer, "apply_fixes", racing)
    run(["--offline", "--select", "jargon", "--fix", "r.md"], capsys)
    assert page.read_text(encoding="utf-8") == "Do not change.\n"


def test_fix_keeps_setuid_bit(here: Path, capsys):
    page = here / "s.md"
    page.write_text("We utilise it.\n", encoding="utf-8")
    os.chmod(page, 0o4751)
    run(["--offline", "--select", "jargon", "--fix", "s.md"], capsys)
    assert page.read_text(encoding="utf-8") == "We use it.\n"
    assert stat.S_IMODE(page.stat().st_mode) == 0o4751


def test_config_that_is_not_utf8_is_a_one_line_error(here: Path, capsys):
    (here / ".playbook-lint.toml").write_bytes(b'fail-on = "error" # caf\xe9\n')
    (here / "a.md").write_text("# A\n", encoding="utf-8")
    code, _, err = run(["--offline", "a.md"], capsys)
    assert code == 2
    assert err.startswith(f"playbook-lint: error: {here / '.playbook-lint.toml'}: not UTF-8 text")
    assert err.count("\n") == 1


def test_config_path_that_is_a_folder(here: Path, capsys):
    (here / "a.md").write_text("# A\n", encoding="utf-8")
    code, _, err = run(["--offline", "--config", ".git", "a.md"], capsys)
    assert (code, err) == (2, "playbook-lint: error: .git: is a folder, not a config file\n")


def test_deeply_nested_pack_is_a_pack_error(tmp_path: Path):
    pack = tmp_path / "p.yml"
    pack.write_text("entries: " + "[" * 10000 + "]" * 10000 + "\n")
    with pytest.raises(PackError, match="nested too deeply|exceeded maximum nesting depth"):
        load_pack(pack, {"jargon": {}})


def test_utf16_and_utf32_files_are_read_as_text():
    for enc in ("utf-16", "utf-16-be", "utf-32"):
        mark = "\ufeff" if enc.endswith("-be") else ""  # "utf-16"/"utf-32" write their own
        data = (mark + "We utilise it.\r\n").encode(enc)
        d = decode(data)
        assert (d.text, d.bom, d.newline) == ("We utilise it.\n", True, "\r\n"), enc


def test_binary_file_named_md_is_skipped_with_a_note(here: Path, capsys):
    (here / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (here / "ok.md").write_text("# Fine\n", encoding="utf-8")
    with pytest.raises(NotTextError):
        decode((here / "image.md").read_bytes())
    code, out, err = run(["--offline", "."], capsys)
    assert (code, out) == (0, "")
    assert err == "playbook-lint: image.md: skipped: binary file (NUL bytes), not Markdown text\n"


def test_utf16_fix_round_trip(here: Path, capsys):
    page = here / "w.md"
    page.write_bytes("We utilise it.\r\n".encode("utf-16"))
    code, _, _ = run(["--offline", "--select", "jargon", "--fix", "w.md"], capsys)
    assert code == 1
    assert page.read_bytes() == "We use it.\r\n".encode("utf-16")


def test_sarif_with_a_file_name_that_is_not_utf8(here: Path, capsys):
    name = os.fsdecode(b"bad\xffname.md")
    (here / name).write_text("We utilise it.\n", encoding="utf-8")
    code, out, _ = run(["--offline", "--select", "jargon", "--format", "sarif", "."], capsys)
    (result,) = json.loads(out)["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "bad%FFname.md"


def test_deep_toml_front_matter_is_a_finding(here: Path, capsys):
    (here / "t.md").write_text("+++\nx = " + "[" * 5000 + "]" * 5000 + "\n+++\n# T\n")
    code, out, err = run(["--offline", "--select", "front-matter-invalid", "t.md"], capsys)
    assert out == "t.md:2:1: error front-matter-invalid TOML front matter nested too deeply\n"
    assert "internal error" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_beside_the_linted_file_does_not_hang(here: Path):
    os.mkfifo(here / "pipe.md")
    (here / "good.md").write_text("# Good\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "playbook_lint", "--offline", "good.md"],
                          cwd=here, capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "")
    proc = subprocess.run([sys.executable, "-m", "playbook_lint", "--offline", "."],
                          cwd=here, capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "")
    proc = subprocess.run([sys.executable, "-m", "playbook_lint", "--offline", "pipe.md"],
                          cwd=here, capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (
        2, "playbook-lint: error: pipe.md: not a regular file or folder\n")


def test_max_age_years_out_of_range_is_a_config_error(here: Path, capsys):
    (here / ".playbook-lint.toml").write_text(
        "[rules.outdated-link]\nmax-age-years = 99999999999999999\n")
    (here / "a.md").write_text("# A\n", encoding="utf-8")
    code, _, err = run(["--offline", "a.md"], capsys)
    assert code == 2
    assert err.startswith(f"playbook-lint: error: {here / '.playbook-lint.toml'}: "
                          "rules.outdated-link.max-age-years: 99999999999999999 is greater than")


def test_backtick_runs_of_every_length_stay_fast():
    from playbook_lint.document import Document

    # 1..1999 backticks then "a": no run closes another; this was cubic (over 60 s)
    text = "".join("`" * i + "a" for i in range(1, 2000))
    prose = Document(Path("b.md"), text).prose
    assert len(prose) == len(text)
    assert prose.count("a") == 1999  # nothing closes, so the letters stay prose
