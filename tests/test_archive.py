"""Archived copies for dead links (--suggest-archive), against a fake availability API
on 127.0.0.1 (tests/http_server.py). Nothing here leaves the loopback interface."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from http_server import LoopbackServer, respond

from playbook_lint.api import RunOptions, run
from playbook_lint.links.archive import ArchiveLookup, Snapshot, parse_answer


def fake_api(asked: list[dict[str, list[str]]]):
    def route(h) -> None:
        query = parse_qs(urlparse(h.path).query)
        asked.append(query)
        url = query["url"][0]
        if url.endswith("/gone"):
            stamp = query.get("timestamp", ["20260101"])[0] + "120000"
            body = {"archived_snapshots": {"closest": {
                "available": True, "status": "200", "timestamp": stamp,
                "url": f"http://web.archive.org/web/{stamp}/{url}"}}}
        else:
            body = {"archived_snapshots": {}}
        respond(h, 200, {"Content-Type": "application/json"}, json.dumps(body).encode())
    return route


def test_parse_answer_takes_only_available_200_snapshots() -> None:
    ok = {"archived_snapshots": {"closest": {"available": True, "status": "200",
          "url": "http://web.archive.org/web/2015/x", "timestamp": "20150101000000"}}}
    assert parse_answer(ok) == Snapshot("https://web.archive.org/web/2015/x", "20150101000000")
    ok["archived_snapshots"]["closest"]["status"] = "404"
    assert parse_answer(ok) is None
    assert parse_answer({"archived_snapshots": {}}) is None
    assert parse_answer(["junk"]) is None


def test_lookups_are_cached(tmp_path: Path) -> None:
    asked: list[dict[str, list[str]]] = []
    with LoopbackServer({"/wayback/available": fake_api(asked)}) as server:
        api = server.url("/wayback/available")
        q = [("https://x.example.gov/gone", date(2015, 3, 1)), ("https://x.example.gov/a", None)]
        first = ArchiveLookup(tmp_path / "archive.json", api=api).lookup(q)
        assert first[q[0]] == Snapshot(
            "https://web.archive.org/web/20150301120000/https://x.example.gov/gone",
            "20150301120000")
        assert first[q[1]] is None
        again = ArchiveLookup(tmp_path / "archive.json", api=api)
        assert again.lookup(q) == first and again.requests == 0
    assert [a.get("timestamp") for a in asked] == [["20150301"], None]


def test_a_dead_link_gets_the_snapshot_nearest_the_page_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, list[str]]] = []
    with LoopbackServer({"/wayback/available": fake_api(asked)}) as server:
        gone, none = server.url("/gone"), server.url("/none")
        (tmp_path / "post.md").write_text(
            f"---\ntitle: P\ndate: 2015-03-01\n---\n# P\n\nSee [old]({gone}) and "
            f"[other]({none}).\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        opts = RunOptions(allow_private=True, no_cache=True, suggest_archive=True,
                          archive_api=server.url("/wayback/available"),
                          select=["broken-link"], today=date(2026, 12, 1))
        result = run([Path("post.md")], opts)
        snap = f"https://web.archive.org/web/20150301120000/{gone}"
        assert [(f.line, f.column, f.message, f.suggestion) for f in result.findings] == [
            (7, 11, "link is broken: HTTP 404 Not Found; an archived copy from 2015-03-01 "
             "exists", snap),
            (7, 11 + len(gone) + 14, "link is broken: HTTP 404 Not Found", None),
        ]
        fix = result.findings[0].fix
        assert fix is not None and fix.safe is False
        assert fix.title == "Link to the archived copy from 2015-03-01"
        assert "archive: 1 of 2 broken links have an archived copy (2 lookups)" in result.log
        # --fix --unsafe-fixes swaps the link
        run([Path("post.md")], RunOptions(**{**opts.__dict__, "fix": True,
                                             "unsafe_fixes": True}))
        assert f"[old]({snap})" in (tmp_path / "post.md").read_text(encoding="utf-8")
    assert asked[0]["timestamp"] == ["20150301"]
