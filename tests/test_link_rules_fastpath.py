"""The fast paths of the link rules find exactly what the plain ones find.

``outdated-link`` joins the packs' patterns into one prefilter and remembers each
distinct URL; ``link-hygiene`` and ``outdated-link`` read IP literals through
:func:`~playbook_lint.checks.ipliteral.ip_literal`; front matter links are remembered
per document. Each is checked here against the plain computation: exact values, and
property tests (hypothesis) of the prefilter against trying every entry in turn.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook_lint.checks.ipliteral import ip_literal
from playbook_lint.checks.outdated import OutdatedLink, joinable
from playbook_lint.document import Document
from playbook_lint.links.fmlinks import front_matter_links
from playbook_lint.packregex import RegexTimeout
from playbook_lint.packs import builtin_pack_dir, load_pack
from playbook_lint.rule import RuleConfig
from playbook_lint.testing import check

SCHEMAS = {"outdated-link": OutdatedLink.pack_entry_schema}
EVIL = "(a|aa)+$"


def builtin_rule() -> OutdatedLink:
    pack = load_pack(builtin_pack_dir() / "outdated-sites.yml", SCHEMAS)
    return OutdatedLink(RuleConfig(options={}, packs=(pack,)))


def pack_file(tmp_path: Path, patterns: list[str]) -> Path:
    lines = ["name: moved", "description: Moved sites.", "source: https://example.gov/moved",
             "rule: outdated-link", "entries:"]
    for i, p in enumerate(patterns):
        lines += [f"  - pattern: '{p}'", f"    reason: retired {i}",
                  "    source: https://example.gov/moved"]
    path = tmp_path / "moved.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rule_of(path: Path) -> OutdatedLink:
    return OutdatedLink(RuleConfig(options={}, packs=(load_pack(path, SCHEMAS),)))


def plain(rule: OutdatedLink, rest: str) -> tuple[int, str, tuple[Any, ...]] | None:
    """The first entry matching ``rest``, trying each in turn (the unfiltered path)."""
    for i, site in enumerate(rule.sites):
        m = site.pattern.match(rest)
        if m is not None:
            return i, m.group(0), m.groups()
    return None


def fast(rule: OutdatedLink, rest: str) -> tuple[int, str, tuple[Any, ...]] | None:
    hit = rule._site_match(rest)
    if hit is None:
        return None
    return rule.sites.index(hit[0]), hit[1].group(0), hit[1].groups()


# -- which patterns may be joined ---------------------------------------------------

@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(?:www\.)?digitalgov\.gov(?::\d+)?([/?#].*)?$", True),
    (r"(?:[\w-]+\.)*howto\.gov(?![\w.-])", True),
    (r"(?P<site>[\w-]+)\.18f\.gov(?<=f\.gov)(?>/)?(?#note)", True),
    (r"(?<name>x)\.gov(?<!y)(?=/)", True),
    (r"(?i:A)(?-i:b)(?im-s:c)\.gov", True),
    (r"(a+)\1\.gov", False),            # a numbered back reference
    (r"(?P<a>x)(?P=a)\.gov", False),    # a named one
    (r"(?P<a>x)\g<a>\.gov", False),
    (r"(?P<a>x)\k<a>\.gov", False),
    (r"(x)?(?(1)y|z)\.gov", False),     # a conditional
    (r"(?|(a)|(b))\.gov", False),       # branch reset
    (r"(?i)old\.gov", False),           # flags for the whole pattern
    (r"(?x) old \. gov", False),
    (r"(?V1)[[a-z]--[q]]\.gov", False),
    (r"a(?R)?b", False),                # recursion
    (r"(a)(?1)", False),
    (r"\\1\.gov", False),               # a literal backslash and 1: refused too (safe side)
])
def test_joinable(pattern: str, expected: bool) -> None:
    assert joinable(pattern) is expected


def test_builtin_pack_is_all_joined() -> None:
    rule = builtin_rule()
    assert len(rule.sites) == 23
    assert rule._unjoined == []
    assert rule._prefilter is not None


# -- the prefilter and the memo against the plain loop ------------------------------

HOSTS = ["digitalgov.gov", "demo.digitalgov.gov", "www.howto.gov", "webcontent.gov",
         "go.usa.gov", "usability.gov", "www.usability.gov", "standards.usa.gov",
         "playbook.cio.gov", "pages.18f.gov", "methods.18f.gov", "accessibility.18f.gov",
         "federalist.18f.gov", "federalist-docs.18f.gov", "federalistapp.18f.gov",
         "www.direct.gov.uk", "businesslink.gov.uk", "govuk-elements.herokuapp.com",
         "alphagov.github.io", "x.cloudapps.digital", "nhsuk-prototype-kit.azurewebsites.net",
         "digital.gov", "www.gov.uk", "18f.gsa.gov", "example.com"]
TAILS = ["", "/", "/designstandards", "/designstandards/x", "/govuk_template", "/index.html",
         "?q=1", "#top", ":8080/", "/a/b", ".evil.com/", "-x.gov", "/%20x", "/\u00e9"]


def _case(text: str, flips: list[bool]) -> str:
    padded = flips + [False] * len(text)
    return "".join(c.upper() if f else c for c, f in zip(text, padded, strict=False))


url_parts = st.tuples(
    st.sampled_from(["", "www.", "a.", "x-y.", "WWW.", "\u212a."]),  # Kelvin sign: folds to k
    st.sampled_from(HOSTS),
    st.sampled_from(TAILS),
    st.lists(st.booleans(), max_size=40),
    st.text(max_size=6),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(url_parts)
def test_builtin_prefilter_never_skips_a_match(parts: tuple[str, str, str, list[bool], str]
                                               ) -> None:
    prefix, host, tail, flips, noise = parts
    rest = _case(prefix + host, flips) + tail + noise
    rule = builtin_rule()
    expected = plain(rule, rest)
    assert fast(rule, rest) == expected
    assert fast(rule, rest) == expected  # remembered: the same answer


# Patterns a user pack might hold: joinable and not, in an order where the
# unjoinable come first, last and between.
USER_PATTERNS = [r"(a+)\1\.gov", r"old\.example\.gov/", r"(?:[\w-]+\.)*moved\.gov(?![\w.-])",
                 r"(?i)CASE\.gov", r"b\.gov(/.*)?$", r"(x)?(?(1)y|z)\.gov", r"z\.gov"]


@settings(max_examples=300, deadline=None)
@given(st.permutations(USER_PATTERNS),
       st.text(alphabet="abxyzAZ.-/oldexampmvgcsCASE", max_size=24))
def test_mixed_pack_prefilter_keeps_pack_order(patterns: list[str], rest: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        rule = rule_of(pack_file(Path(d), patterns))
    assert [s.joinable for s in rule.sites] == [joinable(p) for p in patterns]
    assert fast(rule, rest) == plain(rule, rest)


def test_mixed_pack_findings_exact(tmp_path: Path) -> None:
    path = pack_file(tmp_path, [r"(a+)\1\.gov", r"b\.gov(/.*)?$", r"(?i)aa\.gov/x"])
    text = ("[one](https://aa.gov/x) and [two](https://B.gov/p)\n"
            "[again](https://aa.gov/x) and [none](https://c.gov/) [two](https://B.gov/p)\n")
    found = check(OutdatedLink, text, packs=[path])
    assert [(f.line, f.column, f.message) for f in found] == [
        (1, 7, "outdated site: retired 0"),
        (1, 35, "outdated site: retired 1"),
        (2, 9, "outdated site: retired 0"),
        (2, 60, "outdated site: retired 1"),
    ]


# -- the time limit is kept -----------------------------------------------------------

def test_timeout_names_the_entry_and_fails_later_calls_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("playbook_lint.packregex.TIMEOUT_S", 0.2)
    rule = rule_of(pack_file(tmp_path, [r"old\.example\.gov/", EVIL, r"b\.gov"]))
    assert rule._prefilter is not None  # the evil pattern is joinable: it is in it
    assert fast(rule, "b.gov/") == (2, "b.gov", ())  # remembered
    assert fast(rule, "old.example.gov/x") == (0, "old.example.gov/", ())
    with pytest.raises(RegexTimeout) as err:
        rule._site_match("a" * 40 + "!.gov/")
    assert str(err.value) == (f"{tmp_path / 'moved.yml'}: entries[1].pattern: regular "
                              "expression '(a|aa)+$' took longer than 0.2 s (catastrophic "
                              "backtracking?); rewrite it")
    # As the plain loop: a URL that reaches the failed pattern fails at once,
    # even one answered before; one matched by an earlier entry does not.
    with pytest.raises(RegexTimeout):
        rule._site_match("b.gov/")
    assert fast(rule, "old.example.gov/x") == (0, "old.example.gov/", ())
    assert rule._memo is None and rule._prefilter is None


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("playbook_lint.checks.outdated.MEMO_SIZE", 3)
    rule = builtin_rule()
    for rest in ("a.gov", "digitalgov.gov", "c.gov"):
        rule._site_match(rest)
    assert rule._memo is not None and list(rule._memo) == ["a.gov", "digitalgov.gov", "c.gov"]
    assert fast(rule, "d.gov") is None
    assert list(rule._memo) == ["d.gov"]
    assert fast(rule, "digitalgov.gov") == (0, "digitalgov.gov", (None,))


def test_a_used_rule_still_pickles_and_copies() -> None:
    import copy
    import pickle

    rule = builtin_rule()
    assert fast(rule, "digitalgov.gov/x") == (0, "digitalgov.gov/x", ("/x",))
    for other in (pickle.loads(pickle.dumps(rule)), copy.deepcopy(rule)):
        assert other._memo == {}
        assert fast(other, "digitalgov.gov/x") == (0, "digitalgov.gov/x", ("/x",))
    assert rule._memo is not None and list(rule._memo) == ["digitalgov.gov/x"]


# -- IP literals -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("10.0.0.1", "10.0.0.1"), ("::1", "::1"), ("fe80::1%eth0", "fe80::1%eth0"),
    ("127.1", None), ("1.2.3.4.", None), ("gov.uk", None), ("", None),
    ("\u0661.2.3.4", None), ("2001:db8::", "2001:db8::"), ("01.2.3.4", None),
])
def test_ip_literal(text: str, expected: str | None) -> None:
    got = ip_literal(text)
    assert (str(got) if got is not None else None) == expected


def _ip(text: str) -> Any:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789.:abcdefABCDEF%x ", max_size=45),
                 st.text(max_size=12),
                 st.ip_addresses().map(str)))
def test_ip_literal_is_ip_address(text: str) -> None:
    assert ip_literal(text) == _ip(text)


# -- front matter links, once per document ----------------------------------------------

def test_front_matter_links_remembered_per_document() -> None:
    text = "---\ntitle: T\nparent: /apps/\nimage: https://x.gov/a.png\n---\nBody.\n"
    doc = Document(Path("/w/page.md"), text)
    first = front_matter_links(doc)
    assert [(fl.url, fl.start, fl.end, fl.key) for fl in first] == [
        ("/apps/", 21, 27, "parent"), ("https://x.gov/a.png", 35, 54, "image")]
    first.clear()  # each call has its own list
    again = front_matter_links(doc)
    assert [fl.url for fl in again] == ["/apps/", "https://x.gov/a.png"]
    other = Document(Path("/w/other.md"), "---\nparent: /b/\n---\n")
    assert [fl.url for fl in front_matter_links(other)] == ["/b/"]
