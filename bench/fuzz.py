"""Long fuzz run on demand: hostile generated documents through the real CLI.

Run: ``.venv/bin/python bench/fuzz.py [--count N] [--seconds S] [--start SEED]
[--batch B]``. Documents come from ``tests/fuzzdocs.py`` (seeded: a failure is
reproduced by its seed range); runs cycle through every output format, ``--fix``
and ``--diff``, always offline. Stops after N documents or S seconds, whichever
comes first; prints documents, runs, wall and CPU seconds, exit statuses and every
failure, and exits 1 if there was one. The suite runs a bounded version
(``tests/test_fuzz.py``, seeds 0-2,999); start a long run above that.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzzdocs import FuzzResult, fuzz  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=None, help="documents (default: no limit)")
    ap.add_argument("--seconds", type=float, default=300.0, help="time limit (default 300)")
    ap.add_argument("--start", type=int, default=100_000, help="first seed (default 100000)")
    ap.add_argument("--batch", type=int, default=100, help="documents per CLI run")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    seeds = itertools.count(args.start) if args.count is None else iter(
        range(args.start, args.start + args.count))

    def progress(r: FuzzResult) -> None:
        if r.runs % 10 == 0:
            print(f"... {r.documents} documents, {len(r.failures)} failures, "
                  f"{time.monotonic() - t0:.0f} s", file=sys.stderr)

    result = fuzz(seeds, batch=args.batch,
                  stop=lambda: time.monotonic() - t0 >= args.seconds, on_batch=progress)
    wall = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"documents {result.documents}, runs {result.runs}, seeds {args.start}-"
          f"{args.start + result.documents - 1}, wall {wall:.1f} s, "
          f"CPU {usage.ru_utime + usage.ru_stime:.1f} s, "
          f"exit statuses {dict(sorted(result.exit_codes.items()))}, "
          f"failures {len(result.failures)}")
    for f in result.failures:
        print(f"FAIL {f}")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
