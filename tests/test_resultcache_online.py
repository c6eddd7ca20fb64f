"""The result cache on an online run: an unchanged page's external URLs come from its
cache entry (no parse to learn them), the link cache answers them (no request), and
the report is the cold run's, byte for byte."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from http_server import LoopbackServer, status_route

import playbook_lint.document as document_module
from playbook_lint.api import RunOptions, render, run


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer({"/ok": status_route(200), "/gone": status_route(404)}) as srv:
        yield srv


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: LoopbackServer) -> Path:
    ok, gone = server.url("/ok"), server.url("/gone")
    pages = {
        "a.md": f"# A\n\nSee [ok]({ok}) and [gone]({gone}) and [b](b.md#usage).\n",
        "b.md": f"# B\n\n## Usage\n\nAgain [ok]({ok}).\n",
        "c.md": "# C\n\nNo external link here.\n",
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture()
def extracted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each page's links were extracted (the costly half of a parse)."""
    counts: Counter[str] = Counter()
    real = document_module.extract_links

    def spy(doc: Any) -> Any:
        counts[doc.path.name] += 1
        return real(doc)

    monkeypatch.setattr(document_module, "extract_links", spy)
    return counts


OPTS = RunOptions(today=date(2026, 12, 1), allow_private=True, jobs=1)


def _found(result: Any) -> list[tuple[str, int, int, str]]:
    return [(f.path, f.line, f.column, f.rule) for f in result.findings]


def test_a_warm_online_run_parses_nothing_and_requests_nothing(
        site: Path, server: LoopbackServer, extracted: Counter[str]) -> None:
    cold = run([Path(".")], OPTS)
    assert _found(cold) == [("a.md", 3, 10, "link-hygiene"), ("a.md", 3, 48, "broken-link"),
                            ("a.md", 3, 48, "link-hygiene"), ("b.md", 5, 12, "link-hygiene")]
    assert extracted == {"a.md": 1, "b.md": 1, "c.md": 1}
    before = server.count()
    extracted.clear()
    warm = run([Path(".")], OPTS)
    assert server.count() == before and extracted == {}
    assert [m for m in warm.log if m.startswith("links:")][0].startswith(
        "links: 3 (2 unique URLs): 1 ok, 1 broken, 0 unverified, 0 skipped; 2 from cache;")
    for fmt in ("json", "sarif"):
        assert render(warm, fmt) == render(cold, fmt)


def test_an_edited_page_alone_is_parsed_for_its_urls(
        site: Path, server: LoopbackServer, extracted: Counter[str]) -> None:
    run([Path(".")], OPTS)
    extracted.clear()
    (site / "b.md").write_text(f"# B\n\n## Use\n\nAgain [gone]({server.url('/gone')}).\n",
                               encoding="utf-8")
    again = run([Path(".")], OPTS)
    # b.md for its URLs (the link stage hands that parse to the lint stage), a.md
    # because it links to b.md's #usage, which is gone; c.md not at all
    assert extracted == {"a.md": 1, "b.md": 1}
    a_line = (site / "a.md").read_text(encoding="utf-8").splitlines()[2]
    assert [(path, line, col) for path, line, col, rule in _found(again)
            if rule == "broken-link"] == [("a.md", 3, a_line.index("/gone") - 21),
                                          ("a.md", 3, a_line.index("b.md#") + 1),
                                          ("b.md", 5, 14)]
    extracted.clear()
    assert _found(run([Path(".")], OPTS)) == _found(again) and extracted == {}


def test_no_cache_parses_every_page(site: Path, extracted: Counter[str]) -> None:
    run([Path(".")], OPTS)
    extracted.clear()
    run([Path(".")], RunOptions(today=date(2026, 12, 1), allow_private=True, jobs=1,
                                no_cache=True))
    assert extracted == {"a.md": 1, "b.md": 1, "c.md": 1}
