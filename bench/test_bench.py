"""Self-tests of the benchmark harness: output parsers, link generator, loopback server.

Run with ``python -m pytest bench/test_bench.py -q``. No network beyond 127.0.0.x,
no anchors needed, a few seconds. They pin exact values so a parser that silently
returns 0 (and would make a tool look fast) fails here.
"""

from __future__ import annotations

import http.client
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402


def test_parse_playbook_counts_rule_and_maps_lines_to_urls() -> None:
    out = json.dumps({"findings": [
        {"path": "site/page-000.md", "line": 12, "rule": "broken-link"},
        {"path": "site/page-000.md", "line": 13, "rule": "redirected-link"},
    ]})
    parse = run.parse_playbook("broken-link", {("page-000.md", 12): "http://127.0.0.1:1/x"})
    assert parse(out, "") == (1, {"http://127.0.0.1:1/x"})
    assert run.parse_playbook()(out, "") == (2, None)


def test_parse_playbook_rejects_a_finding_on_a_line_without_a_link() -> None:
    out = json.dumps({"findings": [{"path": "a/page-001.md", "line": 3, "rule": "broken-link"}]})
    with pytest.raises(ValueError, match="no generated link at a/page-001.md:3"):
        run.parse_playbook("broken-link", {})(out, "")


def test_parse_markdownlint_needs_matching_summary() -> None:
    err = ("x/a.md:2 error MD041/first-line-heading/first-line-h1 First line\n"
           "x/b.md:15:1 error MD032/blanks-around-lists Lists\n")
    assert run.parse_markdownlint("Linting: 2 file(s)\nSummary: 2 error(s)\n", err) == (2, None)
    with pytest.raises(ValueError, match="summary says 3 but 2 finding lines"):
        run.parse_markdownlint("Summary: 3 error(s)\n", err)
    with pytest.raises(ValueError, match="no 'Summary:' line"):
        run.parse_markdownlint("", err)


def test_parse_proselint_pymarkdown_floor() -> None:
    pro = {"result": {"file:///a.md": {"diagnostics": [{}, {}]}, "file:///b.md": {}}}
    assert run.parse_proselint(json.dumps(pro), "") == (2, None)
    pym = "/c/a.md:1:1: MD041: First line (first-line-heading)\n/c/a.md:9:3: MD032: Lists\n"
    assert run.parse_pymarkdown(pym, "") == (2, None)
    assert run.parse_floor("17 files, 900 tokens\n", "") == (17, None)
    with pytest.raises(ValueError, match="no counts line"):
        run.parse_floor("", "")


def test_parse_link_tools() -> None:
    ly = {"error_map": {"a.md": [{"url": "http://127.0.0.2:9/missing/page-1"}],
                        "b.md": [{"url": "http://127.0.0.3:9/missing/page-2"}]}}
    assert run.parse_lychee(json.dumps(ly), "") == (
        2, {"http://127.0.0.2:9/missing/page-1", "http://127.0.0.3:9/missing/page-2"})
    lk = {"links": [{"url": "http://h/1", "state": "BROKEN"}, {"url": "http://h/2", "state": "OK"}]}
    assert run.parse_linkinator(json.dumps(lk), "") == (1, {"http://h/1"})
    mlc = ("FILE: a.md\n  [✖] http://127.0.0.1:9/missing/page-0 → Status: 404\n\n"
           "  2 links checked.\n")
    assert run.parse_mlc(mlc, "") == (1, {"http://127.0.0.1:9/missing/page-0"})
    raw = {"requests": 3, "status": {"200": 2, "404": 1}, "broken": ["http://h/m"]}
    assert run.parse_rawclient(json.dumps(raw), "") == (1, {"http://h/m"})


def test_generate_links(tmp_path: Path) -> None:
    ls = run.generate_links(tmp_path / "site", 8080, 200, per_file=50)
    assert len(ls.files) == 4
    assert len(ls.urls) == len(set(ls.urls)) == 200
    assert len(ls.expected_broken) == 20
    assert ls.per_host_max == 10
    assert all("/missing/" in u for u in ls.expected_broken)
    lines = (tmp_path / "site" / "page-000.md").read_text().splitlines()
    assert lines[0] == "---"
    (name, line), url = next(iter(ls.line_urls.items()))
    assert name == "page-000.md"
    assert lines[line - 1] == f"- [Reference {url.rsplit('-', 1)[1]}]({url})"


def _get(host: str, port: int, method: str, path: str) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


def test_link_server_answers_and_counts() -> None:
    port = run.free_port()
    server = run.ServerProcess(port, lifetime=30)
    try:
        assert _get("127.0.0.1", port, "GET", "/ok/page-1")[0] == 200
        assert _get("127.0.0.20", port, "HEAD", "/missing/page-2")[0] == 404
        status, headers = _get("127.0.0.3", port, "GET", "/moved/page-3")
        assert (status, headers["location"]) == (301, f"http://127.0.0.3:{port}/ok/moved-page-3")
        status, headers = _get("127.0.0.4", port, "GET", "/busy/page-4")
        assert (status, headers["retry-after"]) == (429, "1")
        assert _get("127.0.0.4", port, "GET", "/busy/page-4")[0] == 200
        assert _get("127.0.0.5", port, "GET", "/busy/page-4")[0] == 429  # per host
    finally:
        stats = server.stop()
    assert stats == {"requests": 6, "connections": 6, "by_method": {"GET": 5, "HEAD": 1},
                     "by_status": {"200": 2, "301": 1, "404": 1, "429": 2}}


def test_measure_counts_the_whole_process_tree() -> None:
    # two children of 60 MiB each, alive together: the tree holds >= 120 MiB, while the
    # largest single process (what wait4's ru_maxrss reports) holds about 70 MiB
    child = "b = bytearray(60 * 2**20); import time; time.sleep(0.6)"
    parent = (f"import subprocess, sys; ps = [subprocess.Popen([sys.executable, '-c', {child!r}])"
              " for _ in range(2)]; [p.wait() for p in ps]")
    m = run.measure([sys.executable, "-c", parent], timeout=30)
    assert m.rc == 0
    assert m.rss_kib >= 120 * 1024
    assert m.wall >= 0.6


def test_measure_kills_a_run_past_its_timeout() -> None:
    m = run.measure([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert m.timed_out is True
    assert m.rc == -9


def test_run_interleaved_alternates_tools_and_stops_a_failing_one(tmp_path: Path) -> None:
    order = tmp_path / "order.txt"

    def tool(name: str, rc: int) -> run.Tool:
        code = f"open({str(order)!r}, 'a').write({name!r}); print('1 files, 2 tokens')"
        return run.Tool(name, [sys.executable, "-c", f"{code}; raise SystemExit({rc})"],
                        run.parse_floor, ok_rc=(0,))

    results = run.run_interleaved([tool("A", 0), tool("B", 0), tool("C", 3)], 3, 1e9, 30)
    assert order.read_text() == "ABCABAB"
    assert [len(r.walls) for r in results] == [3, 3, 0]
    assert results[2].errors[0].startswith("run 1: exit status 3")
    assert results[0].findings == 1


def test_make_growth_site_copies_the_content_under_distinct_folders(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "content" / "news" / "2017").mkdir(parents=True)
    (src / "content" / "about").mkdir()
    (src / "config").mkdir()
    (src / "hugo.toml").write_text('baseURL = "https://example.gov/"\n')
    (src / "config" / "gulp.md").write_text("# not content\n")
    (src / "content" / "news" / "2017" / "a.md").write_text("# A\n")
    (src / "content" / "news" / "2017" / "b.md").write_text("# B\n")
    (src / "content" / "about" / "c.md").write_text("# C\n")
    dest = tmp_path / "site"
    assert run.make_growth_site(dest, 2, source=src) == 6
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.md")) == [
        "config/gulp.md",
        "content/copy-1/about/c.md", "content/copy-1/news/2017/a.md",
        "content/copy-1/news/2017/b.md",
        "content/copy-2/about/c.md", "content/copy-2/news/2017/a.md",
        "content/copy-2/news/2017/b.md"]
    assert (dest / "hugo.toml").read_text() == 'baseURL = "https://example.gov/"\n'
    assert run.make_growth_site(dest, 4, source=src, subset="news/2017") == 8
    assert sorted(p.relative_to(dest).as_posix() for p in (dest / "content").rglob("*.md"))[:2] \
        == ["content/copy-1/news/2017/a.md", "content/copy-1/news/2017/b.md"]
    assert not (dest / "content" / "copy-1" / "about").exists()


def test_growth_ratios_divide_by_the_1x_medians() -> None:
    rows = []
    for size, walls, cpus in (("1x", [2.0, 4.0, 3.0], [1.0, 1.0, 1.0]),
                              ("2x", [6.0, 6.5, 5.5], [2.0, 2.2, 2.1]),
                              ("4x", [13.5], [4.5])):
        r = run.ToolResult(f"playbook-lint {size}", [])
        r.walls, r.cpus = walls, cpus
        rows.append(r)
    assert run.growth_ratios(rows) == {"2x/1x wall": 2.0, "2x/1x CPU": 2.1,
                                       "4x/1x wall": 4.5, "4x/1x CPU": 4.5}
    rows[2].errors = ["run 1: timed out"]
    assert run.growth_ratios(rows)["4x/1x wall"] is None


def test_typical_site_page_is_the_median_page_with_a_site_link(tmp_path: Path) -> None:
    for name, text in (("a.md", "[x](/x/)\n"), ("b.md", "[y](https://e.gov/)\n" * 9),
                       ("c.md", 'long [x]({{ "/x/" | url }})\n' * 3),
                       ("d.md", "[z](/z/) " * 20 + "\n")):
        (tmp_path / name).write_text(text)
    assert run.typical_site_page(tmp_path).name == "c.md"
