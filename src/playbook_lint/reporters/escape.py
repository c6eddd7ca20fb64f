"""Make untrusted text safe to print on one line of a terminal or CI log.

File names, messages and front matter values come from the files being linted, so
a hostile pull request controls them. Printed raw, a newline in a file name forges
a second finding line; ESC and BEL start terminal control sequences; bidirectional
overrides make a line read differently from what it holds ("Trojan Source",
https://trojansource.codes/, CVE-2021-42574). :func:`escape_controls` writes every
such character as a visible backslash escape.

Escaped: C0 controls (U+0000-U+001F, so newline, carriage return, tab, BEL and ESC
too), DEL (U+007F), C1 controls (U+0080-U+009F), the line and paragraph separators
U+2028/U+2029, and the Unicode bidirectional formatting characters U+061C, U+200E,
U+200F, U+202A-U+202E and U+2066-U+2069 (Unicode Standard Annex #9, "Explicit
Directional Formatting", https://www.unicode.org/reports/tr9/).
"""

from __future__ import annotations

import re

__all__ = ["escape_controls", "one_line"]

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def escape_controls(text: str, *, keep: str = "") -> str:
    """Return ``text`` with every control, separator and bidi formatting character
    written as ``\\n``, ``\\r``, ``\\t``, ``\\xHH`` or ``\\uHHHH``.

    Args:
        text: any string (a path, a message).
        keep: characters to leave as they are (e.g. ``"\\r\\n"`` when a later step
            encodes line breaks its own way, as GitHub workflow commands do).

    Returns:
        the escaped string; ``text`` itself when nothing needed escaping.
    """
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)
    return _UNSAFE.sub(_escape, text)


def one_line(message: str) -> str:
    """A message on one safe line: runs of whitespace (line breaks included) become
    one space, then what is left unsafe is escaped (see :func:`escape_controls`)."""
    return escape_controls(" ".join(message.split()))
