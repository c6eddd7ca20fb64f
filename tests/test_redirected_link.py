"""redirected-link: permanent redirects reported from link-engine results."""

from __future__ import annotations

from playbook_lint.checks.redirects import RedirectedLink
from playbook_lint.links.result import LinkResult
from playbook_lint.testing import check


def result(url: str, final: str, chain, *, permanent=True, upgrade=False, status="ok"):
    return LinkResult(url=url, status=status, http_status=200, reason="HTTP 200 OK",
                      final_url=final, redirects=tuple(chain), permanent_redirect=permanent,
                      https_upgrade=upgrade)


def test_permanent_redirect_reported_with_fix_keeping_fragment():
    text = "Read the [guide](https://old.example.gov/guide#step-2) now.\n"
    results = {"https://old.example.gov/guide": result(
        "https://old.example.gov/guide", "https://new.example.gov/guide/",
        [(301, "https://new.example.gov/guide/")])}
    (f,) = check(RedirectedLink, text, link_results=results)
    assert (f.rule, f.line, f.column, f.end_column) == ("redirected-link", 1, 18, 54)
    assert f.message == (
        'permanent redirect (301) to "https://new.example.gov/guide/#step-2": link to it directly'
    )
    assert f.suggestion == "https://new.example.gov/guide/#step-2"
    assert f.fix is not None and f.fix.safe
    (edit,) = f.fix.edits
    assert text[edit.start:edit.end] == "https://old.example.gov/guide#step-2"
    assert f.data["classification"] == "ok"


def test_http_to_https_upgrade_is_named():
    text = "<http://example.gov/a>\n"
    results = {"http://example.gov/a": result(
        "http://example.gov/a", "https://example.gov/a", [(301, "https://example.gov/a")],
        upgrade=True)}
    (f,) = check(RedirectedLink, text, link_results=results)
    assert f.message == '"http://example.gov/a" redirects to https: use "https://example.gov/a"'
    assert (f.line, f.column) == (1, 2)


def test_chain_of_two_hops_counts_them():
    text = "[a](https://a.example.gov/x)\n"
    results = {"https://a.example.gov/x": result(
        "https://a.example.gov/x", "https://c.example.gov/x",
        [(308, "https://b.example.gov/x"), (301, "https://c.example.gov/x")])}
    (f,) = check(RedirectedLink, text, link_results=results)
    assert f.message == (
        'permanent redirect (308) to "https://c.example.gov/x" (2 redirects): link to it directly'
    )


def test_temporary_redirect_broken_target_and_offline_are_quiet():
    text = "[a](https://a.example.gov/x) [b](https://b.example.gov/y)\n"
    results = {
        "https://a.example.gov/x": result("https://a.example.gov/x", "https://a.example.gov/z",
                                          [(302, "/z")], permanent=False),
        "https://b.example.gov/y": result("https://b.example.gov/y", "https://b.example.gov/q",
                                          [(301, "/q")], status="broken"),
    }
    assert check(RedirectedLink, text, link_results=results) == []
    assert check(RedirectedLink, text) == []
