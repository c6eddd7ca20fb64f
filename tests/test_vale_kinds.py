"""Unit tests of the Vale package: the ini reader, globs, scopes, comments, limits and
each rule kind, with exact offsets and messages (Vale's semantics,
https://vale.sh/docs/checks)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from playbook_lint.document import Document
from playbook_lint.vale import ValeConfigError, linter_for, load_vale_config
from playbook_lint.vale.engine import ValeLinter, scope_matches
from playbook_lint.vale.ini import glob_to_regex, parse_ini, split_list
from playbook_lint.vale.kinds import RuleError, format_message
from playbook_lint.vale.metric import evaluate
from playbook_lint.vale.regex import compile_pattern


def lint(rules: dict[str, dict], text: str, accepted: list[str] | None = None) -> list[tuple]:
    """(line, column, rule, message) of every alert of ``rules`` on ``text``."""
    doc = Document(Path("page.md"), text)
    linter = ValeLinter({n: {"name": n, **d} for n, d in rules.items()}, accepted=accepted)
    return [(*doc.position(f.start), f.rule, f.message) for f in linter.lint(doc)]


def test_ini_sections_shadows_and_lists() -> None:
    ini = parse_ini("StylesPath = s  # inline comment\n; note\n[*.md]\n"
                    "BasedOnStyles = A, B\nBasedOnStyles = C\nA.X = NO\n")
    assert ini.last("", "StylesPath") == "s"
    assert split_list(ini.values("*.md", "BasedOnStyles")) == ["A", "B", "C"]
    assert ini.order == ["", "*.md"]


@pytest.mark.parametrize(("glob", "path", "hit"), [
    ("*.md", "docs/a.md", True), ("*.md", "a.txt", False), ("*.{md,rst}", "x.rst", True),
    ("docs/*.md", "docs/a.md", True), ("docs/*.md", "other/a.md", False),
    ("test.md", "test.md", True), ("test.md", "test2.md", False), ("[ab].md", "b.md", True),
])
def test_section_globs(glob: str, path: str, hit: bool) -> None:
    assert bool(glob_to_regex(glob).match(path)) is hit


def test_config_levels_vocab_and_sections(tmp_path: Path) -> None:
    (tmp_path / "styles" / "S").mkdir(parents=True)
    (tmp_path / "styles" / "S" / "R.yml").write_text(
        "extends: existence\nmessage: \"'%s'\"\nlevel: suggestion\ntokens: [foo]\n",
        encoding="utf-8")
    vocab = tmp_path / "styles" / "config" / "vocabularies" / "V"
    vocab.mkdir(parents=True)
    (vocab / "accept.txt").write_text("# comment line\nFooBar\nfoo\n", encoding="utf-8")
    (vocab / "reject.txt").write_text("badword\n", encoding="utf-8")
    ini = tmp_path / ".vale.ini"
    ini.write_text("StylesPath = styles\nVocab = V\n\n[*]\nBasedOnStyles = Vale\n\n"
                   "[*.md]\nBasedOnStyles = S\nS.R = error\n\n[skip/*.md]\nS.R = NO\n",
                   encoding="utf-8")
    cfg = load_vale_config(ini)
    assert cfg.min_level == 1
    assert cfg.accepted == ["FooBar", "foo"]
    assert cfg.rejected == ["badword"]
    assert cfg.definitions["S.R"]["level"] == "error"
    assert cfg.file_settings("a.md") == (["S"], {"S.R": True})
    assert cfg.file_settings("skip/a.md") == (["S"], {"S.R": False})
    assert cfg.file_settings("a.txt") == (["Vale"], {})
    assert sorted(n for n in cfg.definitions if n.startswith("Vale.")) == [
        "Vale.Avoid", "Vale.Repetition", "Vale.Spelling", "Vale.Terms"]
    linter = linter_for(cfg)
    assert linter.unsupported == [("Vale.Spelling", "spelling")]
    doc = Document(tmp_path / "a.txt", "Use foobar, not badword.\n")
    assert [(f.rule, f.message) for f in linter.lint(doc, "a.txt")] == [
        ("Vale.Terms", "Use 'FooBar' instead of 'foobar'."),
        ("Vale.Avoid", "Avoid using 'badword'."),
    ]


@pytest.mark.parametrize("text", [
    "MinAlertLevel = loud\n", "StylesPath = nowhere\n", "Vocab = Missing\n",
    "[*]\nBasedOnStyles = Nope\n", "just words\n",
])
def test_config_errors(tmp_path: Path, text: str) -> None:
    (tmp_path / "styles").mkdir()
    ini = tmp_path / ".vale.ini"
    ini.write_text(("StylesPath = styles\n" if "StylesPath" not in text else "") + text,
                   encoding="utf-8")
    with pytest.raises(ValeConfigError, match=str(ini.name)):
        load_vale_config(ini)


@pytest.mark.parametrize(("scopes", "block", "hit"), [
    (["text"], "text.heading.h1.md", True), (["heading"], "text.list.md", False),
    (["heading & ~heading.h1"], "text.heading.h2.md", True),
    (["heading & ~heading.h1"], "text.heading.h1.md", False),
    (["~blockquote"], "text.md", True), (["~blockquote"], "text.blockquote.md", False),
    (["~blockquote"], "summary.md", False), (["sentence"], "sentence.md", True),
    (["list", "table"], "text.table.cell.md", True), (["raw"], "text.md", False),
])
def test_scope_matches(scopes: list[str], block: str, hit: bool) -> None:
    assert scope_matches(scopes, block) is hit


def test_format_message() -> None:
    assert format_message("Use '%s' not '%s' (100%%).", "a", "b", "c") == "Use 'a' not 'b' (100%)."
    assert format_message("'%s'\n  and '%s'", "x") == "'x' and '%!s(MISSING)'"


def test_go_flag_groups_keep_their_scope() -> None:
    p = compile_pattern(r"x$(?m)(?:)")
    assert p.search("x\ny") is None  # $ before the flag stays end-of-text, as in Go
    assert compile_pattern(r"x(?m)(?:$)").search("x\ny") is not None
    assert compile_pattern(r"\p{Lu}\p{Ll}+").findall("Go Python") == ["Go", "Python"]


EXISTENCE = {"extends": "existence", "message": "Avoid '%s'.", "ignorecase": True,
             "tokens": ["simply", "very"], "exceptions": ["Very Large"]}


def test_existence_scopes_exceptions_vocab_and_code() -> None:
    text = ("# Simply put\n\nIt is simply `simply` done.\n\nA Very Large array is very big.\n\n"
            "```\nsimply\n```\n\n![simply a cat](cat.png)\n")
    assert lint({"S.E": EXISTENCE}, text) == [
        (1, 3, "S.E", "Avoid 'Simply'."), (3, 7, "S.E", "Avoid 'simply'."),
        (5, 23, "S.E", "Avoid 'very'."), (11, 3, "S.E", "Avoid 'simply'."),  # alt text
    ]
    assert lint({"S.E": EXISTENCE}, "It is very simply done.\n", accepted=["very"]) == [
        (1, 12, "S.E", "Avoid 'simply'.")]


def test_existence_limit_and_comments() -> None:
    rule = {**EXISTENCE, "limit": 2}
    text = ("simply one. simply two. simply three.\n\n"
            "<!-- vale S.E[\"very\"] = NO -->\n\nvery four.\n")
    assert [a[:2] for a in lint({"S.E": rule}, text)] == [(1, 1), (1, 13)]
    assert lint({"S.E": EXISTENCE}, text.replace("simply", "fine"))  == []


def test_substitution_case_groups_and_actions() -> None:
    rule = {"extends": "substitution", "message": "Use '%s' instead of '%s'.",
            "ignorecase": True, "capitalize": True,
            "swap": {"utili[sz]e": "use", "in order to": "to", "e-mail|email": "email",
                     "log(?:ged)? in to (\\w+)": "sign in to $1"}}
    text = "Utilise it in order to log in to Notify. We utilize e-mail and email.\n"
    assert lint({"S.S": rule}, text) == [
        (1, 1, "S.S", "Use 'Use' instead of 'Utilise'."),
        (1, 12, "S.S", "Use 'to' instead of 'in order to'."),
        (1, 24, "S.S", "Use 'sign in to Notify' instead of 'log in to Notify'."),
        (1, 45, "S.S", "Use 'use' instead of 'utilize'."),
        (1, 53, "S.S", "Use 'email' instead of 'e-mail'."),
    ]
    replace = {**rule, "action": {"name": "replace"}, "swap": {"colour": "color|hue"},
               "capitalize": False}
    assert lint({"S.S": replace}, "The colour.\n") == [
        (1, 5, "S.S", "Use 'color' or 'hue' instead of 'colour'.")]


def test_occurrence_min_max() -> None:
    rule = {"extends": "occurrence", "message": "Too many commas.", "scope": "sentence",
            "max": 2, "token": ","}
    assert lint({"S.O": rule}, "One, two, three, four. Fine, here.\n") == [
        (1, 4, "S.O", "Too many commas.")]
    need = {"extends": "occurrence", "message": "No summary.", "scope": "raw",
            "min": 1, "token": "^## Summary"}
    assert lint({"S.N": need}, "# Title\n\nText.\n") == [(1, 1, "S.N", "No summary.")]


def test_repetition_within_a_sentence() -> None:
    rule = {"extends": "repetition", "message": "'%s' is repeated!", "alpha": True,
            "tokens": [r"[^\s]+"]}
    text = "This is is wrong. I forgot that. That is fine.\n"
    assert lint({"S.R": rule}, text) == [(1, 6, "S.R", "'is' is repeated!")]


def test_conditional_with_and_without_groups() -> None:
    rule = {"extends": "conditional", "message": "'%s' has no definition",
            "first": r"\b([A-Z]{3,5})\b",
            "second": r"(?:\b[A-Z][a-z]+ )+\(([A-Z]{3,5})\)", "exceptions": ["API"]}
    text = "The NHS and the API.\n\nThe Driver Agency (DVA) and the DVA again. Not GDS.\n"
    assert lint({"S.C": rule}, text) == [
        (1, 5, "S.C", "'NHS' has no definition"), (3, 48, "S.C", "'GDS' has no definition")]
    plain = {"extends": "conditional", "message": "'%s' needs a summary",
             "first": r"\bTODO\b", "second": r"Summary:"}
    assert lint({"S.P": plain}, "TODO one.\n\nSummary: TODO two.\n") == [
        (1, 1, "S.P", "'TODO' needs a summary")]


def test_consistency_reports_the_second_spelling() -> None:
    rule = {"extends": "consistency", "message": "Inconsistent spelling of '%s'.",
            "either": {"advisor": "adviser"}}
    assert lint({"S.K": rule}, "An advisor.\n\nAn adviser.\n") == [
        (3, 4, "S.K", "Inconsistent spelling of 'adviser'.")]


def test_capitalization_variants() -> None:
    title = {"extends": "capitalization", "message": "'%s' should be '%s'", "scope": "heading",
             "match": "$title"}
    assert lint({"S.T": title}, "# The end of the world\n\n## A Tale of Two Cities\n") == [
        (1, 3, "S.T", "'The end of the world' should be 'The End of the World'")]
    lower = {"extends": "capitalization", "message": "'%s' is not lower case",
             "scope": "heading", "match": "$lower"}
    assert lint({"S.L": lower}, "# fine\n\n# Not fine\n") == [
        (3, 3, "S.L", "'Not fine' is not lower case")]


def test_metric_and_readability() -> None:
    assert evaluate("(0.39 * (words / sentences)) + math.sqrt(16)", {"words": 10,
                                                                      "sentences": 2}) == 5.95
    assert evaluate("4.5 > 3", {}) is True
    with pytest.raises(RuleError, match="unknown variable 'nope'"):
        evaluate("nope + 1", {})
    with pytest.raises(RuleError, match="unsupported syntax"):
        evaluate("__import__('os')", {})
    metric = {"extends": "metric", "message": "%s headings and lists.",
              "formula": "heading.h2 + list", "condition": "> 1"}
    assert lint({"S.M": metric}, "# T\n\n## A\n\nText here.\n\n- item\n") == [
        (1, 1, "S.M", "2.00 headings and lists.")]
    words = {"extends": "metric", "message": "%s words a sentence.",
             "formula": "words / sentences", "condition": "> 3"}
    assert lint({"S.W": words}, "One two three four five. Six seven.\n") == [
        (1, 1, "S.W", "3.50 words a sentence.")]
    grade = {"extends": "readability", "message": "Grade %s.", "metrics": ["Flesch-Kincaid"],
             "grade": 100}
    assert lint({"S.G": grade}, "Short words here.\n") == []


def test_unknown_kind_and_bad_pattern() -> None:
    with pytest.raises(RuleError, match="'existance' is not a supported kind"):
        ValeLinter({"S.X": {"name": "S.X", "extends": "existance", "message": "x"}})
    with pytest.raises(RuleError, match="S.Y: tokens: bad regular expression"):
        ValeLinter({"S.Y": {"name": "S.Y", "extends": "existence", "message": "x",
                            "tokens": ["("]}})


def test_table_cells_and_lists_are_scoped() -> None:
    rule = {"extends": "existence", "message": "'%s'", "scope": "table.cell", "tokens": ["x"]}
    text = textwrap.dedent("""\
        | x | head |
        |---|------|
        | a | x `x` |

        - x
        """)
    assert lint({"S.T": rule}, text) == [(3, 7, "S.T", "'x'")]
    lst = {**rule, "scope": "list"}
    assert lint({"S.L": lst}, text) == [(5, 3, "S.L", "'x'")]


def test_token_and_block_ignores(tmp_path: Path) -> None:
    (tmp_path / "styles" / "S").mkdir(parents=True)
    (tmp_path / "styles" / "S" / "E.yml").write_text(
        "extends: existence\nmessage: \"'%s'\"\ntokens: [foo]\n", encoding="utf-8")
    ini = tmp_path / ".vale.ini"
    ini.write_text("StylesPath = styles\n\n[*.md]\nBasedOnStyles = S\n"
                   "TokenIgnores = (\\$[^$]+\\$)\n"
                   "BlockIgnores = (?s)(<!-- skip -->.*?<!-- /skip -->)\n",
                   encoding="utf-8")
    page = tmp_path / "a.md"
    page.write_text("foo $foo$ foo\n\n<!-- skip -->\n\nfoo\n\n<!-- /skip -->\n\nfoo\n",
                    encoding="utf-8")
    from playbook_lint.vale import vale_lines

    assert vale_lines(ini, [page]) == ["a.md:1:1:S.E:'foo'", "a.md:1:11:S.E:'foo'",
                                       "a.md:9:1:S.E:'foo'"]


def test_ignored_scopes_strong(tmp_path: Path) -> None:
    (tmp_path / "styles" / "S").mkdir(parents=True)
    (tmp_path / "styles" / "S" / "E.yml").write_text(
        "extends: existence\nmessage: \"'%s'\"\ntokens: [foo]\n", encoding="utf-8")
    ini = tmp_path / ".vale.ini"
    page = tmp_path / "a.md"
    page.write_text("foo **foo** `foo` [foo](x.md)\n", encoding="utf-8")
    from playbook_lint.vale import vale_lines

    ini.write_text("StylesPath = styles\n[*.md]\nBasedOnStyles = S\n", encoding="utf-8")
    assert vale_lines(ini, [page]) == ["a.md:1:1:S.E:'foo'", "a.md:1:7:S.E:'foo'",
                                       "a.md:1:20:S.E:'foo'"]
    ini.write_text("StylesPath = styles\nIgnoredScopes = code, strong, a\n"
                   "[*.md]\nBasedOnStyles = S\n", encoding="utf-8")
    assert vale_lines(ini, [page]) == ["a.md:1:1:S.E:'foo'"]


def test_html_block_text_is_prose() -> None:
    rule = {"extends": "existence", "message": "'%s'", "tokens": ["TODO"]}
    text = ('<div class="TODO">\n<p>Some TODO here</p><p>TODO</p>\n</div>\n\n'
            "<!-- TODO -->\n")
    assert lint({"S.T": rule}, text) == [(2, 9, "S.T", "'TODO'"), (2, 25, "S.T", "'TODO'")]


def test_heading_scoped_rules_build_only_heading_blocks() -> None:
    """Rules scoped to headings alone get the heading blocks of the full build, and
    nothing else is built; any other scope (or a metric) needs every block."""
    from playbook_lint.vale.blocks import cached_blocks, document_blocks
    from playbook_lint.vale.engine import _headings_only

    text = ("# Title Case `Code` Heading\n\nA paragraph. Two sentences.\n\n"
            "- a list item\n\n| a | b |\n|---|---|\n| c | d |\n\n## Next Part\n")
    doc = Document(Path("page.md"), text)
    full = [(b.text, b.offs, b.scope, b.kind) for b in document_blocks(doc).blocks]
    part = document_blocks(doc, headings_only=True)
    assert [(b.text, b.offs, b.scope, b.kind) for b in part.blocks] == \
        [x for x in full if x[2].startswith("text.heading.")
         or (x[3] == "code" and x[1][0] < text.index("\n"))]  # the code span of the h1
    assert [b.scope for b in part.blocks] == ["code", "text.heading.h1.md", "text.heading.h2.md"]
    assert part.summary is None and part.raw is None
    assert part.metrics == {"heading.h1": 1, "heading.h2": 1}

    def kinds(**scopes: str) -> tuple:
        linter = ValeLinter({name: {"extends": "existence", "tokens": ["x"], "scope": scope}
                             for name, scope in scopes.items()})
        return tuple(r.kind for r in linter.rules)

    assert _headings_only(kinds(a="heading", b="heading.h2"))
    assert not _headings_only(kinds(a="heading", b="sentence"))
    assert not _headings_only(kinds(a="text"))
    assert not _headings_only(kinds(a="~heading"))
    # the full build, once made, serves heading-only readers too
    doc2 = Document(Path("page.md"), text)
    assert cached_blocks(doc2) is cached_blocks(doc2, headings_only=True)


def test_sentence_case_runs_no_exception_pattern_for_a_lower_case_word() -> None:
    from playbook_lint.vale.kinds import Capitalization

    rule = Capitalization({"extends": "capitalization", "message": "'%s'", "path": "S.C",
                           "match": "$sentence", "indicators": [":"],
                           "exceptions": ["Monday", "ok"]}, [])
    assert rule.except_re is not None
    tried: list[str] = []
    real = rule.except_re

    class Counting:
        pattern = real.pattern

        def finditer(self, w: str):  # noqa: ANN202
            tried.append(w)
            return real.finditer(w)

        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(real, name)

    rule.except_re = Counting()  # type: ignore[assignment]
    assert [rule.check(h) for h in ("Meet on Monday", "Plan ok and go", "Meet On Friday",
                                    "Step 2: Do it", "an API")] == [
        True, True, False, True, False]
    assert "on" not in tried and "ok" not in tried and "and" not in tried
    assert "Monday" in tried and "On" in tried
