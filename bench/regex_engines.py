"""Time the built-in packs' regular expressions under ``re`` and under ``regex``
(with the timeout user packs get), over the lines of the shared corpus.

Run: ``.venv/bin/python bench/regex_engines.py [--files N]``. Prints one line per
engine: patterns, lines searched, seconds (best of 3). Why it exists: built-in
packs keep ``re`` only while it is measured faster (see playbook_lint.packregex).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import regex
import yaml

from playbook_lint.packs import builtin_pack_paths

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def patterns() -> list[tuple[str, int]]:
    """Every regular expression of the built-in packs, with the flags the rules use."""
    out: list[tuple[str, int]] = []
    for path in builtin_pack_paths():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for e in data.get("entries", []):
            if "pattern" in e:
                out.append((e["pattern"], re.IGNORECASE))
            out += [(x, re.IGNORECASE) for x in e.get("exceptions", ())]
            for spec in (e.get("keys") or {}).values():
                if "pattern" in spec:
                    out.append((spec["pattern"], 0))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=400, help="corpus files to read")
    args = ap.parse_args()
    files = sorted(CORPUS.rglob("*.md"))[: args.files]
    lines = [ln for f in files for ln in f.read_text(encoding="utf-8", errors="replace")
             .splitlines() if ln.strip()]
    pats = patterns()
    engines = {
        "re": [re.compile(p, f) for p, f in pats],
        "regex+timeout": [regex.compile(p, f) for p, f in pats],
    }
    for name, compiled in engines.items():
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            if name == "re":
                for rx in compiled:
                    for ln in lines:
                        rx.search(ln)
            else:
                for rx in compiled:
                    for ln in lines:
                        rx.search(ln, timeout=1.0)
            best = min(best, time.perf_counter() - t)
        print(f"{name:<14} {len(pats)} patterns x {len(lines)} lines: {best:.3f} s")


if __name__ == "__main__":
    main()
