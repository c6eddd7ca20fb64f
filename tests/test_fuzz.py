"""Bounded fuzz run through the real CLI entry point (issue 14, "Checked by").

3,000 generated hostile documents (seeds 0-2,999; see ``tests/fuzzdocs.py``) in 12
runs of 250, cycling through text, JSON, GitHub, SARIF and HTML output, ``--fix``
and ``--diff``, all offline. No run may raise, print a traceback or an internal
error, exit other than 0/1 (2 only for a file that cannot be read), put a control
character on standard error, write unparsable JSON/SARIF, print a text line that is
not one whole finding, or leave a temporary file. About 15 s of CPU. A longer run:
``bench/fuzz.py --seconds 600``.
"""

from __future__ import annotations

from fuzzdocs import FILE_NAMES, OPTION_SETS, check_run, document_bytes, fuzz


def test_fuzzed_documents_through_the_cli_never_crash() -> None:
    result = fuzz(iter(range(3000)), batch=250)
    assert (result.documents, result.runs) == (3000, 12)
    assert result.failures == []
    assert set(result.exit_codes) <= {0, 1}


def test_generator_is_seeded_and_hostile() -> None:
    assert document_bytes(7) == document_bytes(7)
    assert document_bytes(7) != document_bytes(8)
    corpus = [document_bytes(s) for s in range(300)]
    assert any(b"\x00" in d for d in corpus)           # binary files named .md
    assert any(d.startswith(b"\xff\xfe") for d in corpus)  # UTF-16
    assert any(b"\x1b[31m" in d for d in corpus)        # terminal escapes
    assert any(b"\r\n" in d for d in corpus) and any(b"\r" in d.replace(b"\r\n", b"")
                                                     for d in corpus)
    assert any("\n" in n for n in FILE_NAMES)
    assert len(OPTION_SETS) == 8


def test_checker_catches_what_it_looks_for() -> None:
    assert check_run(0, "", "", None) is None
    assert check_run(1, "a.md:1:2: error broken-link x\n", "", None) is None
    assert check_run(2, "", "x: cannot read: denied\n", None) is None
    assert check_run(0, "", "", "Traceback ...\nValueError: x") == "traceback: ValueError: x"
    assert check_run(2, "", "p.md: internal error in rule jargon: KeyError\n", None) == (
        "p.md: internal error in rule jargon: KeyError")
    assert check_run(2, "", "error: bad\n", None) == "exit status 2: error: bad"
    assert check_run(1, "a.md:1:2: error x y\nforged\n", "", None) == (
        "text output line is not one finding: 'forged'")
    assert check_run(1, "{", "", None, ["--format", "json"]).startswith(
        "json output does not parse")
    assert check_run(0, "", "playbook-lint: a\x1b.md\n", None).startswith(
        "control character on standard error")
