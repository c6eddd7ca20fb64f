"""--shard K/N: the union of the N shards' findings is the unsharded run's, and
`playbook-lint merge` turns the shards' JSON reports into one report. Links go to a
loopback server under two host names (127.0.0.1 and localhost)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_runner import run as cli
from http_server import LoopbackServer, respond, status_route

from playbook_lint.api import RunOptions, in_shard, run


def moved(h) -> None:
    respond(h, 301, {"Location": "/ok"})


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with LoopbackServer({"/ok": status_route(200), "/moved": moved}) as server:
        port = server.port
        hosts = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
        for i in range(12):
            links = " ".join(f"[{j}]({h}/{'gone' if (i + j) % 3 == 0 else 'ok'}?p={i})"
                             for j, h in enumerate(hosts))
            extra = f" [m]({hosts[i % 2]}/moved)" if i % 4 == 0 else ""
            local = " [x](missing.md)" if i % 5 == 0 else ""
            (tmp_path / f"p{i:02}.md").write_text(
                f"# P{i}\n\nWe utilise {links}{extra}{local}.\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        yield tmp_path


def key(findings):
    return sorted((f.path, f.line, f.column, f.rule, f.message) for f in findings)


def test_the_union_of_shards_is_the_unsharded_run(site: Path) -> None:
    opts = dict(allow_private=True, no_cache=True, today=date(2026, 12, 1))
    whole = run([Path(".")], RunOptions(**opts))
    rules = {f.rule for f in whole.findings}
    assert {"broken-link", "redirected-link", "jargon"} <= rules
    assert sum(1 for f in whole.findings if f.data.get("classification") == "broken") == 8
    for n in (2, 3):
        parts = [run([Path(".")], RunOptions(**opts, shard=(k, n))) for k in range(1, n + 1)]
        union = [f for p in parts for f in p.findings]
        assert key(union) == key(whole.findings)  # nothing lost, nothing twice
        assert sum(p.files for p in parts) == whole.files == 12
        checked = [set(p.link_results) for p in parts]
        assert set().union(*checked) == set(whole.link_results)
        assert sum(len(c) for c in checked) == len(whole.link_results)  # each URL once


def test_hosts_and_files_are_split_stably() -> None:
    assert [in_shard("localhost", k, 3) for k in (1, 2, 3)].count(True) == 1
    assert in_shard("content/a.md", 2, 4) == in_shard("content/a.md", 2, 4)


def test_merge_command_joins_shard_reports(site: Path, capsys) -> None:
    args = ["--allow-private", "--no-cache", "--today", "2026-12-01", "--format", "json"]
    for k in (1, 2):
        code, out, _ = cli([*args, "--shard", f"{k}/2", "-o", f"shard-{k}.json", "."], capsys)
        assert code == 1
    code, whole, _ = cli([*args, "."], capsys)
    code, merged, _ = cli(["merge", "shard-1.json", "shard-2.json", "--format", "json"], capsys)
    assert code == 1
    a, b = json.loads(whole), json.loads(merged)
    assert b["findings"] == a["findings"] and b["files"] == a["files"] == 12
    code, sarif, _ = cli(["merge", "shard-1.json", "shard-2.json", "--format", "sarif"], capsys)
    assert len(json.loads(sarif)["runs"][0]["results"]) == len(a["findings"])
    code, _, err = cli(["--shard", "3/2", "."], capsys)
    assert code == 2 and "expected K/N with 1 <= K <= N" in err
    (site / "bad.json").write_text("[]", encoding="utf-8")
    code, _, err = cli(["merge", "bad.json"], capsys)
    assert code == 2 and "bad.json: not a playbook-lint JSON report" in err


def test_shards_of_a_large_tree_read_every_page_in_the_pool(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import playbook_lint.document as document_module
    import playbook_lint.parallel as parallel

    log = site.parent / "extractions.log"
    real_extract = document_module.extract_links

    def extract(doc):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {doc.path.name}\n")
        return real_extract(doc)

    monkeypatch.setattr(document_module, "extract_links", extract)
    monkeypatch.setattr(parallel, "THRESHOLD", 5)  # 12 pages, 5 and 7 a shard: pooled
    opts = dict(allow_private=True, no_cache=True, today=date(2026, 12, 1), jobs=2)
    whole = run([Path(".")], RunOptions(**opts))
    parts = []
    for k in (1, 2):
        log.unlink()
        parts.append(run([Path(".")], RunOptions(**opts, shard=(k, 2))))
        read = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
        here = str(os.getpid())
        # every shard reads every page once (for the URLs of its hosts), in the pool's
        # workers; its own pages' links, and the other shards' pages' links (linted
        # twice for the link findings this shard's results add to them:
        # api._foreign_link_findings), all come from that reading
        assert sorted(name for pid, name in read if pid != here) == [
            f"p{i:02}.md" for i in range(12)]
        assert [name for pid, name in read if pid == here] == []
    assert key([f for p in parts for f in p.findings]) == key(whole.findings)
    assert sum(1 for f in whole.findings if f.data.get("classification") == "broken") == 8
