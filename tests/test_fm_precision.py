"""Replay the labelled findings of inferred front matter profiles on the corpus
(``tests/precision/front-matter-inferred.yml``): the tool must report exactly the
labelled set, and at least 90% of it must be true (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from cli_runner import run

LABELS = Path(__file__).parent / "precision" / "front-matter-inferred.yml"


def _labels() -> list[dict]:
    return list(yaml.safe_load(LABELS.read_text("utf-8"))["findings"])


def test_label_file_is_well_formed() -> None:
    for lab in _labels():
        assert set(lab) == {"path", "line", "column", "rule", "severity", "key", "verdict",
                            "reason", "reported"}, lab
        assert lab["verdict"] in (True, False) and lab["reason"].strip(), lab
        assert lab["rule"] in ("front-matter-missing", "front-matter-invalid"), lab


def test_inferred_findings_match_labels_and_are_precise(corpus, capsys, monkeypatch):
    from playbook_lint import fmsite, site

    found = set()
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        fmsite.clear_cache()
        site._CACHE.clear()
        monkeypatch.chdir(repo)
        _code, out, _err = run(["--offline", "-q", "--format", "json", "--today", "2026-12-01",
                                "--select", "front-matter-missing,front-matter-invalid", "."],
                               capsys)
        for f in json.loads(out)["findings"]:
            # inferred findings are the warnings; a key repeated with the same value is a
            # warning of the syntax check, not of inference
            if f["severity"] == "warning" and not f["message"].startswith(
                    "duplicate front matter key"):
                found.add((f"{repo.name}/{f['path']}", f["line"], f["rule"],
                           f["message"].split('"')[1]))
    labels = _labels()
    labelled = {(x["path"], x["line"], x["rule"], x["key"]) for x in labels}
    assert found - labelled == set(), "new inferred findings: label them"
    assert labelled - found == set(), "labelled findings no longer reported"
    true = sum(1 for x in labels if x["verdict"])
    assert true / len(labels) >= 0.9, f"precision {true}/{len(labels)}"
