"""Tests of playbook_lint.fixer: choosing, applying and writing fixes.

Most tests build findings by hand (so they do not depend on what rules offer) and
compare the written file with an expected file byte for byte; the last ones run
the real CLI with ``--fix``/``--diff``.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from playbook_lint import fixer
from playbook_lint.document import decode
from playbook_lint.findings import Edit, Finding, Fix, Severity
from playbook_lint.fixer import apply_fixes, plan_file, unified_diff

FIXTURES = Path(__file__).parent / "fixtures" / "fix"


def finding(
    text: str,
    start: int,
    end: int,
    replacement: str,
    *,
    path: str = "page.md",
    rule: str = "jargon",
    safe: bool = True,
    extra: tuple[Edit, ...] = (),
) -> Finding:
    """A finding at ``text[start:end]`` (normalised text) whose fix replaces that span."""
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Finding(
        path=path, line=line, column=column, rule=rule, code="PL301",
        severity=Severity.WARNING, message="m",
        fix=Fix("Replace", (Edit(start, end, replacement), *extra), safe=safe),
    )


def at(text: str, needle: str, replacement: str, **kw: object) -> Finding:
    """A finding whose fix replaces the first ``needle`` of ``text`` by ``replacement``."""
    start = text.index(needle)
    return finding(text, start, start + len(needle), replacement, **kw)  # type: ignore[arg-type]


def copy_fixture(tmp_path: Path, name: str, as_name: str = "page.md") -> tuple[Path, str]:
    """Copy ``<name>.input.md`` to ``tmp_path/as_name``; return the path and normalised text."""
    dest = tmp_path / as_name
    shutil.copyfile(FIXTURES / f"{name}.input.md", dest)
    return dest, decode(dest.read_bytes()).text


def expected(name: str) -> bytes:
    return (FIXTURES / f"{name}.expected.md").read_bytes()


# --- choosing fixes ---------------------------------------------------------------------

def test_overlapping_fix_is_skipped_and_reported() -> None:
    text = "We utilise it.\n"
    first = at(text, "utilise", "use")
    second = at(text, "utilise it", "use this", rule="other")
    plan = plan_file(text, [first, second])
    assert plan.new_raw == "We use it.\n"
    assert plan.applied == 1
    assert plan.notes == ["page.md:1:4: skipped fix for other: overlaps another fix"]


def test_touching_edits_both_apply_but_two_insertions_at_one_point_conflict() -> None:
    text = "abcdef\n"
    plan = plan_file(text, [finding(text, 0, 3, "X"), finding(text, 3, 6, "Y")])
    assert (plan.new_raw, plan.applied, plan.notes) == ("XY\n", 2, [])
    plan = plan_file(text, [finding(text, 2, 2, "1"), finding(text, 2, 2, "2", rule="r2")])
    assert plan.new_raw == "ab1cdef\n"
    assert plan.notes == ["page.md:1:3: skipped fix for r2: overlaps another fix"]


def test_insertion_strictly_inside_a_replacement_conflicts() -> None:
    text = "abcdef\n"
    plan = plan_file(text, [finding(text, 1, 5, "-"), finding(text, 3, 3, "+", rule="r2")])
    assert plan.new_raw == "a-f\n"
    assert plan.notes == ["page.md:1:4: skipped fix for r2: overlaps another fix"]


def test_identical_fix_from_two_findings_is_applied_once() -> None:
    text = "We utilise it.\n"
    a = at(text, "utilise", "use")
    b = at(text, "utilise", "use", rule="other")
    plan = plan_file(text, [a, b])
    assert (plan.new_raw, plan.applied, plan.notes) == ("We use it.\n", 2, [])


def test_fix_with_several_edits_applies_all_or_nothing() -> None:
    text = "one two three\n"
    multi = finding(text, 0, 3, "1", extra=(Edit(8, 13, "3"),))
    blocker = finding(text, 8, 13, "THREE", rule="first")
    # the blocker comes first in finding order, so the two-edit fix loses entirely
    plan = plan_file(text, [blocker, multi])
    assert plan.new_raw == "one two THREE\n"
    assert plan.notes == ["page.md:1:1: skipped fix for jargon: overlaps another fix"]


def test_bad_offsets_and_self_overlap_are_notes_not_crashes() -> None:
    text = "short\n"
    outside = finding(text, 2, 40, "x")
    backwards = Finding("page.md", 1, 1, "r", "C", Severity.INFO, "m",
                        fix=Fix("t", (Edit(4, 2, "x"),)))
    selfish = Finding("page.md", 1, 2, "s", "C", Severity.INFO, "m",
                      fix=Fix("t", (Edit(0, 3, "x"), Edit(2, 4, "y"))))
    empty = Finding("page.md", 1, 3, "e", "C", Severity.INFO, "m", fix=Fix("t", ()))
    plan = plan_file(text, [backwards, selfish, empty, outside])
    assert plan.new_raw == text
    assert plan.applied == 0
    assert plan.notes == [
        "page.md:1:1: skipped fix for r: its offsets are outside the file (did the file change?)",
        "page.md:1:2: skipped fix for s: its own edits overlap",
        "page.md:1:3: skipped fix for e: it has no edits",
        "page.md:1:3: skipped fix for jargon: its offsets are outside the file "
        "(did the file change?)",
    ]


def test_replacement_the_encoding_cannot_store_is_skipped() -> None:
    text = "Go to page 2.\n"
    plan = plan_file(text, [at(text, "to", "\u2192")], encoding="cp1252")
    assert plan.new_raw == text
    assert plan.notes == [
        "page.md:1:4: skipped fix for jargon: the file's encoding (cp1252) cannot store "
        "the replacement"
    ]


def test_edits_map_onto_raw_text_keeping_each_line_ending() -> None:
    raw = "a\r\nb\rc\nd"
    text = "a\nb\nc\nd"
    # replace "b\nc" (spanning a lone CR) and append after "d"
    plan = plan_file(raw, [finding(text, 2, 5, "B\nC"), finding(text, 7, 7, "!")],
                     newline="\r\n")
    assert plan.new_raw == "a\r\nB\r\nC\nd!"
    # deleting the text between a lone CR and an LF must not fuse them into one CRLF
    assert plan_file("a\rb\n", [finding("a\nb\n", 2, 3, "")]).new_raw == "a\r\n\n"
    # a replacement holding CR or CRLF is normalised first, never doubled
    plan = plan_file(raw, [finding(text, 0, 1, "A\r\nA\rA")], newline="\r\n")
    assert plan.new_raw == "A\r\nA\r\nA\r\nb\rc\nd"


# --- diffs ----------------------------------------------------------------------------

def test_unified_diff_exact_text() -> None:
    old = "one\ntwo\nthree\n"
    new = "one\n2\nthree\n"
    assert unified_diff(old, new, "docs/a.md") == (
        "--- a/docs/a.md\n"
        "+++ b/docs/a.md\n"
        "@@ -1,3 +1,3 @@\n"
        " one\n"
        "-two\n"
        "+2\n"
        " three\n"
    )
    assert unified_diff(old, old, "docs/a.md") == ""


def test_unified_diff_marks_missing_final_newline_and_keeps_crlf() -> None:
    assert unified_diff("x\r\nend", "x\r\nEnd", "a.md") == (
        "--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n x\r\n"
        "-end\n\\ No newline at end of file\n"
        "+End\n\\ No newline at end of file\n"
    )


def test_unified_diff_does_not_split_on_form_feed_or_line_separator() -> None:
    # str.splitlines would split these; a Markdown line keeps them
    out = unified_diff("a\x0cb\u2028c\n", "a\x0cb\u2028C\n", "p.md")
    assert out == "--- a/p.md\n+++ b/p.md\n@@ -1 +1 @@\n-a\x0cb\u2028c\n+a\x0cb\u2028C\n"


# --- writing files --------------------------------------------------------------------

def test_round_trip_crlf_bom(tmp_path: Path) -> None:
    path, text = copy_fixture(tmp_path, "crlf-bom")
    fixes = [
        at(text, "utilise", "use"),
        at(text, "form.\nSee", "form.\n\nSee", rule="layout"),
        at(text, "http://digitalgov.gov", "https://digital.gov", rule="outdated-link"),
    ]
    out = apply_fixes(fixes, tmp_path)
    assert path.read_bytes() == expected("crlf-bom")
    assert (out.changed_files, out.applied, out.notes) == (["page.md"], 3, [])
    assert out.diff.startswith("--- a/page.md\n+++ b/page.md\n@@ -4,5 +4,6 @@\n \r\n")


def test_round_trip_cp1252(tmp_path: Path) -> None:
    path, text = copy_fixture(tmp_path, "cp1252")
    assert "\u201cIn order to\u201d" in text  # read as cp1252, not mangled
    fixes = [
        at(text, "In order to", "To"),
        at(text, "form.", "form \u2013 it is short."),
        at(text, "apply", "\u2192 apply", rule="arrows"),  # cp1252 has no arrow
    ]
    out = apply_fixes(fixes, tmp_path)
    assert path.read_bytes() == expected("cp1252")
    assert out.applied == 2
    assert out.notes == [
        "page.md:5:15: skipped fix for arrows: the file's encoding (cp1252) cannot store "
        "the replacement"
    ]


def test_round_trip_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"\xff\xfe" + "# Caf\u00e9\r\n\r\nWe utilise it.\r\n".encode("utf-16-le"))
    out = apply_fixes([at("# Caf\u00e9\n\nWe utilise it.\n", "utilise", "use")], tmp_path)
    assert out.notes == []
    assert path.read_bytes() == (
        b"\xff\xfe" + "# Caf\u00e9\r\n\r\nWe use it.\r\n".encode("utf-16-le")
    )


def test_round_trip_mixed_line_endings(tmp_path: Path) -> None:
    path, text = copy_fixture(tmp_path, "mixed")
    fixes = [
        at(text, "utilise", "use"),
        at(text, "approximately ", "about\n"),
        finding(text, len(text), len(text), " at all", rule="tail"),
    ]
    out = apply_fixes(fixes, tmp_path)
    assert path.read_bytes() == expected("mixed")
    assert out.applied == 3


def test_file_mode_is_kept(tmp_path: Path) -> None:
    path, text = copy_fixture(tmp_path, "crlf-bom")
    os.chmod(path, 0o640)
    apply_fixes([at(text, "utilise", "use")], tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert b"You can use the online form." in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["page.md"]  # no temporary file left


def test_read_only_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"We utilise it.\n")
    os.chmod(path, 0o444)
    out = apply_fixes([at("We utilise it.\n", "utilise", "use")], tmp_path)
    assert out.notes == ["page.md: not fixed: the file is read-only"]
    assert (out.changed_files, out.applied) == ([], 0)
    assert path.read_bytes() == b"We utilise it.\n"
    # --diff still shows what the fix would do
    out = apply_fixes([at("We utilise it.\n", "utilise", "use")], tmp_path, write=False)
    assert (out.notes, out.applied) == ([], 1)
    assert out.diff.endswith("-We utilise it.\n+We use it.\n")


def test_symlink_is_kept_and_its_target_fixed(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"We utilise it.\n")
    (tmp_path / "link.md").symlink_to("real.md")
    out = apply_fixes([at("We utilise it.\n", "utilise", "use", path="link.md")], tmp_path)
    assert out.changed_files == ["link.md"]
    assert (tmp_path / "link.md").is_symlink()
    assert real.read_bytes() == b"We use it.\n"


def test_unsafe_fixes_need_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"We utilise it in order to win.\n")
    text = "We utilise it in order to win.\n"
    fixes = [at(text, "utilise", "use"), at(text, "in order to", "to", safe=False),
             at(text, "win", "succeed", safe=False)]
    out = apply_fixes(fixes, tmp_path)
    assert path.read_bytes() == b"We use it in order to win.\n"
    assert out.notes == ["2 unsafe fixes not applied (use --unsafe-fixes to apply them)"]
    text = "We use it in order to win.\n"
    out = apply_fixes([at(text, "in order to", "to", safe=False)], tmp_path, unsafe=True)
    assert path.read_bytes() == b"We use it to win.\n"
    assert (out.applied, out.notes) == (1, [])


def test_diff_mode_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "page.md"
    path.parent.mkdir()
    path.write_bytes(b"# Title\n\nWe utilise it.\n")
    before = os.stat(path).st_mtime_ns
    text = "# Title\n\nWe utilise it.\n"
    out = apply_fixes([at(text, "utilise", "use", path="docs/page.md")], tmp_path, write=False)
    assert out.diff == (
        "--- a/docs/page.md\n+++ b/docs/page.md\n@@ -1,3 +1,3 @@\n # Title\n \n"
        "-We utilise it.\n+We use it.\n"
    )
    assert (out.changed_files, out.applied, out.notes) == ([], 1, [])
    assert path.read_bytes() == b"# Title\n\nWe utilise it.\n"
    assert os.stat(path).st_mtime_ns == before


def test_second_run_has_nothing_to_do(tmp_path: Path) -> None:
    path, text = copy_fixture(tmp_path, "crlf-bom")
    fix = at(text, "utilise", "use")
    apply_fixes([fix], tmp_path)
    # the same (now stale) finding again: its text is gone, so nothing may change
    again = decode(path.read_bytes()).text
    out = apply_fixes([at(again, "use the", "use the")], tmp_path)
    assert (out.diff, out.changed_files) == ("", [])


def test_missing_file_is_a_note(tmp_path: Path) -> None:
    out = apply_fixes([at("We utilise it.\n", "utilise", "use", path="gone.md")], tmp_path)
    assert out.notes == ["gone.md: cannot fix: cannot read: No such file or directory"]
    assert (out.diff, out.changed_files, out.applied) == ("", [], 0)


def test_file_that_became_binary_is_a_note(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = apply_fixes([at("We utilise it.\n", "utilise", "use")], tmp_path)
    assert out.notes == [
        "page.md: cannot fix: cannot read: binary file (NUL bytes), not Markdown text"
    ]
    assert (out.diff, out.changed_files, out.applied) == ("", [], 0)


def test_findings_that_no_longer_fit_the_file_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"Short now.\n")
    stale = at("A longer first line.\nWe utilise it.\n", "utilise", "use")  # line 2
    out = apply_fixes([stale], tmp_path)
    assert out.notes == ["page.md: skipped 1 fix: the file changed since it was checked"]
    assert path.read_bytes() == b"Short now.\n"


def test_file_modified_after_the_run_read_it_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"We utilise it.\n")
    read_at = os.stat(path).st_mtime_ns
    os.utime(path, ns=(read_at + 5, read_at + 5))  # saved again after the lint read it
    fix = at("We utilise it.\n", "utilise", "use")
    out = apply_fixes([fix], tmp_path, read_at_ns=read_at)
    assert out.notes == ["page.md: skipped 1 fix: the file changed since it was checked"]
    assert path.read_bytes() == b"We utilise it.\n"
    out = apply_fixes([fix], tmp_path, read_at_ns=read_at + 5)
    assert (out.notes, out.changed_files) == ([], ["page.md"])


def test_file_changed_while_fixing_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"We utilise it.\n")
    real_plan = fixer.plan_file

    def plan_then_edit(*args: object, **kw: object) -> fixer.FilePlan:
        plan = real_plan(*args, **kw)  # type: ignore[arg-type]
        path.write_bytes(b"Someone else's edit, saved meanwhile.\n")
        return plan

    monkeypatch.setattr(fixer, "plan_file", plan_then_edit)
    out = apply_fixes([at("We utilise it.\n", "utilise", "use")], tmp_path)
    assert out.notes == ["page.md: not fixed: the file changed while fixing"]
    assert out.changed_files == []
    assert path.read_bytes() == b"Someone else's edit, saved meanwhile.\n"


def test_failed_write_leaves_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"We utilise it.\n")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixer.os, "replace", refuse)
    out = apply_fixes([at("We utilise it.\n", "utilise", "use")], tmp_path)
    assert out.notes == ["page.md: not fixed: cannot write: No space left on device"]
    assert path.read_bytes() == b"We utilise it.\n"
    assert [p.name for p in tmp_path.iterdir()] == ["page.md"]


# --- real runs through the CLI ----------------------------------------------------------

def run_cli(args: list[str]) -> int:
    from playbook_lint.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0)


CLI_INPUT = (
    b"\xef\xbb\xbf---\r\ntitle: Permits\r\n---\r\n\r\n# Permits\r\n\r\n"
    b"We utilise the [plays](http://digitalgov.gov/plays/) in order to help.\r\n"
)
CLI_SAFE = (
    b"\xef\xbb\xbf---\r\ntitle: Permits\r\n---\r\n\r\n# Permits\r\n\r\n"
    b"We use the [plays](https://digital.gov/plays/) to help.\r\n"
)


def test_cli_fix_round_trip_and_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_bytes(CLI_INPUT)
    os.chmod(page, 0o640)
    assert run_cli(["--offline", "--fix", "page.md"]) == 1
    assert page.read_bytes() == CLI_SAFE
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o640
    assert "playbook-lint: applied 3 fixes in 1 file" in capsys.readouterr().err
    assert run_cli(["--offline", "--fix", "--unsafe-fixes", "page.md"]) == 0
    assert page.read_bytes() == CLI_SAFE
    assert "fixed" not in capsys.readouterr().err


def test_cli_diff_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_bytes(CLI_INPUT)
    assert run_cli(["--offline", "--diff", "page.md"]) == 1
    assert page.read_bytes() == CLI_INPUT
    assert capsys.readouterr().out == (
        "--- a/page.md\n+++ b/page.md\n@@ -4,4 +4,4 @@\n \r\n # Permits\r\n \r\n"
        "-We utilise the [plays](http://digitalgov.gov/plays/) in order to help.\r\n"
        "+We use the [plays](https://digital.gov/plays/) to help.\r\n"
    )
    page.write_bytes(CLI_SAFE)
    assert run_cli(["--offline", "--diff", "page.md"]) == 0
    assert capsys.readouterr().out == ""


def test_random_edits_match_the_normalised_text_and_keep_untouched_endings() -> None:
    """Seeded random texts mixing LF, CRLF and CR, with random non-overlapping edits:
    the raw result, normalised, equals the edits applied to the normalised text (so no
    two line breaks ever fuse into one CRLF), and the text before the first edit is
    kept byte for byte, line endings included."""
    import random

    rng = random.Random(20261129)
    for _ in range(2000):
        raw = "".join(rng.choice(["ab", "c", "\n", "\r\n", "\r", "\u00e9 ", "x"])
                      for _ in range(rng.randint(0, 30)))
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        points = sorted(rng.sample(range(len(text) + 1), k=min(len(text) + 1, 6)))
        spans = list(zip(points[::2], points[1::2], strict=False))
        fixes = [finding(text, s, e, rng.choice(["", "Z", "y\nq", "\n"]), rule=f"r{i}")
                 for i, (s, e) in enumerate(spans)]
        newline = rng.choice(["\n", "\r\n", "\r"])
        plan = plan_file(raw, fixes, newline=newline)
        want = text
        for f in reversed(fixes):
            e = f.fix.edits[0]  # type: ignore[union-attr]
            want = want[: e.start] + e.replacement + want[e.end:]
        got = plan.new_raw.replace("\r\n", "\n").replace("\r", "\n")
        assert (got, plan.notes) == (want, []), (raw, spans, newline)
        keep = _raw_len(raw, spans[0][0] if spans else len(text))
        assert plan.new_raw[:keep] == raw[:keep], (raw, spans, newline)


def _raw_len(raw: str, offset: int) -> int:
    """Length of the raw prefix whose normalised form has ``offset`` characters."""
    n = i = 0
    while n < offset:
        i += 2 if raw.startswith("\r\n", i) else 1
        n += 1
    return i
