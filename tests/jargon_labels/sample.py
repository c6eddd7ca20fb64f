"""Draw the labelled sample of conditional jargon hits (run by hand, not by pytest).

Usage: python tests/jargon_labels/sample.py CORPUS [--seed N] [--held-out] > candidates.yml

``--held-out`` draws only matches that are not already labelled in this folder, at
half the sizes: the held-out set in ``heldout/`` (seed 10) was labelled after the
packs were tuned on the first set (seed 9), so its figures are the honest ones.

Every raw match of the conditional words below (no exception, condition, quote or
name heuristic applied) in the prose of every Markdown page of CORPUS is a candidate;
a seeded random draw of ``PER_WORD[group]`` candidates per word group is printed as YAML
skeletons (path, line, column, word, verdict: null, reason: null) to be judged by
reading the source. Only the location and the matched word are written: never the
corpus text.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from playbook_lint.document import Document

#: word group -> (regex of its forms, sample size)
GROUPS: dict[str, tuple[str, int]] = {
    "impact": (r"impact(?:s|ed|ing)?", 60),
    "key": (r"key", 60),
    "agenda": (r"agendas?", 30),
    "deliver": (r"deliver(?:s|ed|ing)?", 50),
    "foster": (r"foster(?:s|ed|ing)?", 10),
    "leverage": (r"leverag(?:e|es|ed|ing)", 10),
    "robust": (r"robust", 10),
    "tackle": (r"tackl(?:e|es|ed|ing)", 10),
    "touchpoint": (r"touch[- ]?points?", 10),
    "going forward": (r"(?:going|moving)\s+forward", 10),
    "utilize": (r"utili[sz](?:e|es|ed|ing)", 10),
}
SKIP_PARTS = {"node_modules", ".github", "vendor", "_site"}
SKIP_NAMES = {"readme.md", "license.md", "contributing.md", "changelog.md"}


def candidates(corpus: Path) -> dict[str, list[tuple[str, int, int, str]]]:
    """Raw matches per group: ``(path relative to corpus, line, column, matched)``."""
    pats = {g: re.compile(rf"(?<![\w'’.-])(?:{rx})(?![\w-])", re.IGNORECASE)
            for g, (rx, _) in GROUPS.items()}
    out: dict[str, list[tuple[str, int, int, str]]] = {g: [] for g in GROUPS}
    for path in sorted(corpus.rglob("*")):
        if path.suffix.lower() not in (".md", ".markdown") and not path.name.endswith(".md.erb"):
            continue
        if SKIP_PARTS & set(path.parts) or path.name.lower() in SKIP_NAMES or not path.is_file():
            continue
        doc = Document.from_path(path)
        prose = doc.prose
        rel = path.relative_to(corpus).as_posix()
        for g, pat in pats.items():
            for m in pat.finditer(prose):
                line, col = doc.position(m.start())
                out[g].append((rel, line, col, re.sub(r"\s+", " ", m.group())))
    return out


def main(argv: list[str]) -> int:
    corpus = Path(argv[0])
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 9
    found = candidates(corpus)
    held_out = "--held-out" in argv
    if held_out:
        import yaml

        seen = {(h["path"], h["line"], h["column"])
                for p in Path(__file__).parent.glob("*.yml")
                for h in yaml.safe_load(p.read_text(encoding="utf-8"))["hits"]}
        found = {g: [c for c in v if c[:3] not in seen] for g, v in found.items()}
    rng = random.Random(seed)
    print(f"# seed {seed}; raw candidates per group: "
          + ", ".join(f"{g} {len(v)}" for g, v in found.items()))
    for g, (_, n) in GROUPS.items():
        n = n // 2 if held_out else n
        pick = sorted(rng.sample(found[g], min(n, len(found[g]))))
        print(f"{g}:")
        for rel, line, col, word in pick:
            print(f"  - {{path: {rel}, line: {line}, column: {col}, word: {word}, "
                  f"verdict: null, reason: null}}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
