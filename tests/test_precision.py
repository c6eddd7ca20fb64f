"""The labelled precision set (issue 9): judged corpus findings as regression oracles.

Each ``tests/precision/<repo>.yml`` holds a seeded sample of playbook-lint's findings on
one corpus repository, each judged true or false by reading the source (see
``tests/precision/README.md``). This test runs the tool on every labelled repository
(once per session) and fails when a finding labelled false comes back or a finding
labelled true disappears or drops below its labelled severity.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from precision_set import (
    CORPUS,
    LABELS,
    Found,
    draw,
    finding_key,
    known_regressions,
    load_labels,
    match,
    problems,
    reduce,
    run_tool,
)

REPOS = sorted(p.stem for p in LABELS.glob("*__*.yml"))  # owner__repo; other files are not ours


@pytest.fixture(scope="module")
def corpus_findings() -> Callable[[str], list[Found]]:
    """Findings of one repository; each repository is linted at most once per session."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (run beside the shared folder to test on it)")
    cache: dict[str, list[Found]] = {}

    def get(repo: str) -> list[Found]:
        if repo not in cache:
            cache[repo] = reduce(repo, run_tool(repo))
        return cache[repo]

    return get


@pytest.mark.parametrize("repo", REPOS)
def test_labelled_findings_hold(repo: str,
                                corpus_findings: Callable[[str], list[Found]]) -> None:
    if not (CORPUS / repo).is_dir():
        pytest.skip(f"../shared/corpus/{repo} is absent")
    found = corpus_findings(repo)
    for line in known_regressions(load_labels(repo), found):
        warnings.warn(f"{repo}: known regression: {line}", stacklevel=1)
    bad = problems(load_labels(repo), found)
    assert not bad, f"{repo}: {len(bad)} labelled finding(s) contradicted:\n" + "\n".join(bad)


@pytest.mark.parametrize("repo", REPOS)
def test_label_file_is_well_formed(repo: str) -> None:
    labels = load_labels(repo)  # may be empty: a repository with no finding to judge
    for lab in labels:
        where = f"{repo}.yml {lab.get('path')}:{lab.get('line')}"
        assert set(lab) >= {"path", "line", "column", "rule", "severity", "key", "verdict",
                            "reason", "reported"}, where
        assert lab["verdict"] in (True, False), f"{where}: not judged yet"
        assert lab["reason"].strip(), f"{where}: verdict without a reason"
        assert lab["severity"] in ("error", "warning"), where
        assert not lab["path"].startswith("/"), f"{where}: path must be relative to the repo"
        if "min_severity" in lab:
            assert lab["verdict"] is True, f"{where}: only a true finding has a floor"
            assert lab["min_severity"] in ("none", "info", "warning"), where
            assert lab.get("min_severity_reason", "").strip(), f"{where}: floor without reason"


def finding(**kw: Any) -> dict[str, Any]:
    base = {"path": "a.md", "line": 3, "column": 5, "rule": "broken-link",
            "severity": "error", "message": 'link target "/x/" does not exist', "url": "/x/"}
    return base | kw


def found(**kw: Any) -> Found:
    f = finding(**kw)
    return Found(f["path"], f["line"], f["column"], f["rule"], f["severity"], f["url"],
                 f["message"])


def label(**kw: Any) -> dict[str, Any]:
    base = {"path": "a.md", "line": 3, "column": 5, "rule": "broken-link", "severity": "error",
            "key": "/x/", "verdict": False, "reason": "r", "reported": False}
    return base | kw


def test_key_prefers_url_then_first_quoted_term(tmp_path: Any) -> None:
    assert finding_key(tmp_path, finding()) == "/x/"
    jargon = {"path": "a.md", "line": 1, "column": 1, "rule": "jargon",
              "message": '"utilize" is jargon (18F): use "use"'}
    assert finding_key(tmp_path, jargon) == "utilize"


def test_key_of_outdated_link_and_alt_text_is_read_from_the_span(tmp_path: Any) -> None:
    (tmp_path / "a.md").write_text("See [x](http://e.gov/p) and ![](img/a.png).\n", "utf-8")
    outdated = {"path": "a.md", "line": 1, "column": 9, "end_line": 1, "end_column": 23,
                "rule": "outdated-link", "message": "link uses insecure http://"}
    alt = {"path": "a.md", "line": 1, "column": 29, "end_line": 1, "end_column": 43,
           "rule": "missing-alt-text", "message": "image has no alt text"}
    assert finding_key(tmp_path, outdated) == "http://e.gov/p"
    assert finding_key(tmp_path, alt) == "img/a.png"


def test_match_survives_new_wording_and_a_moved_column() -> None:
    reworded = found(message="not checked: the Eleventy url filter", column=9)
    assert match(label(), [reworded]) == reworded
    other_line = found(line=4)
    assert match(label(), [other_line]) is None


def test_false_finding_that_comes_back_fails_with_its_reason() -> None:
    back = found(message='link target "/x/" does not exist')
    assert problems([label(reason="page exists")], [back]) == [
        "false finding came back as error: a.md:3:5 broken-link '/x/' (page exists) "
        '-> link target "/x/" does not exist']
    # still reported when labelled (a known false positive): not a regression
    assert problems([label(reported=True)], [back]) == []
    # downgraded to info: no longer a problem a user is told about
    assert problems([label()], [found(severity="info")]) == []


def test_true_finding_that_disappears_or_drops_to_info_fails() -> None:
    true = label(verdict=True, reason="really broken")
    assert problems([true], [found()]) == []
    assert problems([true], []) == [
        "true error lost, no longer reported: a.md:3:5 broken-link '/x/' (really broken)"]
    assert problems([true], [found(severity="info", message="m")]) == [
        "true error lost, now info: m: a.md:3:5 broken-link '/x/' (really broken)"]


def test_true_finding_may_drop_to_an_accepted_floor_only() -> None:
    accepted = label(verdict=True, reason="really broken", min_severity="info",
                     min_severity_reason="tree holds only Markdown: not certain")
    assert problems([accepted], [found(severity="info")]) == []
    assert problems([accepted], []) == [
        "true error lost, no longer reported: a.md:3:5 broken-link '/x/' (really broken)"]


def test_dropped_true_finding_is_accepted_and_a_regression_is_listed() -> None:
    dropped = label(verdict=True, reason="verb", min_severity="none",
                    min_severity_reason="REGRESSION (prose): verb before a link")
    assert problems([dropped], []) == []
    assert known_regressions([dropped], []) == [
        "a.md:3:5 broken-link '/x/': REGRESSION (prose): verb before a link"]
    assert known_regressions([dropped], [found()]) == []


def test_span_lines_end_only_at_cr_and_lf(tmp_path: Any) -> None:
    # U+2028 is not a line break for the tool, so it must not be one for the key either
    (tmp_path / "a.md").write_text("x\u2028 y\r\nsee http://e.gov/ ok\n", "utf-8")
    outdated = {"path": "a.md", "line": 2, "column": 5, "end_line": 2, "end_column": 19,
                "rule": "outdated-link", "message": "link uses insecure http://"}
    assert finding_key(tmp_path, outdated) == "http://e.gov/"


def test_sample_is_bottom_k_by_rank_so_it_survives_other_findings_changing() -> None:
    many = [found(line=n) for n in range(1, 80)]
    first = draw("repo", many)
    assert len(first) == 30
    # drop findings outside the sample: the sample is unchanged
    assert draw("repo", [f for f in many if f in first]) == first
    # drop one sampled finding: the other 29 stay in the sample
    assert set(first[1:]) <= set(draw("repo", [f for f in many if f != first[0]]))


def test_label_files_parse_as_plain_yaml() -> None:
    for path in LABELS.glob("*__*.yml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        assert data["repo"] == path.stem
