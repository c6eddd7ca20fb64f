"""Issue 14 items 1, 3, 4, 7 and 9: --fix never corrupts, never writes outside the
linted tree, cleans up after a killed run; printed text cannot forge lines."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from cli_runner import run

from playbook_lint import fixer
from playbook_lint.atomic import clean_stale_temps, is_fix_temp
from playbook_lint.document import decode
from playbook_lint.findings import Finding, Severity
from playbook_lint.reporters import Summary, get_reporter
from playbook_lint.reporters.escape import escape_controls


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- item 1: a UTF-8 BOM on bytes that are not UTF-8 ------------------------------------

def test_utf8_bom_on_cp1252_text_is_decoded_after_the_bom() -> None:
    d = decode(b"\xef\xbb\xbfWe utilise the caf\xe9.\n")
    assert (d.text, d.encoding, d.bom, d.bom_bytes) == (
        "We utilise the caf\u00e9.\n", "cp1252", True, b"\xef\xbb\xbf")
    assert d.raw == d.text


def test_fix_of_utf8_bom_file_that_is_not_utf8_edits_the_right_span(here: Path, capsys):
    page = here / "bom.md"
    page.write_bytes(b"\xef\xbb\xbfWe utilise the caf\xe9.\n")
    code, out, err = run(["--offline", "--select", "jargon", "--diff", "bom.md"], capsys)
    assert code == 1
    assert "-We utilise the caf\u00e9.\n+We use the caf\u00e9.\n" in out
    code, out, err = run(["--offline", "--select", "jargon", "--fix", "bom.md"], capsys)
    assert code == 1
    assert page.read_bytes() == b"\xef\xbb\xbfWe use the caf\xe9.\n"
    assert "applied 1 fix in 1 file" in err


# -- item 3: spans are checked, not modification times ----------------------------------

def _replace_with_older_mtime(monkeypatch: pytest.MonkeyPatch, page: Path, text: str) -> None:
    real = fixer.apply_fixes

    def racing(*args, **kwargs):
        st = page.stat()
        page.write_text(text, encoding="utf-8")
        os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns - 10**10))  # as cp -p would
        return real(*args, **kwargs)

    monkeypatch.setattr(fixer, "apply_fixes", racing)


@pytest.mark.parametrize("replacement", [
    "Please utilise it\n",       # shorter: offsets shift (once gave "Pleuseutilise it")
    "Please do utilize it.\n",   # same length, other text at the span
    "Please do utilise it.\nAnd utilise this.\n",  # the linted lines plus a new one
])
def test_fix_skips_a_file_replaced_by_one_with_an_older_mtime(
    here: Path, capsys, monkeypatch, replacement: str
):
    page = here / "r.md"
    page.write_text("Please do utilise it.\n" if "And" not in replacement
                    else "And utilise this.\n", encoding="utf-8")
    _replace_with_older_mtime(monkeypatch, page, replacement)
    code, _, err = run(["--offline", "--select", "jargon", "--fix", "r.md"], capsys)
    assert page.read_text(encoding="utf-8") == replacement
    assert "playbook-lint: r.md: skipped 1 fix: the file changed since it was checked\n" in err
    assert "applied" not in err
    assert code == 0  # a jargon warning; nothing was changed


def test_record_linted_keeps_the_span_and_bounded_context_within_its_line() -> None:
    from playbook_lint.findings import Edit, Fix

    fix = fixer.record_linted(Fix("t", (Edit(11, 18, "use"),)), "One.\nWe do utilise it.\nEnd.\n")
    assert fix.edits[0].linted == (5, "We do utilise it.")
    long = "x" * 500 + "utilise" + "y" * 500
    fix = fixer.record_linted(Fix("t", (Edit(500, 507, "use"),)), long)
    assert fix.edits[0].linted == (420, "x" * 80 + "utilise" + "y" * 80)


# -- item 4: writes stay inside the linted tree ----------------------------------------

@pytest.fixture
def outside_link(here: Path) -> tuple[Path, Path]:
    outside = here / "outside"
    tree = here / "tree"
    outside.mkdir()
    tree.mkdir()
    target = outside / "t.md"
    target.write_text("We utilise it.\n", encoding="utf-8")
    (tree / "link.md").symlink_to(Path("..") / "outside" / "t.md")
    (tree / "own.md").write_text("Do not utilise it.\n", encoding="utf-8")
    return tree, target


def test_fix_does_not_follow_a_symlink_out_of_the_linted_tree(outside_link, capsys, monkeypatch):
    tree, target = outside_link
    monkeypatch.chdir(tree)
    code, _, err = run(["--offline", "--select", "jargon", "--fix", "."], capsys)
    assert code == 1
    assert target.read_text(encoding="utf-8") == "We utilise it.\n"
    assert (tree / "own.md").read_text(encoding="utf-8") == "Do not use it.\n"
    assert (f"playbook-lint: link.md: not fixed: its real location {target.resolve()} is "
            "outside the linted folders (a symbolic link; --fix-outside-root allows writing "
            "there)\n") in err
    assert "applied 1 fix in 1 file" in err
    assert (tree / "link.md").is_symlink()


def test_a_symlinked_file_named_on_the_command_line_is_not_trusted(outside_link, capsys):
    tree, target = outside_link
    run(["--offline", "--select", "jargon", "--fix", "tree/link.md"], capsys)
    assert target.read_text(encoding="utf-8") == "We utilise it.\n"


def test_fix_outside_root_flag_allows_it(outside_link, capsys, monkeypatch):
    tree, target = outside_link
    monkeypatch.chdir(tree)
    code, _, err = run(["--offline", "--select", "jargon", "--fix", "--fix-outside-root", "."],
                       capsys)
    assert code == 1
    assert target.read_text(encoding="utf-8") == "We use it.\n"
    assert (tree / "link.md").is_symlink()
    assert "applied 2 fixes in 2 files" in err


def test_a_symlink_inside_the_tree_is_still_fixed(here: Path, capsys):
    (here / "docs").mkdir()
    (here / "docs" / "a.md").write_text("We utilise it.\n", encoding="utf-8")
    (here / "b.md").symlink_to(Path("docs") / "a.md")
    run(["--offline", "--select", "jargon", "--fix", "b.md"], capsys)
    assert (here / "docs" / "a.md").read_text(encoding="utf-8") == "We use it.\n"


# -- item 9: temporary files of a killed --fix ------------------------------------------

def test_temp_pattern_is_our_own() -> None:
    assert is_fix_temp(".guide.md.k3j_9xq2.tmp")
    assert is_fix_temp(".Guide.MARKDOWN.abcdefgh.tmp")
    assert not is_fix_temp(".guide.md.k3j9xq2.tmp")   # 7 characters
    assert not is_fix_temp("guide.md.k3j_9xq2.tmp")   # not hidden
    assert not is_fix_temp(".cache.json.k3j_9xq2.tmp")
    assert not is_fix_temp(".guide.md.K3J_9XQ2.tmp.bak")


def test_stale_temps_are_removed_fresh_ones_and_others_kept(here: Path) -> None:
    now = time.time()
    stale = here / ".a.md.abcd1234.tmp"
    fresh = here / ".a.md.wxyz5678.tmp"
    other = here / ".notes.txt.abcd1234.tmp"
    for p in (stale, fresh, other):
        p.write_text("x", encoding="utf-8")
    os.utime(stale, (now - 3601, now - 3601))
    os.utime(other, (now - 9999, now - 9999))
    os.utime(fresh, (now - 3599, now - 3599))
    link = here / ".b.md.abcd1234.tmp"
    link.symlink_to(other)
    os.utime(link, (now - 9999, now - 9999), follow_symlinks=False)
    assert clean_stale_temps([here], now=now) == [stale]
    assert sorted(p.name for p in here.iterdir() if p.name.endswith(".tmp")) == [
        ".a.md.wxyz5678.tmp", ".b.md.abcd1234.tmp", ".notes.txt.abcd1234.tmp"]


def test_fix_run_cleans_stale_temps_and_never_lints_them(here: Path, capsys) -> None:
    (here / "a.md").write_text("Plain.\n", encoding="utf-8")
    stale = here / ".a.md.abcd1234.tmp"
    stale.write_text("We utilise it.\n", encoding="utf-8")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    code, out, err = run(["--offline", "--select", "jargon", ".a.md.abcd1234.tmp"], capsys)
    assert (code, out) == (0, "")
    assert stale.exists()  # a run without --fix writes and deletes nothing
    code, out, err = run(["--offline", "--select", "jargon", "--fix", "."], capsys)
    assert (code, out) == (0, "")
    assert err == ("playbook-lint: removed a stale temporary file of an earlier --fix: "
                   ".a.md.abcd1234.tmp\n")
    assert not stale.exists()


# -- item 7: control characters never reach the terminal raw ----------------------------

def test_escape_controls() -> None:
    assert escape_controls("a\nb\rc\td\x1b[31m\x07\x7f\x85\u202e\u2066\u2028ok") == (
        "a\\nb\\rc\\td\\x1b[31m\\x07\\x7f\\x85\\u202e\\u2066\\u2028ok")
    assert escape_controls("caf\u00e9 \u00a0plain") == "caf\u00e9 \u00a0plain"
    assert escape_controls("a\nb\x1b", keep="\n") == "a\nb\\x1b"


def _finding(path: str, message: str) -> Finding:
    return Finding(path=path, line=1, column=4, rule="jargon", code="PL301",
                   severity=Severity.WARNING, message=message)


def test_text_format_escapes_paths_and_messages() -> None:
    f = _finding("a.md\nb.md:1:1: error broken-link forged\x1b]0;x\x07.md",
                 'is "\x1b[2Jx\u202e"\nnext')
    out = get_reporter("text")([f], Summary())
    assert out == ("a.md\\nb.md:1:1: error broken-link forged\\x1b]0;x\\x07.md:1:4: warning "
                   'jargon is "\\x1b[2Jx\\u202e" next\n')
    assert out.count("\n") == 1


def test_github_format_escapes_controls() -> None:
    f = _finding("a\x1b.md", "bell\x07 and\nnewline 100%")
    out = get_reporter("github")([f], Summary(messages=["m\x1b[0m"]))
    assert out == ("::warning file=a\\x1b.md,line=1,col=4,title=jargon::bell\\x07 and%0A"
                   "newline 100%25\n::warning::m\\x1b[0m\n")


def test_file_name_with_newline_cannot_forge_a_finding(here: Path, capsys) -> None:
    (here / "x\nfake.md:9:9: error broken-link forged.md").write_text(
        "We utilise it.\n", encoding="utf-8")
    code, out, err = run(["--offline", "--select", "jargon", "."], capsys)
    assert code == 0
    assert out == ('x\\nfake.md:9:9: error broken-link forged.md:1:4: warning jargon '
                   '"utilise" is jargon (GOV.UK words to avoid): use "use"\n')


def test_front_matter_value_with_escape_sequences(here: Path, capsys) -> None:
    (here / ".playbook-lint.toml").write_text(
        '[rules.front-matter-invalid]\n'
        'profiles = [{ paths = ["*.md"], keys = { status = { allowed = ["draft"] } } }]\n',
        encoding="utf-8")
    (here / "p.md").write_text('---\nstatus: "\\e]0;pwned\\a\\e[2J"\n---\nText.\n',
                               encoding="utf-8")
    code, out, _ = run(["--offline", "--select", "front-matter-invalid", "."], capsys)
    assert code == 1
    assert out == ('p.md:2:1: error front-matter-invalid front matter key "status" is '
                   '"\\x1b]0;pwned\\x07\\x1b[2J"; allowed values: "draft"\n')
    code, out, _ = run(["--offline", "--select", "front-matter-invalid", "--format", "github",
                        "."], capsys)
    assert "\x1b" not in out and "\x07" not in out
    assert '"\\x1b]0;pwned\\x07\\x1b[2J"' in out


def test_notes_on_stderr_escape_file_names(here: Path, capsys) -> None:
    (here / "bin\x1b[2J.md").write_bytes(b"---\n\x00\x00\x00")
    code, out, err = run(["--offline", "."], capsys)
    assert "\x1b" not in err
    assert "playbook-lint: bin\\x1b[2J.md: skipped: binary file (NUL bytes), not Markdown text\n" \
        in err
