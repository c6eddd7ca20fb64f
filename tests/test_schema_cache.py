"""The inferred front matter schema kept between runs (issue 10, target 4): a one-file
run reuses the schema of the last run while every page's front matter, the site
options and the generator config are unchanged, and infers it again when any of them
changes. Each case compares a run with the kept state against ``--no-cache``."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from cli_runner import run

from playbook_lint import fmsite
from playbook_lint.site import forget_sites

TODAY = "2026-12-01"


@pytest.fixture()
def inferred(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the schema was inferred (not taken from the kept state), with
    the kept state on for sites of any size."""
    calls: list[int] = []
    real = fmsite.infer_schema

    def spy(root: Path, pages):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(root, pages)

    monkeypatch.setattr(fmsite, "infer_schema", spy)
    monkeypatch.setattr(fmsite, "CACHE_FROM", 1)
    return calls


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _guide(root: Path, i: int, owner: bool = True, extra: str = "") -> Path:
    own = f"owner: team-{i}\n" if owner else ""
    return _write(root, f"guides/g{i}.md",
                  f"---\ntitle: Guide {i}\n{own}updated: 2024-01-{i + 1:02d}\n{extra}---\n\n"
                  f"Some text {i}.\n")


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Jekyll site: 10 guides laid out ``guide`` by ``_config.yml`` defaults, 9 of
    them with an ``owner`` (g9 has none)."""
    root = tmp_path / "site"
    _write(root, "_config.yml", "title: T\ndefaults:\n  - scope:\n      path: guides\n"
           "    values:\n      layout: guide\n")
    for i in range(10):
        _guide(root, i, owner=i < 9)
    monkeypatch.chdir(root)
    return root


def _one_file(capsys: pytest.CaptureFixture[str], *options: str) -> list[tuple]:
    """Findings of a one-file run on ``guides/g9.md``, as a new process sees it."""
    forget_sites()
    fmsite.clear_cache()
    code, out, _err = run(["--offline", "-q", "--format", "json", "--today", TODAY,
                           "--select", "front-matter-missing,front-matter-invalid",
                           *options, "guides/g9.md"], capsys)
    assert code in (0, 1)
    return [(f["path"], f["line"], f["column"], f["rule"], f["message"])
            for f in json.loads(out)["findings"]]


def _compare(capsys: pytest.CaptureFixture[str]) -> list[tuple]:
    """The run with the kept state (result cache emptied: pre-commit lints a changed
    page), checked equal to the ``--no-cache`` run; returns its findings."""
    shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint" / "results",
                  ignore_errors=True)
    kept = _one_file(capsys)
    assert kept == _one_file(capsys, "--no-cache")
    return kept


OWNER = ("guides/g9.md", 1, 1, "front-matter-missing",
         'front matter key "owner" is missing: it is set on 9 of 10 pages with layout "guide"')


def test_an_unchanged_site_reuses_the_schema(site: Path, capsys, inferred: list[int]) -> None:
    assert _compare(capsys) == [OWNER]
    assert len(inferred) == 2  # the first run and --no-cache
    inferred.clear()
    assert _compare(capsys) == [OWNER]
    assert len(inferred) == 1  # --no-cache only: the kept schema answered
    files = [f for f in (Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint").glob(
        "front-matter-*.json") if not f.name.endswith(".data.json")]
    assert len(files) == 1
    assert json.loads(files[0].read_text("utf-8"))["schema"]["groups"][0][:3] == \
        ["layout", "guide", 10]


def test_an_edited_body_keeps_the_schema(site: Path, capsys, inferred: list[int]) -> None:
    _compare(capsys)
    inferred.clear()
    page = site / "guides/g9.md"
    page.write_text(page.read_text("utf-8") + "\nMore text.\n", encoding="utf-8")
    os.utime(page, ns=(5, 5))
    assert _compare(capsys) == [OWNER]
    assert len(inferred) == 1  # the front matter values are unchanged


def test_another_pages_front_matter_changes_the_schema(site: Path, capsys,
                                                       inferred: list[int]) -> None:
    _compare(capsys)
    page = _guide(site, 0, owner=False)  # owner on 8 of 10: no longer expected
    os.utime(page, ns=(7, 7))
    assert _compare(capsys) == []
    _guide(site, 0, owner=True, extra="status: live\n")
    assert _compare(capsys) == [OWNER]


def test_a_deleted_and_a_new_page_change_the_schema(site: Path, capsys,
                                                    inferred: list[int]) -> None:
    _compare(capsys)
    (site / "guides/g0.md").unlink()  # owner on 8 of 9 pages: not expected
    assert _compare(capsys) == []
    _guide(site, 0)
    assert _compare(capsys) == [OWNER]
    _guide(site, 10)
    assert _compare(capsys) == [
        OWNER[:4] + ('front matter key "owner" is missing: it is set on 10 of 11 pages '
                     'with layout "guide"',)]


def test_a_generator_config_change_changes_the_schema(site: Path, capsys,
                                                      inferred: list[int]) -> None:
    _compare(capsys)
    _write(site, "_config.yml", "title: T\ndefaults:\n  - scope:\n      path: guides\n"
           "    values:\n      layout: handbook\n")
    assert _compare(capsys) == [
        OWNER[:4] + ('front matter key "owner" is missing: it is set on 9 of 10 pages '
                     'with layout "handbook"',)]


def test_a_site_option_change_changes_the_schema(site: Path, capsys,
                                                 inferred: list[int]) -> None:
    _compare(capsys)
    _write(site, ".playbook-lint.toml", '[site]\nexclude = ["guides/g0.md"]\n')
    assert _compare(capsys) == []  # owner on 8 of the 9 pages left


def test_a_schema_that_does_not_survive_json_is_not_kept(site: Path, capsys,
                                                         inferred: list[int]) -> None:
    # a mapping that reads back as a date: the kept front matter is not the page's
    _guide(site, 3, extra='when: {"$date": "2024-01-01"}\n')
    _compare(capsys)
    inferred.clear()
    _compare(capsys)
    assert len(inferred) == 2  # nothing kept: inferred again


def _data_file() -> Path:
    (found,) = (Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint").glob(
        "front-matter-*.data.json")
    return found


def test_the_front_matter_texts_are_written_only_when_front_matter_changes(
        site: Path, capsys, inferred: list[int]) -> None:
    _compare(capsys)
    data = _data_file()
    os.utime(data, ns=(3, 3))
    page = site / "guides/g9.md"
    page.write_text(page.read_text("utf-8") + "\nMore text.\n", encoding="utf-8")
    os.utime(page, ns=(5, 5))
    assert _compare(capsys) == [OWNER]
    assert data.stat().st_mtime_ns == 3  # a body edit: only the index is written
    _guide(site, 0, owner=False)
    assert _compare(capsys) == []
    assert data.stat().st_mtime_ns != 3
    assert '"owner' not in json.loads(data.read_text("utf-8"))["texts"]["guides/g0.md"]


def test_lost_front_matter_texts_are_read_from_the_pages(site: Path, capsys,
                                                         inferred: list[int]) -> None:
    _compare(capsys)
    _data_file().write_text("{not json", encoding="utf-8")
    assert _compare(capsys) == [OWNER]  # the kept schema, the page read afresh
    _guide(site, 1, owner=False)  # inferred again: every text read from its page
    assert _compare(capsys) == []


@pytest.fixture()
def walked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One item per run that read every page file's entry ("all") to key the schema;
    a run that took the kept schema from the walk's listing and the stamps alone adds
    none."""
    calls: list[str] = []
    real = fmsite._own_pages

    def spy(site, cache, files):  # type: ignore[no-untyped-def]
        calls.append("all" if cache is not None else "no cache")
        return real(site, cache, files)

    monkeypatch.setattr(fmsite, "_own_pages", spy)
    return calls


def test_a_kept_schema_is_taken_from_the_stamps_alone(site: Path, capsys, inferred: list[int],
                                                      walked: list[str]) -> None:
    assert _compare(capsys) == [OWNER]
    assert walked == ["all", "no cache"]
    walked.clear()
    assert _compare(capsys) == [OWNER]
    assert walked == ["no cache"]  # unchanged: listing and stamps as kept
    # another page's body edited: read again, its front matter is the same: still kept
    page = site / "guides/g3.md"
    page.write_text(page.read_text("utf-8") + "\nMore text.\n", encoding="utf-8")
    walked.clear()
    assert _compare(capsys) == [OWNER]
    assert walked == ["no cache"]
    walked.clear()
    assert _compare(capsys) == [OWNER]  # the new stamp was kept
    assert walked == ["no cache"]
    # its front matter edited: every entry read, the schema inferred again
    _guide(site, 3, extra="status: live\n")
    walked.clear()
    inferred.clear()
    assert _compare(capsys) == [OWNER]
    assert (walked, len(inferred)) == (["all", "no cache"], 2)
    # a file added (not a page, the listing changes): every entry read, schema kept
    _write(site, "guides/notes.txt", "notes\n")
    walked.clear()
    inferred.clear()
    assert _compare(capsys) == [OWNER]
    assert (walked, len(inferred)) == (["all", "no cache"], 1)


@pytest.mark.parametrize("damage", ["half", "fast-wrong-type", "entries-wrong-shape"])
def test_a_damaged_front_matter_cache_gives_the_same_findings(
        site: Path, capsys, inferred: list[int], walked: list[str], damage: str) -> None:
    assert _compare(capsys) == [OWNER]
    (index,) = [f for f in (Path(os.environ["XDG_CACHE_HOME"]) / "playbook-lint").glob(
        "front-matter-*.json") if not f.name.endswith(".data.json")]
    text = index.read_text("utf-8")
    data = json.loads(text)
    if damage == "half":
        index.write_text(text[:len(text) // 2], encoding="utf-8")
    elif damage == "fast-wrong-type":
        data["fast"]["data_files"] = "guides"
        index.write_text(json.dumps(data), encoding="utf-8")
    else:
        data["files"]["guides/g3.md"] = [1, 2]
        index.write_text(json.dumps(data), encoding="utf-8")
    walked.clear()
    assert _compare(capsys) == [OWNER]
    assert walked == ["all", "no cache"]  # not taken from the damaged state
    walked.clear()
    assert _compare(capsys) == [OWNER]
    assert walked == ["no cache"]  # written whole again
