"""The parse-only floor: read every Markdown file under PATH... and parse it once.

``python floor_parse.py [--no-linkify] PATH...`` finds ``*.md`` / ``*.markdown`` files
(folders searched recursively, as playbook-lint does, skipping ``.git``,
``node_modules``, ``_site`` and ``vendor``), reads each as UTF-8 (undecodable bytes
replaced), and parses it with markdown-it-py configured as playbook-lint's
``document.markdown_parser()`` (CommonMark preset + table + strikethrough + linkify).
Nothing else: no rules, no output beyond one line ``<files> files, <tokens> tokens``.
``--no-linkify`` leaves out the linkify rule (bare-URL detection), which is most of
the parse time on this corpus. The whole-process wall time is the floor a Python
Markdown linter built on markdown-it-py cannot beat without parsing less (or using
more than one core). Exit status 0, or 2 when a path does not exist.
"""

from __future__ import annotations

import os
import sys

from markdown_it import MarkdownIt

SKIP_DIRS = {".git", "node_modules", "_site", "vendor"}
SUFFIXES = (".md", ".markdown")


def iter_markdown(paths: list[str]) -> list[str]:
    """Return the Markdown files under ``paths`` (files kept as given), sorted per folder."""
    out: list[str] = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        if not os.path.isdir(p):
            raise FileNotFoundError(p)
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            out.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(SUFFIXES))
    return out


def make_parser(linkify: bool = True) -> MarkdownIt:
    """markdown-it-py as playbook-lint configures it (linkify needs linkify-it-py)."""
    if not linkify:
        return MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md = MarkdownIt("commonmark", {"linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    return md


def main(argv: list[str]) -> int:
    """Parse every file once; print the counts; return the exit status."""
    linkify = "--no-linkify" not in argv
    argv = [a for a in argv if a != "--no-linkify"]
    try:
        files = iter_markdown(argv or ["."])
    except FileNotFoundError as exc:
        print(f"floor_parse: no such path: {exc}", file=sys.stderr)
        return 2
    md = make_parser(linkify)
    tokens = 0
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            tokens += len(md.parse(fh.read()))
    print(f"{len(files)} files, {tokens} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
