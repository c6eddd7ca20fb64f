"""Seeded recall on copies of corpus repositories (issue 15).

Each planting copies a corpus repository to a temporary folder and makes one change:

* **key**: removes, from a random published page (not a draft, not past its Hugo
  expiry date), a key its group agrees on (a key the inferred schema expects
  there), then lints that page;
* **label**: inserts ``See the [planted text][planted-label-N].`` as a paragraph at a
  random blank line of a random page's body (outside fenced code), then lints it.

A planting is found when ``front-matter-missing`` names the removed key (at line 1;
inferred, or from a written profile where one applies, as the built-in Code for
America pack does)
or ``undefined-reference`` reports the planted label at its line. The test runs 10
plantings of each kind on the smaller repositories (fast); run this file as a script
for more, all repositories included::

    python tests/test_fm_recall.py --n 50 --seed 7 [--all]
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from playbook_lint.fminfer import is_expired

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
#: Repositories the test uses (the big Hugo site is left to the script's --all).
SMALL = ("18F__18f.gsa.gov", "18F__methods", "alphagov__govuk-developer-docs",
         "uswds__uswds-site", "18F__content-guide")
_KEY_LINE = re.compile(r"^([A-Za-z0-9_\"'-][^:\n]*?)\s*:(?:\s|$)")


TODAY = date(2026, 12, 1)


def _reset() -> None:
    from playbook_lint import fmsite, site

    fmsite.clear_cache()
    site.forget_sites()


def _lint(repo: Path, rel: str) -> list[dict[str, Any]]:
    """Lint one page of the copy from inside it; the JSON findings."""
    import contextlib
    import io
    import os

    from playbook_lint.cli import main

    _reset()
    out = io.StringIO()
    here = os.getcwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            with contextlib.suppress(SystemExit):
                main(["--offline", "-q", "--format", "json", "--today", "2026-12-01",
                      "--select", "front-matter-missing,undefined-reference", rel])
    finally:
        os.chdir(here)
    return list(json.loads(out.getvalue() or '{"findings": []}')["findings"])


def _copy(repo: Path, copy: Path) -> None:
    """Copy ``repo`` as a checkout: with a ``.git`` folder, so a one-file run finds the
    repository's root (the exports have none) as it does in a real clone."""
    shutil.copytree(repo, copy, symlinks=True)
    (copy / ".git").mkdir(exist_ok=True)


def _schema(repo: Path) -> Any:
    from playbook_lint.fmsite import schema_for
    from playbook_lint.site import build_site

    _reset()
    return schema_for(build_site(repo))


def _remove_key(text: str, key: str) -> str | None:
    """``text`` without the top-level front matter ``key`` (and its continuation
    lines), or None when that cannot be done cleanly."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        return None
    starts = [i for i in range(1, end)
              if (m := _KEY_LINE.match(lines[i])) and m.group(1).strip("\"'") == key]
    if len(starts) != 1:
        return None
    i = starts[0]
    j = i + 1
    while j < end and (lines[j][:1] in (" ", "\t", "-") or not lines[j].strip()):
        j += 1
    out = "\n".join(lines[:i] + lines[j:])
    try:
        data = yaml.safe_load("\n".join(lines[1:i] + lines[j:end]))
    except yaml.YAMLError:
        return None
    return out if isinstance(data, dict) and key not in data else None


def plant_key(rng: random.Random, repos: list[Path], work: Path) -> tuple[bool, str]:
    """One key planting; ``(found, what)``."""
    while True:
        repo = rng.choice(repos)
        schema = _schema(repo)
        choices = []
        for g in schema.groups:
            for exp in g.expected:
                for f in schema.facts.values():
                    if g in schema.groups_for(f.path) and f.data and exp.key in f.data \
                            and not exp.quiet_in(f.rel) \
                            and not is_expired(f.effective(), TODAY):
                        choices.append((g, exp.key, f))
        if not choices:
            repos.remove(repo)
            continue
        g, key, facts = rng.choice(choices)
        text = facts.path.read_text("utf-8")
        changed = _remove_key(text, key)
        if changed is None:
            continue
        copy = work / repo.name
        shutil.rmtree(copy, ignore_errors=True)
        _copy(repo, copy)
        (copy / facts.rel).write_text(changed, "utf-8")
        found = _lint(copy, facts.rel)
        # inferred ("is missing: it is set on ...") or a written profile's ("is required")
        hit = any(f["rule"] == "front-matter-missing" and f["line"] == 1
                  and f["message"].startswith(f'front matter key "{key}" is ')
                  for f in found)
        return hit, f"{repo.name}/{facts.rel} -{key} ({g.describe()})"


def _blank_lines(text: str, body: int) -> list[int]:
    """Indexes of blank lines of the body outside fenced code."""
    out, fence = [], None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i < body:
            continue
        s = line.strip()
        if fence is None and (s.startswith("```") or s.startswith("~~~")):
            fence = s[:3]
        elif fence is not None and s.startswith(fence):
            fence = None
        elif fence is None and not s and i + 1 < len(lines):
            out.append(i)
    return out


def plant_label(rng: random.Random, repos: list[Path], work: Path, n: int) -> tuple[bool, str]:
    """One label planting; ``(found, what)``."""
    while True:
        repo = rng.choice(repos)
        schema = _schema(repo)
        pages = sorted(f.rel for f in schema.facts.values() if f.data is not None)
        if not pages:
            repos.remove(repo)
            continue
        rel = rng.choice(pages)
        text = (repo / rel).read_text("utf-8", errors="replace")
        lines = text.split("\n")
        body = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        blanks = _blank_lines(text, body)
        if not blanks:
            continue
        at = rng.choice(blanks)
        label = f"planted-label-{n}"
        lines[at:at + 1] = ["", f"See the [planted text][{label}].", ""]
        copy = work / repo.name
        shutil.rmtree(copy, ignore_errors=True)
        _copy(repo, copy)
        (copy / rel).write_text("\n".join(lines), "utf-8")
        found = _lint(copy, rel)
        hit = any(f["rule"] == "undefined-reference" and f["line"] == at + 2
                  and f'"{label}"' in f["message"] for f in found)
        return hit, f"{repo.name}/{rel}:{at + 2}"


def recall(n: int, seed: int, names: tuple[str, ...] | None) -> dict[str, list]:
    """Run ``n`` plantings of each kind; ``{"key": [(found, what)], "label": [...]}``."""
    rng = random.Random(seed)
    repos = sorted(p for p in CORPUS.iterdir() if p.is_dir() and
                   (names is None or p.name in names))
    out: dict[str, list] = {"key": [], "label": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i in range(n):
            out["key"].append(plant_key(rng, list(repos), work))
            out["label"].append(plant_label(rng, list(repos), work, i))
    _reset()
    return out


def test_seeded_recall_on_corpus_copies() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    result = recall(10, seed=15, names=SMALL)
    for kind, rows in result.items():
        missed = [what for hit, what in rows if not hit]
        assert len(rows) - len(missed) >= 9, f"{kind}: missed {missed}"


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--all", action="store_true", help="every corpus repository")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent / "src"))
    res = recall(args.n, args.seed, None if args.all else SMALL)
    for kind, rows in res.items():
        hits = sum(1 for hit, _w in rows if hit)
        print(f"{kind}: found {hits} of {len(rows)}")
        for hit, what in rows:
            if not hit:
                print(f"  missed {what}")
