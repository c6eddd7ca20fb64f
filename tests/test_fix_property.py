"""Property test: ``--fix`` changes only the fixed spans, whatever the file's encoding,
byte order mark and line endings (issue 14, "Checked by").

Documents are generated from words (some of them jargon with a safe fix,
``utilise`` -> ``use``), non-ASCII letters, Markdown line starts and blank lines;
stored as UTF-8, UTF-8 with BOM, cp1252 with a UTF-8 BOM (not valid UTF-8),
UTF-16 LE/BE with BOM, cp1252 or Latin-1; with LF, CRLF, CR or mixed line endings.
The expected bytes are built independently of the fixer: the same BOM, the same
encoding, every line ending as it was, only each ``utilise`` the linter flagged (at
its line and column) replaced by ``use``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook_lint.config import Config
from playbook_lint.fixer import apply_fixes
from playbook_lint.runner import build_rules, lint_files

# words; "\u20ac" (euro) and "\u2019" exist in cp1252 but not Latin-1; "\x81" exists in
# Latin-1 (and UTF-16) but is undefined in cp1252
ASCII_WORDS = ["we", "utilise", "the", "service", "plan", "users", "and", "it", "5"]
LATIN1_WORDS = ["caf\u00e9", "na\u00efve", "\u00fcber", "se\u00f1or"]
CP1252_ONLY = ["\u20ac5", "it\u2019s"]
LINE_STARTS = ["", "", "", "# ", "- ", "1. ", "> "]

ENCODINGS = {
    # name: (python codec, BOM bytes, words allowed)
    "utf-8": ("utf-8", b"", ASCII_WORDS + LATIN1_WORDS + CP1252_ONLY + ["\u4e2d\u6587"]),
    "utf-8-bom": ("utf-8", b"\xef\xbb\xbf", ASCII_WORDS + LATIN1_WORDS + CP1252_ONLY),
    "bom-on-cp1252": ("cp1252", b"\xef\xbb\xbf", ASCII_WORDS + LATIN1_WORDS + CP1252_ONLY),
    "utf-16-le": ("utf-16-le", b"\xff\xfe", ASCII_WORDS + LATIN1_WORDS + ["\u4e2d\u6587"]),
    "utf-16-be": ("utf-16-be", b"\xfe\xff", ASCII_WORDS + LATIN1_WORDS + CP1252_ONLY),
    "cp1252": ("cp1252", b"", ASCII_WORDS + LATIN1_WORDS + CP1252_ONLY),
    "latin-1": ("latin-1", b"", ASCII_WORDS + LATIN1_WORDS + ["\x81x"]),
}
ENDINGS = {"lf": ["\n"], "crlf": ["\r\n"], "cr": ["\r"], "mixed": ["\n", "\r\n", "\r"]}


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str, str]:
    """Return ``(encoding name, ending name, text with its own line endings)``."""
    enc = draw(st.sampled_from(sorted(ENCODINGS)))
    ending = draw(st.sampled_from(sorted(ENDINGS)))
    words = ENCODINGS[enc][2]
    lines = draw(st.lists(
        st.one_of(
            st.just(""),
            st.tuples(st.sampled_from(LINE_STARTS),
                      st.lists(st.sampled_from(words), min_size=1, max_size=8)).map(
                lambda t: t[0] + " ".join(t[1])),
        ),
        min_size=1, max_size=12,
    ))
    # a document that must be stored as cp1252/latin-1 holds a byte that is not UTF-8
    if enc == "bom-on-cp1252" or enc == "cp1252":
        lines.append("caf\u00e9 utilise")
    if enc == "latin-1":
        lines.append("\x81x utilise")
    ends = [draw(st.sampled_from(ENDINGS[ending])) for _ in lines]
    last_newline = draw(st.booleans())
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if not last_newline:
        text = text[: -len(ends[-1])]
    return enc, ending, text


@pytest.fixture(scope="module")
def rules():
    return build_rules(Config(), select=["jargon"])


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_fix_changes_only_the_fixed_spans(tmp_path_factory, rules, doc) -> None:
    enc, _ending, text = doc
    codec, bom, _ = ENCODINGS[enc]
    folder: Path = tmp_path_factory.mktemp("prop")
    (folder / ".git").mkdir()
    page = folder / "p.md"
    original = bom + text.encode(codec)
    page.write_bytes(original)
    result = lint_files([page], rules, today=date(2026, 12, 1), root=folder)
    assert result.errors == [] and result.notes == []
    outcome = apply_fixes(result.findings, folder, confine=[folder])
    # the oracle: each flagged "utilise" (by line and column) becomes "use"; nothing else
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    fixed = [f for f in result.findings if f.fix is not None and f.fix.safe]
    for f in sorted(fixed, key=lambda f: (f.line, -f.column)):
        line, at = lines[f.line - 1], f.column - 1
        assert line[at:at + 7] == "utilise"
        lines[f.line - 1] = line[:at] + "use" + line[at + 7:]
    expected = bom + "".join(lines).encode(codec)
    assert page.read_bytes() == expected
    assert outcome.applied == len(fixed)
    assert outcome.changed_files == (["p.md"] if fixed else [])
    assert outcome.notes == []
    assert sorted(p.name for p in folder.iterdir()) == [".git", "p.md"]  # no temp left
