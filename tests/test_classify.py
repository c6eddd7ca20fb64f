"""classify(): the pure judgement of one check's outcome (no I/O, no clock)."""

from __future__ import annotations

from playbook_lint.links.classify import Attempt, Outcome, classify

URL = "http://a.example/page"


def judge(outcome: Outcome, tls_note: str = "") -> tuple[str, str]:
    result = classify(URL, outcome, tls_note, accepts=lambda code: 200 <= code <= 299,
                      timeout=20.0, checked_at=123.0)
    assert result.checked_at == 123.0
    return result.status, result.reason


def test_refused_hop_is_skipped_and_a_bad_redirect_is_broken() -> None:
    refused = Outcome(Attempt(), URL, [], "not checked: 10.0.0.5 is a private address",
                      0, refused=True)
    assert judge(refused) == ("skipped", "not checked: 10.0.0.5 is a private address")
    loop = Outcome(Attempt(status=301), URL, [(301, URL)], "redirect loop: a → b", 0)
    assert judge(loop) == ("broken", "redirect loop: a → b")


def test_status_codes_and_errors() -> None:
    assert judge(Outcome(Attempt(status=200), URL, [], None, 0)) == ("ok", "HTTP 200 OK")
    assert judge(Outcome(Attempt(status=404), URL, [], None, 0)) == (
        "broken", "HTTP 404 Not Found")
    assert judge(Outcome(Attempt(status=429), URL, [], None, 3)) == (
        "unverified", "HTTP 429 Too Many Requests (still rate limited after 3 retries)")
    assert judge(Outcome(Attempt(error="timeout", error_text="timed out"), URL, [], None,
                         1)) == ("unverified", "timed out after 20 s (after 1 retry)")
    assert judge(Outcome(Attempt(error="dns_notfound", error_text="DNS name not found"),
                         URL, [], None, 0)) == ("broken", "DNS name not found")


def test_permanent_https_upgrade_is_recorded() -> None:
    target = "https://a.example/page"
    result = classify(URL, Outcome(Attempt(status=200), target, [(301, target)], None, 0),
                      "", accepts=lambda code: code == 200, timeout=20.0, checked_at=0.0)
    assert (result.status, result.final_url, result.redirects) == ("ok", target,
                                                                    ((301, target),))
    assert result.permanent_redirect and result.https_upgrade


def test_404_without_certificate_verification_stays_broken() -> None:
    note = "TLS certificate verification failed (self-signed)"
    assert judge(Outcome(Attempt(status=404), URL, [], None, 0), note) == (
        "broken", f"HTTP 404 Not Found (answered without certificate verification; {note})")
    assert judge(Outcome(Attempt(status=200), URL, [], None, 0), note) == (
        "unverified", f"{note}; without verification the server answered HTTP 200 OK")
