"""Seeded generator of hostile Markdown documents, and a CLI driver, for fuzzing.

Used by ``tests/test_fuzz.py`` (a bounded run in the suite) and ``bench/fuzz.py``
(a long run on demand). Every document comes from ``random.Random(seed)``, so a
failure is reproduced by its seed alone.

A document mixes: front matter (YAML or TOML, valid or broken: duplicate keys,
tabs, anchors and aliases, deep nesting, odd scalars, unclosed fences), headings,
every link form the extractor knows (inline, reference, autolink, bare URL, HTML
``<a>``/``<img>``, fragments, site-root links, Liquid/Hugo templates), images with
and without alt text, code fences (some unclosed), backtick runs, HTML comments and
suppression comments naming real and unknown rules, tables, jargon, and hostile
text (control characters, bidi overrides, combining marks, NUL bytes, very long
lines). Its bytes then get an encoding (UTF-8, BOMs, UTF-16, cp1252, invalid
UTF-8), line endings (LF, CRLF, CR, mixed) and sometimes byte-level mutation
(flips, truncation, splices).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playbook_lint.atomic import is_fix_temp

WORDS = ["the", "service", "we", "utilise", "in order to", "leverage", "users", "data",
         "guide", "GOV.UK", "deliver", "facilitate", "plan", "caf\u00e9", "na\u00efve",
         "\u4e2d\u6587", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "e\u0301", "\U0001f600",
         "key performance indicators", "impact", "going forward", "robust", "agenda"]
HOSTILE = ["\x1b[31m", "\x07", "\u202e", "\u2066", "\u200f", "\x00", "\x0b", "\x0c", "\x7f",
           "\x85", "\u2028", "\ufeff", "\ud800", "\\", "`", "``", "```", "<", ">", "&", "*",
           "_", "[", "]", "(", ")", "{{", "}}", "{%", "%}", "<!--", "-->", "|", "#", "\t"]
RULES = ["jargon", "broken-link", "missing-alt-text", "outdated-link", "front-matter-invalid",
         "front-matter-missing", "redirected-link", "PL101", "PL301", "no-such-rule", ""]
URLS = ["https://example.gov/a", "http://old.example.gov/2015/01/x", "https://www.gov.uk/x",
        "#intro", "#", "#%E2%9C%93", "other.md", "other.md#part", "../up.md", "/guides/x/",
        "/", "sub/", "mailto:a@example.gov", "tel:+441234", "javascript:alert(1)",
        "data:text/html,x", "https://[::1/x", "http://127.0.0.1:1/", "https://example.gov/%zz",
        "{{ site.baseurl }}/x", "{% link other.md %}", "{{< ref \"other.md\" >}}",
        "{{ '/x' | relative_url }}", "https://example.gov/a b", "<https://example.gov/>",
        "https://xn--80ak6aa92e.com/", "file:///etc/passwd", "https://" + "a" * 300 + ".gov/"]


def _text(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        out.append(rng.choice(HOSTILE) if r < 0.12 else rng.choice(WORDS))
    return " ".join(out)


def _front_matter(rng: random.Random) -> str:
    kind = rng.randrange(10)
    keys = ["title", "description", "layout", "date", "permalink", "tags", "redirect_from",
            "status", "slug", "url", "aliases", "draft"]
    if kind == 0:
        return "+++\n" + "".join(f'{rng.choice(keys)} = "{_text(rng, 2)}"\n'
                                 for _ in range(rng.randrange(5))) + rng.choice(["+++\n", ""])
    lines = []
    for _ in range(rng.randrange(8)):
        k = rng.choice(keys + [_text(rng, 1), "? complex", "<<", "- item"])
        v = rng.choice([_text(rng, rng.randrange(4)), '"quoted \\e[2J"', "[a, b", "{x: 1}",
                        "&anchor value", "*anchor", "!!python/object:os.system x",
                        "2026-13-45", "1e999", "0x" + "f" * 40, "|\n  block\n   more",
                        "\n  - nested\n  -\t- tab", "yes", "~", "'unterminated",
                        "[" * 60 + "]" * 60, rng.choice(URLS)])
        sep = rng.choice([": ", ":\t", ":", " : "])
        lines.append(f"{k}{sep}{v}")
    if rng.random() < 0.2:
        lines += [f"dup: {i}" for i in range(rng.randrange(2, 40))]
    close = rng.choice(["---\n", "---\n", "...\n", "", "--- \n"])
    return "---\n" + "\n".join(lines) + "\n" + close


def _block(rng: random.Random, headings: list[str]) -> str:
    kind = rng.randrange(16)
    url = rng.choice(URLS + [f"#{h}" for h in headings[-3:]])
    if kind == 0:
        h = _text(rng, rng.randint(1, 4))
        headings.append("-".join(h.lower().split()))
        return "#" * rng.randint(1, 7) + " " + h
    if kind == 1:
        title = rng.choice(["", ' "t"', " (t)", ""])
        return f"[{_text(rng, 2)}]({url}{title})"
    if kind == 2:
        return f"![{rng.choice(['', 'image', _text(rng, 2)])}]({url})"
    if kind == 3:
        return f"[{_text(rng, 1)}][ref{rng.randrange(3)}]\n\n[ref{rng.randrange(3)}]: {url}"
    if kind == 4:
        end = rng.choice([">", ' alt="">', " alt>", ' aria-hidden="true">', ""])
        return f'<a href="{url}">{_text(rng, 1)}</a> <img src="x.png"' + end
    if kind == 5:
        fence = rng.choice(["```", "~~~", "````"])
        return f"{fence}{rng.choice(['', 'md', 'yaml'])}\n{_text(rng, 5)}\n" + rng.choice(
            [fence, "", "``"])
    if kind == 6:
        return "`" * rng.randint(1, 5) + _text(rng, 3) + "`" * rng.randint(0, 5)
    if kind == 7:
        what = rng.choice(["disable", "enable", "disable-next-line", "disable-line", "bogus"])
        return f"<!-- playbook-lint-{what} {rng.choice(RULES)} -->" + rng.choice(["", " x"])
    if kind == 8:
        return "| a | b |\n|---|:-:|\n| " + _text(rng, 2) + " | " + url + " |"
    if kind == 9:
        return "    " + _text(rng, 4)  # indented code
    if kind == 10:
        return "- " + _text(rng, 3) + "\n  - " + f"<{url}>"
    if kind == 11:
        return rng.choice(["{{< img src=\"a.png\" alt=\"\" >}}", "{% include x.html %}",
                           "{{ content }}", "<%= partial 'x' %>", "{{% note %}}x{{% /note %}}"])
    if kind == 12:
        return "x" * rng.randint(500, 5000)
    if kind == 13:
        return '<div id="' + _text(rng, 1) + '" name=x>' + rng.choice(["</div>", ""])
    return _text(rng, rng.randint(1, 30))


def markdown_text(rng: random.Random) -> str:
    """One generated document as text (before encoding)."""
    parts = []
    if rng.random() < 0.7:
        parts.append(_front_matter(rng))
    headings: list[str] = []
    for _ in range(rng.randint(0, 15)):
        parts.append(_block(rng, headings))
    return rng.choice(["\n\n", "\n", "\n\n\n"]).join(parts)


def _encode(rng: random.Random, text: str) -> bytes:
    ending = rng.choice(["\n", "\r\n", "\r", "mixed"])
    if ending == "mixed":
        text = "".join(line + rng.choice(["\n", "\r\n", "\r"])
                       for line in text.split("\n"))
    elif ending != "\n":
        text = text.replace("\n", ending)
    enc = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252",
                      "latin-1", "bom+cp1252", "utf-32"])
    if enc == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be", "surrogatepass")
    if enc == "bom+cp1252":
        return b"\xef\xbb\xbf" + text.encode("cp1252", "replace")
    return text.encode(enc, "surrogatepass" if enc.startswith("utf") else "replace")


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(4)
        if not buf:
            break
        i = rng.randrange(len(buf))
        if op == 0:
            buf[i] = rng.randrange(256)
        elif op == 1:
            del buf[i:]
        elif op == 2:
            j = rng.randrange(len(buf))
            buf[i:i] = buf[j:j + rng.randint(1, 64)]
        else:
            buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(buf)


def document_bytes(seed: int) -> bytes:
    """The bytes of generated document number ``seed``."""
    rng = random.Random(seed)
    data = _encode(rng, markdown_text(rng))
    if rng.random() < 0.25:
        data = _mutate(rng, data)
    return data


FILE_NAMES = ["a.md", "b.md", "other.md", "index.md", "x\nfake.md", "\u202egnp.md",
              "caf\u00e9.md", "sp ace.md", "e\x1b[2J.md", "_index.md", "README.md"]

#: Option sets the fuzz runs cycle through (always offline: no network).
OPTION_SETS: list[list[str]] = [
    ["--offline"],
    ["--offline", "--format", "json"],
    ["--offline", "--format", "github"],
    ["--offline", "--format", "sarif"],
    ["--offline", "--format", "html", "-o", "report.html"],
    ["--offline", "--fix", "--unsafe-fixes"],
    ["--offline", "--diff", "--unsafe-fixes"],
    ["--offline", "--fix"],
]


@dataclass
class FuzzResult:
    """What a fuzz run saw.

    Attributes:
        documents: documents linted.
        runs: CLI invocations.
        failures: one line per failure: ``seed range, options: what went wrong``.
        exit_codes: how many runs ended with each exit status.
    """

    documents: int = 0
    runs: int = 0
    failures: list[str] = field(default_factory=list)
    exit_codes: dict[int, int] = field(default_factory=dict)


def _layout(rng: random.Random, folder: Path, seeds: Sequence[int]) -> None:
    (folder / ".git").mkdir()
    if rng.random() < 0.3:
        (folder / rng.choice(["_config.yml", "hugo.toml", "config.toml", ".eleventy.js"])
         ).write_text(rng.choice(["", "baseurl: /x\n", "permalink: pretty\n", "[x\n"]),
                      encoding="utf-8")
    for i, seed in enumerate(seeds):
        sub = folder / rng.choice(["", "docs", "content/posts", "_posts", "docs/deep/er"])
        sub.mkdir(parents=True, exist_ok=True)
        name = rng.choice(FILE_NAMES) if rng.random() < 0.3 else f"p{i}.md"
        (sub / name).write_bytes(document_bytes(seed))


def run_cli(args: list[str], cwd: Path) -> tuple[int, str, str, str | None]:
    """Run ``playbook_lint.cli.main(args)`` in-process in ``cwd``.

    Returns ``(exit status, stdout, stderr, traceback or None)``; an exception that
    escapes ``main`` is caught and returned as its formatted traceback.
    """
    import os
    import traceback

    from playbook_lint.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    code = 0
    tb = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
            except SystemExit as exc:
                code = int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except Exception:  # noqa: BLE001 - this is what the fuzzer is looking for
        tb = traceback.format_exc()
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue(), tb


_TEXT_LINE = re.compile(r"[^\x00-\x1f\x7f]+:\d+:\d+: (?:error|warning|info) [a-z0-9-]+ .*")


def check_run(code: int, out: str, err: str, tb: str | None,
              options: Sequence[str] = ()) -> str | None:
    """Return why a run failed (None when it is fine): a traceback, an internal error,
    an exit status other than 0, 1 or 2, exit 2 for anything but a file that could
    not be read, a control character on standard error, JSON or SARIF output that
    does not parse, or a text output line that is not one whole finding."""
    if tb is not None:
        return "traceback: " + tb.strip().splitlines()[-1]
    if "Traceback (most recent call last)" in out + err:
        return "traceback in output"
    for line in err.splitlines():
        if "internal error" in line:
            return line
    if code not in (0, 1, 2):
        return f"exit status {code}"
    if code == 2 and "cannot read" not in err:
        return "exit status 2: " + (err.strip().splitlines() or ["(no message)"])[-1]
    if re.search(r"[\x00-\x09\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]", err):
        return "control character on standard error: " + repr(err[:200])
    fmt = options[list(options).index("--format") + 1] if "--format" in options else "text"
    if fmt in ("json", "sarif"):
        try:
            json.loads(out)
        except ValueError as exc:
            return f"{fmt} output does not parse: {exc}"
    elif fmt == "text" and "--diff" not in options:
        for line in out.splitlines():
            if not _TEXT_LINE.fullmatch(line):
                return f"text output line is not one finding: {line[:200]!r}"
    return None


def fuzz(
    seeds: Iterator[int], *, batch: int = 40, stop: Callable[[], bool] = lambda: False,
    on_batch: Callable[[FuzzResult], None] | None = None,
) -> FuzzResult:
    """Lint generated documents through the CLI, ``batch`` documents per run, cycling
    through :data:`OPTION_SETS`, until ``seeds`` runs out or ``stop()`` is true.

    Returns a :class:`FuzzResult`. Temporary folders are removed.
    """
    result = FuzzResult()
    chunk: list[int] = []

    def flush() -> None:
        rng = random.Random(chunk[0])
        options = OPTION_SETS[result.runs % len(OPTION_SETS)]
        folder = Path(tempfile.mkdtemp(prefix="pl-fuzz-"))
        try:
            _layout(rng, folder, chunk)
            code, out, err, tb = run_cli([*options, "."], folder)
            left = [p.name for p in folder.rglob("*") if is_fix_temp(p.name)]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        result.runs += 1
        result.documents += len(chunk)
        result.exit_codes[code] = result.exit_codes.get(code, 0) + 1
        why = check_run(code, out, err, tb, options)
        if why is None and left:
            why = f"temporary files left behind: {left[:3]}"
        if why is not None:
            result.failures.append(f"seeds {chunk[0]}-{chunk[-1]}, {' '.join(options)}: {why}")
        if on_batch is not None:
            on_batch(result)

    for seed in seeds:
        chunk.append(seed)
        if len(chunk) == batch:
            flush()
            chunk = []
            if stop():
                break
    if chunk:
        flush()
    return result
