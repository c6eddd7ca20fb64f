"""Tests for the jargon rule (PL301) and its word-list packs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from playbook_lint.checks.prose import Jargon, inflect, match_case
from playbook_lint.document import Document
from playbook_lint.findings import Edit, Fix, Severity
from playbook_lint.packs import PackError, builtin_pack_paths, load_pack, load_packs
from playbook_lint.rule import Context, RuleConfig
from playbook_lint.testing import FIXED_TODAY, MemoryWorkspace, check

SCHEMAS = {"jargon": Jargon.pack_entry_schema or {}}
PACK_PATHS = [p for p in builtin_pack_paths() if p.name.startswith("jargon-")]
PACKS = load_packs(PACK_PATHS, SCHEMAS)
GOVUK = "GOV.UK words to avoid"
PLAIN = "plainlanguage.gov simple words"
F18 = "18F Content Guide words to avoid"


def run(text: str, **kw):
    return check(Jargon, text, packs=PACKS, **kw)


def brief(findings) -> list[tuple]:
    return [(f.line, f.column, f.end_line, f.end_column, f.message) for f in findings]


def write_pack(tmp_path: Path, body: str, name: str = "test-pack") -> Path:
    path = tmp_path / f"{name}.yml"
    path.write_text(
        f"name: {name}\ndescription: 'Test list: for tests'\nsource: https://example.org/list\n"
        f"rule: jargon\nentries:\n{body}",
        encoding="utf-8",
    )
    return path


# -- the packs --------------------------------------------------------------------
def test_builtin_packs_load_with_names_and_sources() -> None:
    assert [(p.name, p.sources[0]) for p in PACKS] == [
        ("jargon-18f", "https://content-guide.18f.gov/our-approach/plain-language/"),
        ("jargon-govuk",
         "https://www.gov.uk/guidance/style-guide/a-to-z-of-gov-uk-style#words-to-avoid"),
        ("jargon-plainlanguage",
         "https://www.plainlanguage.gov/guidelines/words/use-simple-words-phrases/"),
    ]


def test_plainlanguage_pack_holds_all_229_pairs() -> None:
    plain = next(p for p in PACKS if p.name == "jargon-plainlanguage")
    # 229 pairs: the two "not later than" pairs share an entry, "utilize, utilization" is two.
    assert len(plain.entries) == 229
    strong = sorted(t for e in plain.entries if e["strength"] == "strong" for t in e["terms"])
    for term in ("commence", "in accordance with", "in order that", "in the amount of",
                 "in the event of", "promulgate", "utilize", "utilization", "addressees"):
        assert term in strong
    for term in ("however", "provide", "require", "request", "identify", "it is"):
        assert term not in strong


def test_safe_entries_have_a_replacement() -> None:
    for pack in PACKS:
        for entry in pack.entries:
            if entry.get("safe"):
                assert entry["replacements"], (pack.name, entry["terms"])


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ("  - terms: [x]\n    strength: strong\n    colour: red\n", "entries[0].colour",
         "unknown key"),
        ("  - terms: [x]\n    strength: medium\n", "entries[0].strength",
         "'medium' is not one of ['strong', 'weak']"),
        ("  - terms: [x]\n    strength: weak\n    exceptions: ['(unclosed']\n",
         "entries[0].exceptions[0]", "bad regular expression '(unclosed': missing ), "
         "unterminated subpattern at position 0"),
        ("  - terms: [' padded']\n    strength: weak\n", "entries[0].terms[0]",
         "' padded' does not match '^\\\\S(.*\\\\S)?$'"),
        ("  - terms: [x]\n    strength: weak\n    safe: true\n", "entries[0]",
         "'replacements' is a required property"),
    ],
)
def test_pack_entries_are_validated_strictly(tmp_path: Path, body: str, key: str,
                                             problem: str) -> None:
    path = write_pack(tmp_path, body)
    with pytest.raises(PackError) as info:
        load_pack(path, SCHEMAS)
    assert (info.value.key, info.value.problem) == (key, problem)


# -- scope -------------------------------------------------------------------------
def test_fenced_code_block_is_not_checked() -> None:
    assert run("Intro.\n\n```\nWe utilise this.\n```\n") == []


def test_inline_code_url_and_link_destination_are_not_checked() -> None:
    text = (
        "Call `utilise()` first.\n"
        "See https://example.org/utilise-guide today.\n"
        "Read [the guide](https://example.org/leverage \"utilise\") now.\n"
        "<a href=\"/key\" title=\"utilise\">guide</a>\n"
        "---\ntitle: x\n"
    )
    assert run(text) == []


def test_front_matter_is_not_checked() -> None:
    assert run("---\ntitle: We utilise\n---\nFine.\n") == []


def test_link_text_alt_text_heading_table_cell_and_list_item_are_checked() -> None:
    text = (
        "# Utilise it\n"
        "\n"
        "Read [how to utilise it](https://example.org/x).\n"
        "\n"
        "![We utilise maps](map.png)\n"
        "\n"
        "| Word | Note |\n"
        "|---|---|\n"
        "| fine | utilise |\n"
        "\n"
        "- We utilise lists\n"
    )
    assert [(f.line, f.column, f.end_column) for f in run(text)] == [
        (1, 3, 10), (3, 14, 21), (5, 6, 13), (9, 10, 17), (11, 6, 13),
    ]


# -- the brief's sentences -------------------------------------------------------------
def test_utilise_found_and_deliver_services_excused() -> None:
    findings = run("We will utilise the form to deliver services.\n")
    assert len(findings) == 1
    f = findings[0]
    assert (f.rule, f.code, f.severity, f.line, f.column, f.end_line, f.end_column) == (
        "jargon", "PL301", Severity.WARNING, 1, 9, 1, 16)
    assert f.message == f'"utilise" is jargon ({GOVUK}): use "use"'
    assert f.suggestion == "use"
    assert f.fix == Fix('Replace "utilise" with "use"', (Edit(8, 15, "use"),), safe=True)
    assert f.data == {"pack": "jargon-govuk", "strength": "strong"}


def test_deliver_an_abstract_concept_is_reported_without_a_fix() -> None:
    assert [(f.line, f.column, f.end_column, f.message, f.suggestion, f.fix)
            for f in run("We will deliver improvements.\n")] == [
        (1, 9, 16, f'"deliver" is jargon ({GOVUK}): use "make", "create" or "provide"',
         "make", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Royal Mail will deliver the post.\n",
        "We deliver digital services to the public.\n",
        "The pizzas were delivered late.\n",
        "Store the API key in the vault.\n",
        "Press the Enter key twice.\n",
        "Tanks are built for combat operations.\n",
        "Foster carers look after children.\n",
        "Find the impact of the collision.\n",
        "Open the dialogue box.\n",
        "He works in the Technology Transformation Service team.\n",
        'The guide says "utilise" is jargon.\n',
        "Vendors delivered reliable, responsive hardware.\n",
        "Set the routing key attribute.\n",
        "A design token is a key that unlocks a value.\n",
        "## Agenda\n",
        "## Impact\n",
        "Presenters and final agenda to be announced.\n",
        "See the agenda - 825 kb PDF.\n",
        "The key will rotate by itself.\n",
        "Enter the **Key** and the **Value**.\n",
        "Watch the backup, transform and restore jobs.\n",
        "Email alerts are supposed to be delivered within minutes.\n",
        "Find your system's impact level.\n",
        "This is the class that we implemented above.\n",
        "We build capacity for delivering valuable, high-quality digital services.\n",
        "4. Robust: content must be robust enough for assistive technology.\n",
    ],
)
def test_exceptions_excuse_the_literal_sense(text: str) -> None:
    assert run(text) == []


def test_hyphenated_compound_is_one_word(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "  - terms: [off of]\n    replacements: ['off']\n"
                                "    strength: strong\n    inflect: none\n")
    assert check(Jargon, "The roll-off of data.\n", packs=[pack]) == []
    assert brief(check(Jargon, "Get off of it.\n", packs=[pack])) == [
        (1, 5, 1, 11, '"off of" is jargon (Test list): use "off"'),
    ]


def test_word_boundaries_are_unicode_aware(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "  - terms: [iOS]\n    strength: strong\n    inflect: none\n")
    assert check(Jargon, "Un film silențios.\n", packs=[pack]) == []
    # "t" + COMBINING COMMA BELOW: still one word.
    assert check(Jargon, "Un film silent\u0326ios.\n", packs=[pack]) == []
    assert brief(check(Jargon, "Apps for iOS.\n", packs=[pack])) == [
        (1, 10, 1, 13, '"iOS" is jargon (Test list): omit it or rephrase'),
    ]


def test_phrase_split_over_two_lines_is_found_at_the_first_line() -> None:
    findings = run("We do this in order\nto help.\n")
    assert [(f.line, f.column, f.end_line, f.end_column, f.message, f.fix) for f in findings] == [
        (1, 12, 2, 3, f'"in order to" is jargon ({F18}): use "to"',
         Fix('Replace "in order to" with "to"', (Edit(11, 22, "to"),), safe=True)),
    ]


def test_phrase_across_a_blockquote_marker_and_runs_of_spaces() -> None:
    text = "> We act in order\n> to help.\n\nDo it in   order to.\n"
    assert [(f.line, f.column) for f in run(text, options={"quoted": True})] == [(1, 10), (4, 7)]
    assert [(f.line, f.column) for f in run(text)] == [(4, 7)]  # a blockquote is quoted


def test_phrase_does_not_cross_a_paragraph_break() -> None:
    assert run("We act in order\n\nto help.\n") == []


def test_case_is_preserved_in_suggestions() -> None:
    findings = run("Utilise it. UTILISE it. utilise it.\n")
    assert [(f.column, f.suggestion, f.message) for f in findings] == [
        (1, "Use", f'"Utilise" is jargon ({GOVUK}): use "Use"'),
        (13, "USE", f'"UTILISE" is jargon ({GOVUK}): use "USE"'),
        (25, "use", f'"utilise" is jargon ({GOVUK}): use "use"'),
    ]


def test_inflections_and_spellings_inflect_the_suggestion() -> None:
    findings = run("It utilises, utilised, utilising; we utilize.\n")
    assert [(f.column, f.suggestion, f.fix.edits if f.fix else None) for f in findings] == [
        (4, "uses", (Edit(3, 11, "uses"),)),
        (14, "used", (Edit(13, 21, "used"),)),
        (24, "using", (Edit(23, 32, "using"),)),
        (38, "use", (Edit(37, 44, "use"),)),
    ]


def test_irregular_replacement_gives_no_inflected_suggestion() -> None:
    assert [(f.message, f.suggestion) for f in run("Work commenced in May.\n")] == [
        (f'"commenced" is jargon ({PLAIN}): use "began/begun" or "started"', None),
    ]


def test_capitalised_word_starting_a_sentence_is_not_taken_for_a_name() -> None:
    text = "Our Key Findings. Key facts follow.\n"
    assert [(f.column, f.suggestion) for f in run(text)] == [(5, "Important"), (19, "Important")]


def test_entry_without_replacements_gives_its_advice() -> None:
    assert [f.message for f in run("We will transform the way you pay.\n")] == [
        f'"transform" is jargon ({GOVUK}): describe the actual change',
    ]


# -- options ---------------------------------------------------------------------------
def test_weak_terms_report_only_when_asked() -> None:
    text = "However, we provide forms.\n"
    assert run(text) == []
    assert [(f.column, f.message) for f in run(text, options={"strength": "weak"})] == [
        (1, f'"However" is jargon ({PLAIN}): use "But"'),
        (13, f'"provide" is jargon ({PLAIN}): use "give", "offer" or "say"'),
    ]


def test_line_anchored_exception_needs_a_real_line_start() -> None:
    # "## Robust" alone is a heading (WCAG's principle); after a long blanked URL it is not.
    url = "https://example.org/" + "x" * 200
    assert [f.column for f in run(f"See {url} robust\n")] == [226]
    assert run("## Robust\n") == []


def test_weak_address_is_fine_for_an_email_address() -> None:
    weak = {"strength": "weak"}
    assert run("Send it to your email address.\n", options=weak) == []
    assert [f.message for f in run("We will address it.\n", options=weak)] == [
        f'"address" is jargon ({PLAIN}): use "discuss"',
    ]


def test_packs_can_be_turned_off_by_name() -> None:
    text = "We will leverage it and commence.\n"
    assert [f.column for f in run(text)] == [9, 25]
    off = {"packs": {"jargon-govuk": False, "jargon-18f": False}}
    assert [f.column for f in run(text, options=off)] == [25]


def test_no_packs_means_no_findings() -> None:
    assert check(Jargon, "We utilise it.\n") == []


def test_bad_options_fall_back_to_defaults() -> None:
    rule = Jargon(RuleConfig(options={"strength": 3, "packs": "x"}, packs=tuple(PACKS)))
    doc = Document(Path("/w/p.md"), "We utilise it. However.\n")
    reports = list(rule.check(doc, Context(today=FIXED_TODAY, workspace=MemoryWorkspace())))
    assert [(r.start, r.end) for r in reports] == [(3, 10)]


# -- helpers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "kind", "form"),
    [("use", "s", "uses"), ("use", "ed", "used"), ("use", "ing", "using"),
     ("stop", "ed", "stopped"), ("visit", "ed", "visited"), ("begin", "ing", "beginning"),
     ("try", "s", "tries"), ("try", "ed", "tried"), ("make", "ed", "made"),
     ("begin", "ed", None), ("focus", "s", "focuses")],
)
def test_inflect(word: str, kind: str, form: str | None) -> None:
    assert inflect(word, kind) == form


@pytest.mark.parametrize(
    ("replacement", "matched", "out"),
    [("use", "Utilise", "Use"), ("use", "UTILISE", "USE"), ("use", "utilise", "use"),
     ("work with", "Collaborate", "Work with"), ("to", "In order to", "To"),
     ("use", "U", "Use")],
)
def test_match_case(replacement: str, matched: str, out: str) -> None:
    assert match_case(replacement, matched) == out


# -- the real corpus ---------------------------------------------------------------------
def test_corpus_findings_are_in_prose_and_never_raise(corpus: Path) -> None:
    rule = Jargon(RuleConfig(options={"strength": "weak"}, packs=tuple(PACKS)))
    ctx = Context(today=FIXED_TODAY, workspace=MemoryWorkspace())
    files = sorted((corpus / "18F__content-guide").rglob("*.md"))
    files += sorted((corpus / "uswds__uswds-site").rglob("*.md"))
    assert files
    total = 0
    for path in files:
        doc = Document.from_path(path)
        for r in rule.check(doc, ctx):
            total += 1
            assert doc.prose[r.start:r.end] == doc.text[r.start:r.end]
            assert r.start >= doc.body_start
    assert total > 0


# -- options schema and the real CLI ---------------------------------------------------
def test_options_schema_accepts_strength_and_pack_switches() -> None:
    import jsonschema

    schema = Jargon.options_schema
    jsonschema.validate({"strength": "weak", "packs": {"jargon-govuk": False}}, schema)
    for bad in ({"strength": "medium"}, {"packs": {"jargon-govuk": "no"}}, {"colour": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_cli_runs_jargon_with_the_builtin_packs_and_fixes(tmp_path: Path, monkeypatch,
                                                          capsys) -> None:
    from playbook_lint import cli

    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: Utilise\n---\nWe utilise `utilise` to deliver services.\n",
                    encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--offline", "--quiet", "--no-cache", "--select", "jargon", "page.md"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == (
        f'page.md:4:4: warning jargon "utilise" is jargon ({GOVUK}): use "use"\n'
    )
    with pytest.raises(SystemExit):
        cli.main(["--offline", "--quiet", "--no-cache", "--select", "jargon", "--fix", "page.md"])
    assert page.read_text(encoding="utf-8") == (
        "---\ntitle: Utilise\n---\nWe use `utilise` to deliver services.\n"
    )


# Fixed terms a new-user trial on the corpus found flagged (procurement and
# privacy vocabulary), in our own words.
@pytest.mark.parametrize("text", [
    "Finish the privacy impact assessment before launch.\n",
    "Agree key performance indicators with the vendor.\n",
    "The contract names key personnel and key staff.\n",
    "The team delivered large-scale services on time.\n",
])
def test_fixed_terms_are_not_jargon(text):
    assert check(Jargon, text, packs=PACK_PATHS) == []


def test_plain_uses_still_reported_next_to_the_fixed_terms():
    found = check(Jargon, "This will impact the key plan.\n", packs=PACK_PATHS)
    assert [(f.column, f.message) for f in found] == [
        (11, '"impact" is jargon (GOV.UK words to avoid): use "have an effect on" or "influence"'),
        (22, '"key" is jargon (18F Content Guide words to avoid): use "important"'),
    ]


# -- issue 9 item 8: the lists' conditions, quotations, mentions, names ------------------
IMPACT_VERB = f'"impact" is jargon ({GOVUK}): use "have an effect on" or "influence"'


@pytest.mark.parametrize(("text", "columns"), [
    ("This will impact users.\n", [11]),
    ("Projects that impact millions of people.\n", [15]),
    ("Rules may negatively impact the site.\n", [22]),
    ("The impact of the change was small.\n", []),
    ("It had a big impact on us.\n", []),
    ("Measure your impact.\n", []),
    ("## Emotional impact\n", []),
    ("Statutes rarely impacts product work.\n", [17]),
    ("The impacts of the policy are known.\n", []),
])
def test_impact_is_jargon_as_a_verb_only(text: str, columns: list[int]) -> None:
    assert [f.column for f in run(text)] == columns


def test_impact_verb_message_and_noun_kept_as_weak_by_18f() -> None:
    assert [(f.rule, f.line, f.column, f.end_column, f.message)
            for f in run("They impact us.\n")] == [("jargon", 1, 6, 12, IMPACT_VERB)]
    weak = run("The impact of it.\n", options={"strength": "weak"})
    assert [(f.column, f.message) for f in weak] == [
        (5, f'"impact" is jargon ({F18}): omit it or rephrase'),
    ]


@pytest.mark.parametrize(("text", "columns"), [
    ("These are key findings.\n", [11]),
    ("Patience is key to success.\n", [13]),
    ("Finding the angle is key.\n", [22]),
    ("Understand key context first.\n", [12]),
    ("Turn the key to open it.\n", []),
    ("Keep the key.\n", []),
    ("Rotate the new key with care.\n", []),
])
def test_key_is_jargon_as_an_adjective_only(text: str, columns: list[int]) -> None:
    assert [f.column for f in run(text)] == columns


@pytest.mark.parametrize(("text", "columns"), [
    ("We deliver value to users.\n", [4]),
    ("They delivered better outcomes.\n", [6]),
    ("Helping government deliver continually better services.\n", []),
    ("A public service, overseen and delivered by the council.\n", []),
    ("Vendors delivered the new data platform.\n", []),
])
def test_deliver_abstract_objects_only(text: str, columns: list[int]) -> None:
    assert [f.column for f in run(text)] == columns


def test_meeting_agenda_is_fine_and_a_political_agenda_is_not() -> None:
    assert run("Share the agenda before the meeting.\n") == []
    assert [(f.column, f.message) for f in run("Parties have agendas.\n")] == [
        (14, f'"agendas" is jargon ({GOVUK}): use "plans"'),
    ]


def test_quoted_words_are_not_reported_unless_asked() -> None:
    text = (
        "> We will utilise it, she wrote.\n"
        "\n"
        'He said "we will leverage our assets" and left.\n'
        "\n"
        "They said \u201cwe utilise it\u201d. We utilise it.\n"
        "\n"
        "> [!NOTE]\n"
        "> We utilise callouts.\n"
    )
    assert [(f.line, f.column) for f in run(text)] == [(5, 31), (8, 6)]
    assert [(f.line, f.column) for f in run(text, options={"quoted": True})] == [
        (1, 11), (3, 18), (5, 15), (5, 31), (8, 6),
    ]


def test_an_apostrophe_does_not_open_a_quotation() -> None:
    assert [f.column for f in run("It's what we'll utilise, isn't it.\n")] == [17]


def test_mentioned_words_are_info_without_a_fix() -> None:
    text = (
        "## Words to avoid\n"
        "\n"
        "- utilize (use _use_)\n"
        "- commit or pledge (be specific)\n"
        "- impact or impactful\n"
        "- We utilize it daily\n"
        "\n"
        "Do not write _leverage_ here.\n"
        "\n"
        "| utilise | use |\n"
        "|---|---|\n"
    )
    found = run(text)
    assert [(f.line, f.column, f.severity, f.fix is None, f.message) for f in found] == [
        (3, 3, Severity.INFO, True,
         f'"utilize" is jargon ({F18}): use "use" (mentioned, not used: no fix)'),
        (4, 13, Severity.INFO, True,
         f'"pledge" is jargon ({GOVUK}): use "plan to" or "we\'re going to" '
         "(mentioned, not used: no fix)"),
        (5, 13, Severity.INFO, True,
         f'"impactful" is jargon ({F18}): omit it or rephrase (mentioned, not used: no fix)'),
        (6, 6, Severity.WARNING, False, f'"utilize" is jargon ({F18}): use "use"'),
        (8, 15, Severity.INFO, True,
         f'"leverage" is jargon ({GOVUK}): use "influence" or "use" '
         "(mentioned, not used: no fix)"),
        (10, 3, Severity.INFO, True,
         f'"utilise" is jargon ({GOVUK}): use "use" (mentioned, not used: no fix)'),
    ]


def test_fix_never_rewrites_a_mentioned_word(tmp_path: Path, monkeypatch) -> None:
    from playbook_lint import cli

    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_text("# Words\n\n- utilize (use _use_)\n\nWe utilize it.\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["--offline", "--quiet", "--no-cache", "--select", "jargon", "--fix", "page.md"])
    assert page.read_text(encoding="utf-8") == "# Words\n\n- utilize (use _use_)\n\nWe use it.\n"


@pytest.mark.parametrize("text", [
    "Add the Touchpoints survey to the page.\n",
    "Ryan Wold, Innovation Specialist, Touchpoints, GSA\n",
    "Ask questions (consider using [Touchpoints](https://example.org) first).\n",
])
def test_a_capitalised_name_mid_sentence_is_not_jargon(text: str) -> None:
    assert run(text) == []


def test_lower_case_touchpoints_and_title_case_text_are_reported() -> None:
    assert [f.column for f in run("Map the digital touchpoints.\n")] == [17]
    assert [f.column for f in run("Our Key Findings. Touchpoints matter.\n")] == [5, 19]


def test_when_condition_is_validated_by_the_pack_schema(tmp_path: Path) -> None:
    for body, key, problem in [
        ("  - terms: [x]\n    strength: strong\n    when: {pos: [adverb]}\n",
         "entries[0].when.pos[0]", "'adverb' is not one of ['noun', 'verb', 'adjective']"),
        ("  - terms: [x]\n    strength: strong\n    when: {colour: red}\n",
         "entries[0].when.colour", "unknown key"),
        ("  - terms: [x]\n    strength: strong\n    when: {otherwise: never}\n",
         "entries[0].when.otherwise", "'never' is not one of ['skip', 'weak']"),
    ]:
        path = write_pack(tmp_path, body)
        with pytest.raises(PackError) as info:
            load_pack(path, SCHEMAS)
        assert (info.value.key, info.value.problem) == (key, problem)


def test_a_user_pack_condition_applies_to_any_word(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "  - terms: [table]\n    strength: strong\n    inflect: none\n"
                                "    when: {pos: [verb]}\n")
    assert check(Jargon, "Put it on the table.\n", packs=[pack]) == []
    assert [f.column for f in check(Jargon, "We will table it.\n", packs=[pack])] == [9]


def test_agenda_in_a_paragraph_about_a_meeting_is_fine() -> None:
    text = (
        "Before the meeting, write down what you will cover.\n"
        "Split out agenda and notes if you like.\n"
        "\n"
        "Split out agenda and priorities.\n"
    )
    assert [(f.line, f.column, f.message) for f in run(text)] == [
        (4, 11, f'"agenda" is jargon ({GOVUK}): use "plan"'),
    ]


def test_unless_near_in_a_user_pack(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "  - terms: [hub]\n    strength: strong\n    inflect: none\n"
                                "    when: {unless-near: [airport, bike wheel]}\n")
    assert check(Jargon, "The hub of the bike wheels.\n", packs=[pack]) == []
    assert check(Jargon, "Fly to the hub.\n\nThe airport is big.\n", packs=[pack]) != []
    assert check(Jargon, "Fly to the hub airport.\n", packs=[pack]) == []


@pytest.mark.parametrize(("text", "columns"), [
    ("Test before implementing any specific USWDS patterns.\n", []),
    ("Soon after a system is implemented, users adapt.\n", []),
    ("We will implement the policy so it works.\n", [9]),
])
def test_implement_is_fine_for_software(text: str, columns: list[int]) -> None:
    assert [f.column for f in run(text)] == columns


@pytest.mark.parametrize(("text", "columns"), [
    ("Four impact levers guide the plan.\n", []),
    ("New pathways for delivering health care, including clinics.\n", []),
])
def test_numbers_are_determiners_and_care_is_delivered(text: str, columns: list[int]) -> None:
    assert [f.column for f in run(text)] == columns


def test_a_title_cited_mid_line_is_not_jargon_but_a_leading_bold_label_is() -> None:
    text = (
        "Read the order (_Streamlining Service Delivery and Improving It_) today.\n"
        "\n"
        "**Streamlining Service Delivery** is our aim.\n"
        "\n"
        "We are (streamlining service delivery) now.\n"
    )
    assert [(f.line, f.column) for f in run(text)] == [(3, 3), (5, 9)]


def test_a_blockquote_inside_a_list_item_is_quoted_too() -> None:
    text = "- Note:\n\n    > We utilise it.\n"
    assert run(text) == []
    assert [(f.line, f.column) for f in run(text, options={"quoted": True})] == [(3, 10)]


def test_a_phrase_is_not_matched_across_list_items_or_hard_breaks() -> None:
    """Found by a new-user trial: "in order" ending one list item and "to" starting the
    next were one finding, and its safe fix merged the two items."""
    text = ("- do it in order\n- to win\n\n1. in order\n2. to win\n\n"
            "We do it in order  \nto win.\n\nWe do it in order\\\nto win.\n")
    assert run(text) == []
    # a soft-wrapped paragraph is one phrase (and its fix keeps the paragraph)
    assert [(f.line, f.column) for f in run("We do it in order\nto win.\n")] == [(1, 10)]


def test_every_builtin_exception_pattern_compiles() -> None:
    """The built-in packs' patterns are compiled lazily at run time (a one-file run pays
    only for what it meets), so the tests compile every one of them here."""
    from playbook_lint.packregex import compile_pack_regex

    count = 0
    for pack in PACKS:
        for raw in pack.entries:
            for x in raw.get("exceptions", ()):
                compile_pack_regex(x, 2, where=pack.name)  # 2 == re.IGNORECASE
                count += 1
    assert count > 100


def test_a_lazy_pattern_compiles_on_first_use_and_reports_errors_then() -> None:
    import re as stdre

    from playbook_lint.packregex import compile_pack_regex

    lazy = compile_pack_regex("(a", where="x.yml", lazy=True)  # no error yet
    with pytest.raises(stdre.error):
        lazy.search("a")
    ok = compile_pack_regex(r"\bkey\b", stdre.IGNORECASE, where="x.yml", lazy=True)
    assert ok.search("The KEY here").group() == "KEY" and ok.groups == 0


# -- the lower-cased scan (same matches as the case-insensitive pattern) ----------
@pytest.mark.parametrize("text", [
    "We UTILIZE it. Utilize it, utilize it.\n",  # ASCII prose: the lower-cased scan
    "“We Utilize it” — and utilize it.\n",  # uncased curly quotes and dashes: the same
    "Élan: we Utilize it, UTILIZE it.\n",  # a cased letter outside ASCII: the case-insensitive scan
])
def test_lower_cased_scan_finds_what_the_pattern_finds(text: str) -> None:
    from playbook_lint.checks.prose import SUBSET_SCANS

    rule = Jargon(RuleConfig(packs=tuple(PACKS)))
    doc = Document.from_bytes(Path("p.md"), text.encode())
    assert rule._pattern is not None
    want = [m.span() for m in rule._pattern.finditer(doc.prose)]
    lowered = text.isascii() or all(c.isascii() or c.lower() == c == c.upper() for c in text)
    # the first pages lowered scan with a pattern of their own terms, later ones with
    # the pattern of every term: the same matches
    for n in range(1, SUBSET_SCANS + 2):
        assert list(rule._matches(doc.prose)) == want and len(want) >= 2
        assert rule._subset_scans == (min(n, SUBSET_SCANS) if lowered else 0)
        assert (rule._lower_pattern is not None) == (lowered and n > SUBSET_SCANS)


def test_a_term_with_a_cased_letter_outside_ascii_keeps_the_case_insensitive_scan(
        tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, "  - terms: [naïve plan]\n    strength: strong\n"
                                          "    inflect: none\n"), SCHEMAS)
    rule = Jargon(RuleConfig(packs=(pack,)))
    assert rule._lower_ok is False
    findings = check(Jargon, "A NAÏVE PLAN and a naïve plan.\n", packs=[pack])
    assert [(f.line, f.column) for f in findings] == [(1, 3), (1, 20)]


def test_the_case_insensitive_pattern_is_compiled_only_when_prose_needs_it() -> None:
    """Making the rule compiles no pattern (nor makes the source of one); ASCII prose
    runs a case-sensitive pattern of the terms whose first word it holds over
    lower-cased text and never compiles the case-insensitive pattern."""
    rule = Jargon(RuleConfig(packs=tuple(PACKS)))
    assert (rule._ignorecase, rule._lower_pattern, rule._full_source) == (None, None, None)
    ascii_doc = Document.from_bytes(Path("p.md"), b"We UTILIZE it.\n")
    assert list(rule._matches(ascii_doc.prose)) == [(3, 10)]
    assert (rule._ignorecase, rule._lower_pattern, rule._full_source) == (None, None, None)
    assert rule._subset_scans == 1
    none = Document.from_bytes(Path("p.md"), b"Nothing to see.\n")
    assert list(rule._matches(none.prose)) == [] and rule._subset_scans == 2
    cased = Document.from_bytes(Path("p.md"), "Élan: we Utilize it.\n".encode())
    assert list(rule._matches(cased.prose)) == [(9, 16)]
    assert rule._ignorecase is not None


def test_a_page_scans_for_the_terms_whose_words_it_holds(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, "  - terms: [in order to, in-house, key, \"o'clock\"]\n"
                                          "    strength: strong\n    inflect: none\n"), SCHEMAS)
    rule = Jargon(RuleConfig(packs=(pack,)))
    assert rule._words == {"in order to": ("order", "in", "to"), "in-house": ("house", "in"),
                           "key": ("key",), "o'clock": ("clock", "o")}
    doc = Document.from_bytes(Path("p.md"), "At 9 o\u2019clock, in\n order to\n".encode())
    assert list(rule._matches(doc.prose)) == [(5, 12), (14, 26)]


@pytest.mark.parametrize("strength", ["strong", "weak"])
def test_a_pattern_of_a_pages_own_terms_finds_what_every_terms_pattern_finds(
        corpus: Path, strength: str) -> None:
    """On a sample of real pages (every 25th Markdown file of the corpus) the pattern
    of the terms whose words a page holds finds the matches of the pattern of
    every term."""
    from playbook_lint.checks.prose import _ascii_or_uncased

    files = sorted(corpus.rglob("*.md"))[::25]
    assert len(files) > 200
    full = Jargon(RuleConfig(packs=tuple(PACKS), options={"strength": strength}))
    assert full._source is not None
    every = re.compile(full._source)
    lowered = 0
    rule = Jargon(RuleConfig(packs=tuple(PACKS), options={"strength": strength}))
    for path in files:
        doc = Document.from_bytes(path, path.read_bytes())
        rule._subset_scans = 0  # each page as the first of a run
        got = list(rule._matches(doc.prose))
        if _ascii_or_uncased(doc.prose):
            lowered += 1
            assert rule._subset_scans == 1 and rule._lower_pattern is None
            assert got == [m.span() for m in every.finditer(doc.prose.lower())], path
    assert lowered > 200
