"""The Vale bridge through the command line: .vale.ini styles, Vale's comments, fixes,
unsupported kinds, and the built-in style packs (sentence length, paragraph length,
heading case, acronyms, readability) with exact rule, line, column and message."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from tests.cli_runner import run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a .vale.ini and a Demo style; the working directory."""
    styles = tmp_path / "styles" / "Demo"
    styles.mkdir(parents=True)
    (styles / "Avoid.yml").write_text(textwrap.dedent("""\
        extends: existence
        message: "Avoid '%s'."
        level: warning
        ignorecase: true
        tokens:
          - simply
          - obviously
        """), encoding="utf-8")
    (styles / "Latin.yml").write_text(textwrap.dedent("""\
        extends: substitution
        message: "Use '%s' instead of '%s'."
        level: error
        nonword: true
        action:
          name: replace
        swap:
          '\\be\\.g\\.': for example
        """), encoding="utf-8")
    (styles / "Script.yml").write_text(textwrap.dedent("""\
        extends: script
        message: "Scripted"
        script: x
        """), encoding="utf-8")
    (styles / "Quiet.yml").write_text(textwrap.dedent("""\
        extends: existence
        message: "Suggestion '%s'."
        level: suggestion
        tokens: [really]
        """), encoding="utf-8")
    (tmp_path / ".vale.ini").write_text(textwrap.dedent("""\
        StylesPath = styles
        MinAlertLevel = suggestion

        [*.md]
        BasedOnStyles = Demo
        Demo.Quiet = NO
        """), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _json(out: str) -> list[dict]:
    return json.loads(out)["findings"]


def _vale_only(args: list[str]) -> list[str]:
    return ["--offline", "--format", "json", "--select", "vale", *args]


def test_vale_ini_styles_run_with_vale_ids_and_levels(project: Path, capsys) -> None:
    (project / "page.md").write_text(
        "# Title\n\nIt is simply done, e.g. today. Really.\n", encoding="utf-8")
    code, out, err = run(_vale_only(["page.md"]), capsys)
    found = [(f["rule"], f["line"], f["column"], f["severity"], f["message"])
             for f in _json(out)]
    assert found == [
        ("Demo.Avoid", 3, 7, "warning", "Avoid 'simply'."),
        ("Demo.Latin", 3, 20, "error", "Use 'for example' instead of 'e.g.'."),
    ]
    assert code == 1  # an error-level Vale rule fails the run, as in Vale
    assert err.count("playbook-lint: not run: Demo.Script (script)") == 1


def test_vale_comments(project: Path, capsys) -> None:
    (project / "page.md").write_text(textwrap.dedent("""\
        Simply one.

        <!-- vale off -->

        Simply two.

        <!-- vale on -->

        <!-- vale Demo.Avoid = NO -->

        Simply three.

        <!-- vale Demo.Avoid = YES -->

        Obviously four.
        """), encoding="utf-8")
    code, out, _ = run(_vale_only(["page.md"]), capsys)
    assert [(f["rule"], f["line"], f["column"]) for f in _json(out)] == [
        ("Demo.Avoid", 1, 1), ("Demo.Avoid", 15, 1)]
    assert code == 0


def test_vale_substitution_fix(project: Path, capsys) -> None:
    page = project / "page.md"
    page.write_text("Pick one, e.g. this.\n", encoding="utf-8")
    code, _, err = run(["--offline", "--select", "vale", "--fix", "page.md"], capsys)
    assert page.read_text(encoding="utf-8") == "Pick one, for example this.\n"
    assert "applied 1 fix in 1 file" in err
    assert code == 1


def test_bad_vale_rule_named_in_config_is_a_config_error(project: Path, capsys) -> None:
    (project / "styles" / "Demo" / "Bad.yml").write_text(
        "extends: existence\nmessage: x\ntokens: ['(']\n", encoding="utf-8")
    (project / "page.md").write_text("Text.\n", encoding="utf-8")
    (project / ".playbook-lint.toml").write_text(
        '[rules.vale]\nconfig = ".vale.ini"\n', encoding="utf-8")
    code, _, err = run(_vale_only(["page.md"]), capsys)
    assert code == 2
    assert "Bad.yml: tokens: bad regular expression" in err


def test_unusable_vale_ini_found_upward_is_a_note(project: Path, capsys) -> None:
    (project / ".vale.ini").write_text(
        "StylesPath = styles\nPackages = Google\n[*.md]\nBasedOnStyles = Google\n",
        encoding="utf-8")
    (project / "page.md").write_text("Text.\n", encoding="utf-8")
    code, out, err = run(_vale_only(["page.md"]), capsys)
    assert (code, _json(out)) == (0, [])
    assert err.count("playbook-lint: vale: not run: ") == 1
    assert "style 'Google' does not exist on StylesPath" in err


def test_no_vale_ini_means_no_vale_findings(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.md").write_text("It is simply done.\n", encoding="utf-8")
    code, out, err = run(_vale_only(["page.md"]), capsys)
    assert (code, _json(out), err) == (0, [], "")


LONG = ("This sentence has far too many words in it because it keeps going on and on "
        "with one more clause and then another clause until it passes the limit. ")


def _builtin(tmp_path: Path, monkeypatch, text: str, select: str, capsys,
             extra: list[str] | None = None) -> tuple[int, list[tuple]]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.md").write_text(text, encoding="utf-8")
    code, out, _ = run(["--offline", "--format", "json", "--select", select,
                        *(extra or []), "page.md"], capsys)
    return code, [(f["rule"], f["line"], f["column"], f["severity"], f["message"])
                  for f in _json(out)]


def test_sentence_length(tmp_path: Path, monkeypatch, capsys) -> None:
    text = "# Guide\n\nShort one. " + LONG + "\n"
    assert _builtin(tmp_path, monkeypatch, text, "sentence-length", capsys) == (0, [
        ("sentence-length", 3, 12, "info",
         "Sentence of more than 25 words: try to split it up (GOV.UK)")])


def test_sentence_length_counts_words_not_code(tmp_path: Path, monkeypatch, capsys) -> None:
    words = " ".join(["word"] * 24)
    text = f"A {words} `with code spans in it`.\n\n- {LONG}\n"
    assert _builtin(tmp_path, monkeypatch, text, "sentence-length", capsys) == (0, [])


def test_paragraph_length(tmp_path: Path, monkeypatch, capsys) -> None:
    six = " ".join(f"Sentence number {n} is here." for n in range(1, 7))
    five = " ".join(f"Sentence number {n} is in the U.S. today." for n in range(1, 6))
    text = f"{five}\n\n{six}\n"
    assert _builtin(tmp_path, monkeypatch, text, "paragraph-length", capsys) == (0, [
        ("paragraph-length", 3, 1, "info",
         "Paragraph of more than 5 sentences: try to split it up (GOV.UK)")])


def test_heading_case(tmp_path: Path, monkeypatch, capsys) -> None:
    text = textwrap.dedent("""\
        # How To Apply For A Licence

        You need to apply for a licence before you start.

        ## Apply for a licence.

        ## Use the Elasticsearch API

        We store logs in Elasticsearch, and you can query them.

        ## Default PINs

        ## Step 1: Apply online

        ## Open a shell on Router
        """)
    assert _builtin(tmp_path, monkeypatch, text, "heading-case", capsys) == (0, [
        ("heading-case", 1, 3, "info", "Heading 'How To Apply For A Licence' is not in "
         "sentence case: capitalise only the first word and proper nouns"),
        ("heading-case", 5, 23, "info", "Heading ends with a full stop: remove it"),
    ])


def test_acronyms_are_opt_in_and_reported_once(tmp_path: Path, monkeypatch, capsys) -> None:
    text = ("Ask the DVSA. Then ask the DVSA again.\n\n"
            "The Driver and Vehicle Agency (DVA) is fine. So is the DVA. An API and a PDF.\n")
    assert _builtin(tmp_path, monkeypatch, text, "jargon", capsys) == (0, [])
    assert _builtin(tmp_path, monkeypatch, text, "acronym-first-use", capsys) == (0, [
        ("acronym-first-use", 1, 9, "info",
         "Spell out 'DVSA' in full the first time you use it")])


def test_readability_is_opt_in(tmp_path: Path, monkeypatch, capsys) -> None:
    hard = ("Notwithstanding the aforementioned considerations, organizational "
            "implementation necessitates comprehensive institutional coordination "
            "mechanisms. ") * 3
    assert _builtin(tmp_path, monkeypatch, hard, "sentence-length", capsys)[1] == []
    (tmp_path / ".playbook-lint.toml").write_text(
        "[rules.readability]\nenabled = true\n", encoding="utf-8")
    code, found = _builtin(tmp_path, monkeypatch, hard, "readability", capsys)
    assert code == 0
    assert len(found) == 1
    rule, line, col, sev, msg = found[0]
    assert (rule, line, col, sev) == ("readability", 1, 1, "info")
    assert msg.startswith("Flesch-Kincaid grade level ")
    assert msg.endswith(": aim for 9 or lower (lower secondary education, WCAG 3.1.5)")
    assert float(msg.split()[3].rstrip(":")) > 9


def test_own_style_pack(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "ours.yml").write_text(textwrap.dedent("""\
        name: our-style
        description: Our house style.
        source: https://example.gov/style
        rule: style
        entries:
          - name: NoClickHere
            extends: existence
            scope: link
            level: suggestion
            ignorecase: true
            message: "Link text '%s' does not say where it goes"
            tokens: [click here, here]
        """), encoding="utf-8")
    (tmp_path / ".playbook-lint.toml").write_text('packs = ["ours.yml"]\n', encoding="utf-8")
    text = "Read the guide [click here](https://example.gov/g). Here is fine.\n"
    assert _builtin(tmp_path, monkeypatch, text, "style", capsys) == (0, [
        ("style", 1, 17, "info", "Link text 'click here' does not say where it goes")])


def test_own_style_pack_is_validated(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "ours.yml").write_text(textwrap.dedent("""\
        name: our-style
        description: Our house style.
        source: https://example.gov/style
        rule: style
        entries:
          - extends: existance
            message: x
        """), encoding="utf-8")
    (tmp_path / ".playbook-lint.toml").write_text('packs = ["ours.yml"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.md").write_text("x\n", encoding="utf-8")
    code, _, err = run(["--offline", "page.md"], capsys)
    assert code == 2
    assert "ours.yml: entries[0].extends:" in err
    assert os.path.basename(str(tmp_path / "ours.yml")) in err


def test_result_cache_keys_on_vale_styles(project: Path, monkeypatch, capsys) -> None:
    docs = project / "docs"  # the styles are outside the linted tree
    docs.mkdir()
    (docs / ".vale.ini").write_text("StylesPath = ../styles\n[*.md]\nBasedOnStyles = Demo\n",
                                    encoding="utf-8")
    (docs / "page.md").write_text("It is simply done.\n", encoding="utf-8")
    monkeypatch.chdir(docs)
    args = ["--offline", "--format", "json", "--select", "vale", "page.md"]
    assert [f["rule"] for f in _json(run(args, capsys)[1])] == ["Demo.Avoid"]
    (project / "styles" / "Demo" / "Avoid.yml").write_text(
        "extends: existence\nmessage: x\ntokens: [nothing]\n", encoding="utf-8")
    assert _json(run(args, capsys)[1]) == []  # not the cached finding


def test_words_only_blocks_read_as_the_full_blocks() -> None:
    from playbook_lint.document import Document
    from playbook_lint.vale.blocks import document_blocks, prose_blocks
    from playbook_lint.vale.bridge import _page_lower_words, _page_names

    text = ("---\ntitle: T\n---\n# A Heading With [a link](https://x.example)\n\n"
            "Some `code` and **Strong Words** here. Next Sentence (see it.) Then more.\n"
            "Words (like this) Matter here.\n\n"
            "- a list item with ![an image](i.png) and [Link Text][ref]\n\n"
            "> a quote\n\n| Head | Cell |\n|---|---|\n| `x` | y \\| z |\n\n"
            "<div>html <b>block</b> text. Another One.</div>\n\n[ref]: https://y.example\n")
    doc = Document.from_bytes(Path("p.md"), text.encode())
    full = document_blocks(doc)
    words = document_blocks(doc, words_only=True)
    assert [(b.kind, b.scope, b.text) for b in words.blocks] == [
        ("sentences", "sentences.md", "Some **** and Strong Words here. Next Sentence (see it.)"
         " Then more.\nWords (like this) Matter here."),
        ("list", "text.list.md", "a list item with  and Link Text"),
        ("blockquote", "text.blockquote.md", "a quote"),
        ("cell", "text.table.header.md", "Head"), ("cell", "text.table.header.md", "Cell"),
        ("cell", "text.table.cell.md", "*"), ("cell", "text.table.cell.md", "y | z"),
        ("sentences", "sentences.md", "html block  text. Another One.")]
    assert all(b.offs == [] for b in words.blocks) and words.summary is None
    assert [b.text for b in full.blocks if b.kind == "sentence"] == [
        "Some **** and Strong Words here.", "Next Sentence (see it.)",
        "Then more.", "Words (like this) Matter here.", "html block  text.", "Another One."]
    assert prose_blocks(doc) is prose_blocks(doc)  # kept on the document
    names, lower = _page_names(doc), _page_lower_words(doc)
    # "Then" starts a sentence after "it.)"; "Matter" follows "this)" mid-sentence
    assert names == {"Strong", "Words", "Sentence", "Matter", "Link", "Text", "One"}
    assert "then" not in lower and {"more", "like", "this", "here", "quote", "y", "z"} <= lower
    doc2 = Document.from_bytes(Path("p.md"), text.encode())
    doc2.__dict__["_vale_blocks"] = full
    assert prose_blocks(doc2) is full.blocks  # the full blocks when built
    assert (_page_names(doc2), _page_lower_words(doc2)) == (names, lower)
