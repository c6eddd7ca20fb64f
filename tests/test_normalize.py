"""normalize_url and friends: one key per resource, nothing else changed."""

from __future__ import annotations

import pytest

from playbook_lint.links.normalize import host_of, is_http_url, normalize_url, split_fragment


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("HTTPS://Service.Example.GOV/Apply", "https://service.example.gov/Apply"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org:443/a", "http://example.org:443/a"),
        ("https://example.org:8443", "https://example.org:8443/"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org?page=2", "https://example.org/?page=2"),
        ("https://example.org/guide#step-3", "https://example.org/guide"),
        ("https://example.org/a%2Fb/?b=2&a=1", "https://example.org/a%2Fb/?b=2&a=1"),
        ("https://User:Secret@Example.org/x", "https://User:Secret@example.org/x"),
        ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
        ("  https://example.org/trim  ", "https://example.org/trim"),
        ("mailto:Team@Example.org", "mailto:Team@Example.org"),
        ("http://[::1", "http://[::1"),
        ("no-scheme/page#x", "no-scheme/page"),
    ],
)
def test_normalize_url(written: str, expected: str) -> None:
    assert normalize_url(written) == expected


def test_normalize_is_idempotent() -> None:
    once = normalize_url("HTTP://Example.org:80#top")
    assert once == "http://example.org/"
    assert normalize_url(once) == once


def test_split_fragment() -> None:
    assert split_fragment("https://a.example/x#top") == ("https://a.example/x", "top")
    assert split_fragment("https://a.example/x#") == ("https://a.example/x", "")
    assert split_fragment("https://a.example/x") == ("https://a.example/x", None)


def test_is_http_url_and_host_of() -> None:
    assert is_http_url("HTTPS://a.example/") is True
    assert is_http_url("ftp://a.example/") is False
    assert is_http_url("https:///nohost") is False
    assert is_http_url("http://[::1") is False
    assert host_of("https://Docs.Example.org:8443/x") == "docs.example.org"
    assert host_of("http://[::1]:8080/") == "::1"
    assert host_of("http://[::1") == ""
