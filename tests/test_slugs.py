"""GitHub-style heading slugs and #fragment comparison."""

from __future__ import annotations

import pytest

from playbook_lint.links.slugs import (
    Slugger,
    closest_anchor,
    fragment_matches,
    normalize_fragment,
    slugify,
)


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Getting started", "getting-started"),
        ("What's new?", "whats-new"),
        ("  Padded  ", "padded"),
        ("Step 1: apply (online)", "step-1-apply-online"),
        ("a  b", "a--b"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("Café für Ärzte", "café-für-ärzte"),
        ("Ελληνικά κείμενα", "ελληνικά-κείμενα"),
        ("!!!", ""),
        ("C++ & C#", "c--c"),
        ("100% done", "100-done"),
    ],
)
def test_slugify(heading: str, slug: str) -> None:
    assert slugify(heading) == slug


def test_duplicates_get_numbered_suffixes() -> None:
    s = Slugger()
    assert [s.slug(t) for t in ["Intro", "Intro", "Intro-1", "Intro"]] == [
        "intro", "intro-1", "intro-1-1", "intro-2",
    ]


def test_reserved_ids_push_slugs_on() -> None:
    s = Slugger()
    s.reserve("usage")
    assert s.slug("Usage") == "usage-1"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [("#caf%C3%A9", "café"), ("café", "café"), ("#a%20b", "a b"), ("#bad%ZZ", "bad%ZZ"),
     ("#%FF", "%FF"), ("", "")],
)
def test_normalize_fragment(fragment: str, expected: str) -> None:
    assert normalize_fragment(fragment) == expected


def test_fragment_matches_raw_and_percent_encoded_forms() -> None:
    ids = frozenset({"café", "plain"})
    assert fragment_matches("#caf%C3%A9", ids)
    assert fragment_matches("#café", ids)
    assert fragment_matches("plain", ids)
    assert fragment_matches("#caf%c3%a9", ids)
    assert not fragment_matches("#Plain", ids)
    assert not fragment_matches("#cafe", ids)
    assert fragment_matches("#top", ids)
    assert fragment_matches("#", ids)
    assert fragment_matches("#caf%C3%A9", ["caf%C3%A9"])


def test_closest_anchor() -> None:
    ids = ["install", "introduction", "usage"]
    assert closest_anchor("#instal", ids) == "install"
    assert closest_anchor("Usage", ids) == "usage"
    assert closest_anchor("#zzz", ids) is None
    assert closest_anchor("#x", []) is None


def test_loose_key_ignores_case_and_punctuation() -> None:
    from playbook_lint.links.slugs import loose_key

    assert loose_key("#gov-uk-teams") == loose_key("govuk-teams") == "govukteams"
    assert loose_key("#-dockerignore") == "dockerignore"
    assert loose_key("#caf%C3%A9_1") == "café1"
