"""Time the "did you mean" anchor search: difflib over every anchor (the old way)
against the candidate index of ``playbook_lint.links.suggest``, and count how often
they agree.

Run: ``.venv/bin/python bench/suggest.py [--anchors 2000 4000] [--seed 1]``. Each
size builds that many heading-like anchors and as many broken fragments (one
random typo each: drop, swap, double or change a character), then prints: anchors,
old seconds, new seconds, agreement with the old answer, and how often the new
answer is the anchor the typo came from.
"""

from __future__ import annotations

import argparse
import difflib
import random
import time

from playbook_lint.links.suggest import AnchorIndex

WORDS = ("about", "apply", "service", "guide", "section", "topic", "number", "user",
         "research", "design", "content", "data", "team", "standard", "assess", "plan")


def old_closest(want: str, ids: list[str]) -> str | None:
    for a in ids:
        if a.lower() == want.lower():
            return a
    best = difflib.get_close_matches(want, ids, n=1, cutoff=0.6)
    return best[0] if best else None


def typo(rng: random.Random, s: str) -> str:
    i = rng.randrange(len(s))
    kind = rng.randrange(4)
    if kind == 0:
        return s[:i] + s[i + 1:]
    if kind == 1 and i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if kind == 2:
        return s[:i] + s[i] + s[i:]
    return s[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + s[i + 1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--anchors", type=int, nargs="+", default=[2000, 4000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-old-above", type=int, default=4000,
                    help="do not time the old way above this many anchors")
    args = ap.parse_args()
    for n in args.anchors:
        rng = random.Random(args.seed)
        ids = sorted({"-".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
                      + f"-{i}" for i in range(n)})
        queries = [(a, typo(rng, a)) for a in (rng.choice(ids) for _ in range(n))]
        queries = [(a, q) for a, q in queries if q not in ids]
        t = time.perf_counter()
        index = AnchorIndex(ids)
        new = [index.closest(q) for _, q in queries]
        t_new = time.perf_counter() - t
        if n <= args.skip_old_above:
            t = time.perf_counter()
            old = [old_closest(q, ids) for _, q in queries]
            t_old = time.perf_counter() - t
            agree = sum(a == b for a, b in zip(old, new, strict=True)) / len(queries)
            old_s, agree_s = f"{t_old:.2f} s", f"{agree:.1%}"
        else:
            old_s = agree_s = "-"
        right = sum(a == b for (a, _), b in zip(queries, new, strict=True)) / len(queries)
        print(f"{len(ids)} anchors, {len(queries)} broken fragments: old {old_s}, "
              f"new {t_new:.2f} s, agree {agree_s}, new finds the source anchor {right:.1%}")


if __name__ == "__main__":
    main()
