"""Suppression comments: disable, enable, disable-next-line (with one blank), disable-line."""

from __future__ import annotations

from pathlib import Path

from playbook_lint.document import Document
from playbook_lint.findings import Finding, Severity
from playbook_lint.suppress import apply, directives

CODES = {"PL301": "jargon", "PL201": "missing-alt-text"}


def canonical(name: str) -> str | None:
    if name in CODES.values():
        return name
    return CODES.get(name.upper())


def finding(rule: str, line: int) -> Finding:
    return Finding("p.md", line, 1, rule, "X", Severity.WARNING, "m")


def kept(text: str, lines_rules: list[tuple[str, int]]) -> list[tuple[str, int]]:
    doc = Document(Path("p.md"), text)
    out = apply(doc, [finding(r, n) for r, n in lines_rules], canonical)
    return [(f.rule, f.line) for f in out]


def test_disable_enable_range_by_name_and_code():
    text = "a\n<!-- playbook-lint-disable jargon -->\nb\n<!-- playbook-lint-enable PL301 -->\nc\n"
    got = kept(text, [("jargon", 1), ("jargon", 3), ("jargon", 5), ("missing-alt-text", 3)])
    assert got == [("jargon", 1), ("jargon", 5), ("missing-alt-text", 3)]


def test_disable_without_rule_means_all():
    text = "a\n<!-- playbook-lint-disable -->\nb\n"
    assert kept(text, [("jargon", 1), ("jargon", 3), ("missing-alt-text", 3)]) == [("jargon", 1)]


def test_enable_one_after_disable_all():
    text = "<!-- playbook-lint-disable -->\n<!-- playbook-lint-enable jargon -->\nx\n"
    assert kept(text, [("jargon", 3), ("missing-alt-text", 3)]) == [("jargon", 3)]


def test_disable_next_line_tolerates_one_blank_line():
    text = "<!-- playbook-lint-disable-next-line jargon -->\n\nx\ny\n"
    assert kept(text, [("jargon", 3), ("jargon", 4)]) == [("jargon", 4)]


def test_disable_next_line_does_not_skip_two_blank_lines():
    text = "<!-- playbook-lint-disable-next-line jargon -->\n\n\nx\n"
    assert kept(text, [("jargon", 4)]) == [("jargon", 4)]


def test_disable_next_line_several_rules_comma_and_space():
    text = "<!-- playbook-lint-disable-next-line jargon, PL201 -->\nx\n"
    assert kept(text, [("jargon", 2), ("missing-alt-text", 2), ("broken-link", 2)]) == [
        ("broken-link", 2)
    ]


def test_disable_line():
    text = "x <!-- playbook-lint-disable-line jargon -->\ny\n"
    assert kept(text, [("jargon", 1), ("jargon", 2)]) == [("jargon", 2)]


def test_comments_in_code_are_not_directives():
    text = "```\n<!-- playbook-lint-disable -->\n```\n`<!-- playbook-lint-disable -->`\nx\n"
    doc = Document(Path("p.md"), text)
    assert directives(doc, canonical) == []
    assert kept(text, [("jargon", 5)]) == [("jargon", 5)]


# -- suppression-unknown-rule (PL901) ------------------------------------------------------
def test_unknown_rule_name_is_a_warning_with_the_nearest_name():
    from playbook_lint.checks.suppressions import SuppressionUnknownRule
    from playbook_lint.testing import check

    text = (
        "See [x](http://example.org). <!-- playbook-lint-disable-line outdated-lnk -->\n"
        "<!-- playbook-lint-disable PL301, jargon,zzz -->\n"
        "`<!-- playbook-lint-disable nope -->`\n"
        "```\n<!-- playbook-lint-enable nope -->\n```\n"
        "<!-- playbook-lint-enable pl301 missing-alt -->\n"
    )
    found = check(SuppressionUnknownRule, text)
    assert [(f.rule, f.code, f.severity, f.line, f.column, f.end_column, f.message)
            for f in found] == [
        ("suppression-unknown-rule", "PL901", Severity.WARNING, 1, 62, 74,
         'unknown rule "outdated-lnk" in suppression comment (did you mean "outdated-link"?)'),
        ("suppression-unknown-rule", "PL901", Severity.WARNING, 2, 42, 45,
         'unknown rule "zzz" in suppression comment'),
        ("suppression-unknown-rule", "PL901", Severity.WARNING, 7, 33, 44,
         'unknown rule "missing-alt" in suppression comment '
         '(did you mean "missing-alt-text"?)'),
    ]
    assert found[0].suggestion == "outdated-link"


def test_unknown_rule_is_not_judged_without_the_run_s_rule_names():
    from playbook_lint.checks.suppressions import SuppressionUnknownRule
    from playbook_lint.testing import check

    text = "<!-- playbook-lint-disable zzz -->\n"
    assert check(SuppressionUnknownRule, text, rule_names=[]) == []
    assert [f.column for f in check(SuppressionUnknownRule, text, rule_names=["jargon"])] == [28]


def test_unknown_rule_through_the_cli(tmp_path, monkeypatch, capsys):
    import pytest

    from playbook_lint import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.md").write_text(
        "# Page\n\nOld <!-- playbook-lint-disable-line outdated-lnk -->\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--offline", "--quiet", "--no-cache", "page.md"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == (
        'page.md:3:37: warning suppression-unknown-rule unknown rule "outdated-lnk" in '
        'suppression comment (did you mean "outdated-link"?)\n'
    )
