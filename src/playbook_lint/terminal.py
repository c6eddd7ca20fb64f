"""Rule documentation (Markdown in docstrings) rendered for a terminal.

Only the Markdown that rule docstrings use: ``## headings``, ``**bold**`` leads, inline
`` `code` ``, ``*``/``-`` bullet lists and fenced code blocks. Markers are removed;
with ``color`` the bold parts are bold and code is cyan (ANSI, via click.style), so
``playbook-lint explain RULE`` reads like a man page rather than raw Markdown.
"""

from __future__ import annotations

import re

import click

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_BULLET = re.compile(r"^(\s*)[*-] ", re.M)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")


def render_markdown(text: str, *, color: bool = False) -> str:
    """``text`` (rule-docstring Markdown) as terminal text.

    Args:
        text: the Markdown.
        color: add ANSI styles (bold, cyan code); False gives plain text.

    Returns:
        The rendered text; fenced code blocks are indented four spaces, fences dropped.
    """
    out: list[str] = []
    in_fence = False
    in_item = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            code = "    " + line
            out.append(click.style(code, fg="cyan") if color else code)
            continue
        heading = _HEADING.match(line)
        if heading:
            in_item = False
            title = heading.group(1)
            out.append(click.style(title, bold=True, underline=True) if color else title)
            continue
        if _BULLET.match(line):
            in_item = True
            line = _BULLET.sub(lambda m: f"{m.group(1)}  • ", line)
        elif not line.strip():
            in_item = False
        elif in_item:  # a bullet's continuation lines line up under its text
            line = "    " + line.lstrip()
        line = _CODE.sub(lambda m: click.style(m.group(1), fg="cyan") if color
                         else m.group(1), line)
        out.append(line)
    joined = "\n".join(out)
    return _BOLD.sub(lambda m: click.style(m.group(1), bold=True) if color
                     else m.group(1), joined)
