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


# -- item 5: user pack regular expressions are bounded -----------------------------------

EVIL = "(a|aa)+$"  # exponential under backtracking: minutes on 40 a's and a "!"


def test_bounded_pattern_times_out_then_fails_fast() -> None:
    from playbook_lint.packregex import BoundedPattern, RegexTimeout

    rx = BoundedPattern(EVIL, where="ours.yml: entries[0].exceptions[0]", timeout=0.2)
    assert rx.search("aaa!") is None and rx.search("xaa").span() == (1, 3)
    with pytest.raises(RegexTimeout) as exc:
        list(rx.finditer("a" * 40 + "!"))
    assert str(exc.value) == ("ours.yml: entries[0].exceptions[0]: regular expression "
                              "'(a|aa)+$' took longer than 0.2 s (catastrophic backtracking?); "
                              "rewrite it")
    assert rx.failed
    with pytest.raises(RegexTimeout):  # later calls do not spend the time again
        rx.search("a")


def test_pack_patterns_keep_re_flags_and_match_api() -> None:
    import re

    from playbook_lint.packregex import BoundedPattern, compile_pack_regex

    rx = compile_pack_regex(r"(?P<host>A+)\.gov", re.I, where="x")
    assert isinstance(rx, BoundedPattern)
    m = rx.match("aa.GOV/x")
    assert (m.group("host"), m.end(), m.expand(r"\g<host>.uk")) == ("aa", 6, "aa.uk")
    assert [m.span() for m in rx.finditer("a.gov b.gov AA.gov")] == [(0, 5), (12, 18)]
    assert compile_pack_regex("^b", re.M, where="x").search("a\nb").start() == 2
    assert rx.sub("X", "a.gov and aa.gov") == "X and X"
    assert (rx.groups, dict(rx.groupindex)) == (1, {"host": 1})


def test_bad_user_pattern_is_a_re_error() -> None:
    import re

    from playbook_lint.packregex import compile_pack_regex

    with pytest.raises(re.error):
        compile_pack_regex("(unclosed", where="x")


def test_catastrophic_exception_in_a_user_jargon_pack_names_pack_and_entry(
    here: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr("playbook_lint.packregex.TIMEOUT_S", 0.2)
    pack = here / "ours.yml"
    pack.write_text(
        "name: ours\ndescription: Our words.\nsource: https://example.gov/style\n"
        "rule: jargon\nentries:\n"
        "  - terms: [synergy]\n    strength: strong\n    replacements: [teamwork]\n"
        f"    exceptions: ['x', '{EVIL}']\n", encoding="utf-8")
    (here / ".playbook-lint.toml").write_text('packs = ["ours.yml"]\n', encoding="utf-8")
    line = "We want synergy " + "a" * 40 + "!\n"
    (here / "a.md").write_text(line, encoding="utf-8")
    (here / "b.md").write_text(line, encoding="utf-8")
    code, out, err = run(["--offline", "--select", "jargon", "."], capsys)
    assert (code, out) == (2, "")
    where = f"{pack}: entries[0].exceptions[1]"
    assert err == "".join(
        f"playbook-lint: {p}: rule jargon stopped on this file: {where}: regular expression "
        f"'(a|aa)+$' took longer than 0.2 s (catastrophic backtracking?); rewrite it\n"
        for p in ("a.md", "b.md"))


def test_catastrophic_outdated_link_pattern_names_pack_and_entry(
    here: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr("playbook_lint.packregex.TIMEOUT_S", 0.2)
    pack = here / "moved.yml"
    pack.write_text(
        "name: moved\ndescription: Moved sites.\nsource: https://example.gov/moved\n"
        "rule: outdated-link\nentries:\n"
        "  - pattern: 'old\\.example\\.gov/'\n    reason: retired\n"
        "    source: https://example.gov/moved\n"
        f"  - pattern: '{EVIL}'\n    reason: retired\n    source: https://example.gov/moved\n",
        encoding="utf-8")
    (here / ".playbook-lint.toml").write_text('packs = ["moved.yml"]\n', encoding="utf-8")
    (here / "a.md").write_text(f"See <https://{'a' * 40}!.gov/>.\n", encoding="utf-8")
    code, out, err = run(["--offline", "--select", "outdated-link", "."], capsys)
    assert code == 2
    assert err == (f"playbook-lint: a.md: rule outdated-link stopped on this file: {pack}: "
                   "entries[1].pattern: regular expression '(a|aa)+$' took longer than 0.2 s "
                   "(catastrophic backtracking?); rewrite it\n")


def test_catastrophic_front_matter_profile_pattern_names_the_option(
    here: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr("playbook_lint.packregex.TIMEOUT_S", 0.2)
    (here / ".playbook-lint.toml").write_text(
        "[rules.front-matter-invalid]\n"
        f"profiles = [{{ paths = [\"*.md\"], keys = {{ slug = {{ pattern = '{EVIL}' }} }} }}]\n",
        encoding="utf-8")
    (here / "a.md").write_text(f"---\nslug: {'a' * 40}!\n---\nText.\n", encoding="utf-8")
    code, out, err = run(["--offline", "--select", "front-matter-invalid", "."], capsys)
    assert code == 2
    assert err == ("playbook-lint: a.md: rule front-matter-invalid stopped on this file: rules "
                   "option profiles[0].keys.slug.pattern: regular expression '(a|aa)+$' took "
                   "longer than 0.2 s (catastrophic backtracking?); rewrite it\n")


# -- item 5: "did you mean" is not quadratic ---------------------------------------------

def _anchors(n: int) -> list[str]:
    return [f"section-{i}-about-topic-number-{i * 7}" for i in range(n)]


def test_suggestion_in_a_large_anchor_set_scores_few_candidates(monkeypatch) -> None:
    import difflib

    from playbook_lint.links import suggest

    sizes: list[int] = []
    real = difflib.get_close_matches

    def counting(word, possibilities, n=3, cutoff=0.6):
        sizes.append(len(possibilities))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(suggest.difflib, "get_close_matches", counting)
    ids = frozenset(_anchors(2000))
    got = [suggest.closest_anchor(f"section-{i}-about-topc-number-{i * 7}", ids)
           for i in (0, 7, 1234, 1999)]
    assert got == ["section-0-about-topic-number-0", "section-7-about-topic-number-49",
                   "section-1234-about-topic-number-8638",
                   "section-1999-about-topic-number-13993"]
    assert len(sizes) == 4 and max(sizes) <= suggest.CANDIDATES == 8
    assert suggest._index_for.cache_info().currsize >= 1  # one index for the set, reused


def test_suggestion_case_only_difference_and_no_match() -> None:
    from playbook_lint.links.suggest import closest_anchor

    ids = frozenset([*_anchors(100), "Intro", "intro"])
    assert closest_anchor("INTRO", ids) == "Intro"  # sorted first, as before
    assert closest_anchor("zzzzzzzz", ids) is None


def test_small_anchor_sets_give_difflibs_answer() -> None:
    import difflib

    from playbook_lint.links.suggest import SMALL, closest_anchor

    ids = _anchors(SMALL)
    for want in ("section-3-about-topic", "number-21", "sect-10-abut-topic-number-70", "x"):
        best = difflib.get_close_matches(want, sorted(ids), n=1, cutoff=0.6)
        assert closest_anchor(want, ids) == (best[0] if best else None)


def test_broken_fragment_on_a_page_with_many_headings_gets_its_suggestion(here: Path, capsys):
    body = "".join(f"## Section {i} about topic number {i * 7}\n\nText.\n\n" for i in range(300))
    body += "[x](#section-250-about-topc-number-1750)\n"
    (here / "a.md").write_text(body, encoding="utf-8")
    code, out, _ = run(["--offline", "--select", "broken-link", "a.md"], capsys)
    assert code == 1
    assert out == ('a.md:1201:5: error broken-link no heading or anchor '
                   '"#section-250-about-topc-number-1750" in this page (did you mean '
                   '"#section-250-about-topic-number-1750"?)\n')


def test_page_body_template_scan_and_anchor_decoding_run_once_per_page(here: Path, capsys):
    from playbook_lint.links import slugs
    from playbook_lint.site import pulls_in_content

    body = "".join(f"## Part {i}\n\n" for i in range(300))
    body += "".join(f"[x](#part-{i}-typo)\n" for i in range(300))
    (here / "a.md").write_text(body, encoding="utf-8")
    pulls_in_content.cache_clear()
    slugs._percent_decoded.cache_clear()
    code, out, _ = run(["--offline", "--select", "broken-link", "a.md"], capsys)
    assert code == 1 and out.count("\n") == 300
    assert out.splitlines()[0] == ('a.md:601:5: error broken-link no heading or anchor '
                                   '"#part-0-typo" in this page (did you mean "#part-0"?)')
    scans = pulls_in_content.cache_info()
    assert (scans.misses, scans.hits) == (1, 299)
    decoded = slugs._percent_decoded.cache_info()
    assert (decoded.misses, decoded.hits) == (1, 299)


def test_a_vale_style_pattern_that_backtracks_forever_is_stopped(tmp_path, monkeypatch,
                                                                 capsys) -> None:
    """Issue 14 item 5 for Vale styles too: a catastrophic pattern ends with exit 2 and
    names the pattern instead of hanging the run."""
    from cli_runner import run

    (tmp_path / ".vale.ini").write_text("StylesPath = styles\n[*.md]\nBasedOnStyles = Mine\n",
                                        encoding="utf-8")
    style = tmp_path / "styles" / "Mine"
    style.mkdir(parents=True)
    (style / "Hang.yml").write_text("extends: existence\nmessage: 'slow %s'\nlevel: error\n"
                                    "scope: raw\nraw:\n  - '(a|aa)+$'\n", encoding="utf-8")
    (tmp_path / "page.md").write_text("# Page\n\n" + "a" * 40 + "b\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["--offline", "--no-cache", "--select", "vale", "page.md"], capsys)
    assert code == 2
    assert "rule vale stopped on this file: Vale style pattern: regular expression '(a|aa)+$" in err
    assert "Vale style pattern" in err
