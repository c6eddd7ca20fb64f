"""LinkResult.rules_digest and resultcache.link_digest: the digest the result cache
keeps per page and link, computed once per result, bytes unchanged."""

from __future__ import annotations

import dataclasses
import pickle
from types import SimpleNamespace

from playbook_lint.links.result import LinkResult, rules_digest_of
from playbook_lint.resultcache import link_digest

GONE = LinkResult("https://example.com/a", "broken", 404, "HTTP 404 Not Found",
                  "https://example.com/a", checked_at=5.0)
MOVED = LinkResult("https://example.com/b", "ok", 200, "HTTP 200 OK", "https://example.com/c",
                   redirects=((301, "https://example.com/c"),), permanent_redirect=True,
                   fragments=frozenset({"z", "a"}))


def test_the_digest_bytes_are_those_of_before() -> None:
    # the values the result cache stored before the digest moved here (CACHE_VERSION 3)
    assert link_digest(GONE) == GONE.rules_digest == rules_digest_of(GONE) == "12696d3af3546093"
    assert link_digest(MOVED) == MOVED.rules_digest == "f52e6f00b4a32391"
    assert link_digest(SimpleNamespace(status="ok")) == "80f63b052be805c7"


def test_the_digest_is_computed_once_and_kept_out_of_the_fields() -> None:
    result = dataclasses.replace(GONE)
    assert "rules_digest" not in vars(result)
    first = link_digest(result)
    assert vars(result)["rules_digest"] == first == "12696d3af3546093"
    vars(result)["rules_digest"] = "kept"  # a second ask reads what the first kept
    assert link_digest(result) == "kept"
    assert result == GONE and repr(result) == repr(GONE) and hash(result) == hash(GONE)
    assert "rules_digest" not in vars(dataclasses.replace(result, reason="other"))
    assert [f.name for f in dataclasses.fields(LinkResult)][-1] == "from_cache"


def test_a_pickled_result_carries_its_digest() -> None:
    result = dataclasses.replace(MOVED)
    result.rules_digest  # noqa: B018 - computed
    back = pickle.loads(pickle.dumps(result))
    assert vars(back)["rules_digest"] == "f52e6f00b4a32391" and back == MOVED
    plain = pickle.loads(pickle.dumps(dataclasses.replace(MOVED)))
    assert "rules_digest" not in vars(plain)
