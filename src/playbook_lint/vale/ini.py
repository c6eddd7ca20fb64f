"""Read a ``.vale.ini`` file as Vale does (https://vale.sh/docs/vale-ini).

The format is INI as read by Vale's ``go-ini`` fork: ``key = value`` lines, ``#`` or
``;`` comment lines (and inline comments after a space), ``[section]`` headers whose
names are glob patterns (``[*.md]``, ``[docs/**.md]``, ``[*]``); keys before the first
section form the core section. A key given twice keeps every value ("shadows"), and
list values are comma-separated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["IniFile", "IniError", "parse_ini", "split_list", "glob_to_regex"]


class IniError(Exception):
    """A ``.vale.ini`` file that cannot be read. ``str()`` names the file and line."""


@dataclass
class IniFile:
    """A parsed INI file.

    Attributes:
        sections: section name -> list of ``(key, value, line)`` in file order; the
            core section (keys before any header) is ``""``.
        order: section names in the order they first appear (``""`` first).
    """

    sections: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def values(self, section: str, key: str) -> list[str]:
        """Every value of ``key`` in ``section`` (shadows included), in file order."""
        return [v for k, v, _ in self.sections.get(section, []) if k == key]

    def last(self, section: str, key: str) -> str | None:
        """The last value of ``key`` in ``section``, or None."""
        vals = self.values(section, key)
        return vals[-1] if vals else None


_COMMENT = re.compile(r"\s[#;].*$")


def parse_ini(text: str, path: Path | str = ".vale.ini") -> IniFile:
    """Parse the text of a ``.vale.ini``.

    Raises:
        IniError: a line that is neither a comment, a section header nor ``key = value``.
    """
    ini = IniFile()
    ini.sections[""] = []
    ini.order.append("")
    current = ""
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            if current not in ini.sections:
                ini.sections[current] = []
                ini.order.append(current)
            continue
        if "=" not in line:
            raise IniError(f"{path}: line {n}: expected 'key = value' or '[section]'")
        key, _, value = line.partition("=")
        value = _COMMENT.sub("", value).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        ini.sections[current].append((key.strip(), value, n))
    return ini


def split_list(values: list[str]) -> list[str]:
    """Comma-separated values (every shadow) as one list, stripped, blanks and
    repeats dropped (Vale's ``mergeValues``)."""
    out: list[str] = []
    for v in values:
        for item in v.split(","):
            item = item.strip()
            if item and item not in out:
                out.append(item)
    return out


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a section glob as Vale's ``gobwas/glob`` reads it (no separators, so
    ``*`` also matches ``/``): ``*`` and ``**`` any run, ``?`` one character,
    ``[abc]``/``[!abc]`` a class, ``{a,b}`` alternatives."""
    out: list[str] = []
    i, n = 0, len(pattern)
    depth = 0
    while i < n:
        c = pattern[i]
        if c == "*":
            while i + 1 < n and pattern[i + 1] == "*":
                i += 1
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        elif c == "{":
            depth += 1
            out.append("(?:")
        elif c == "}" and depth:
            depth -= 1
            out.append(")")
        elif c == "," and depth:
            out.append("|")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)
