"""Tests for playbook_lint.scope.prose_text: which characters are prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_lint.document import Document
from playbook_lint.scope import prose_text


def prose(text: str) -> str:
    return prose_text(Document(Path("/w/page.md"), text))


def blanked(text: str, *parts: str) -> str:
    """``text`` with each of ``parts`` (found in order, left to right) replaced by spaces."""
    out, pos = text, 0
    for part in parts:
        i = out.index(part, pos)
        out = out[:i] + "".join("\n" if c == "\n" else " " for c in part) + out[i + len(part):]
        pos = i + len(part)
    return out


def prose_lines(text: str) -> list[str]:
    """The prose of each line, trailing spaces dropped (lengths are checked separately)."""
    return [line.rstrip() for line in prose(text).split("\n")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain\n",
        "---\ntitle: x\n---\nBody `code` [a](b) <i>x</i>\n",
        "```\nunclosed fence\n",
        "[unclosed link](http://x.example\n",
        "<!-- never closed\n\ntext\n",
        "`` odd ` run\n",
        "{{ unclosed liquid\n",
        "> - [x](<y z>) ![](q 'title') *em* __st__\n",
        "\ufeffx\r\n",
        "| a | b |\n|---|---|\n| `c|d` | e |\n",
    ],
)
def test_same_length_and_newlines(text: str) -> None:
    out = prose(text)
    assert len(out) == len(text)
    assert [i for i, c in enumerate(out) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]


def test_front_matter_is_not_prose() -> None:
    text = "---\ntitle: We utilise\n---\nBody text\n"
    assert prose_lines(text) == ["", "", "", "Body text", ""]


def test_fenced_and_indented_code_blocks_are_not_prose() -> None:
    text = "Intro\n\n```python\nutilise()\n```\n\n    indented utilise\n\nAfter\n"
    assert prose_lines(text) == ["Intro", "", "", "", "", "", "", "", "After", ""]


def test_code_spans_follow_backtick_run_lengths() -> None:
    text = "a `one` b ``two ` still`` c ```x`` y``` d\n"
    assert prose(text) == blanked(text, "`one`", "``two ` still``", "```x`` y```")


def test_unmatched_backticks_are_literal_text() -> None:
    assert prose_lines("a `` b ` c\n") == ["a `` b ` c", ""]


def test_escaped_backtick_does_not_open_a_code_span() -> None:
    assert prose_lines("a \\`b` c\n") == ["a \\`b` c", ""]


def test_links_keep_text_and_drop_destination_and_title() -> None:
    text = 'See [the guide](http://g.example/x "Guide title") and ![a chart](c.png).\n'
    assert prose(text) == blanked(text, '(http://g.example/x "Guide title")', "(c.png)")


def test_link_destination_with_parentheses_and_angle_brackets() -> None:
    text = "[a](x(y)z) [b](<p q>)\n"
    assert prose_lines(text) == ["[a]        [b]", ""]


def test_reference_links_and_definitions() -> None:
    text = "Read [the text][ref] and [ref].\n\n[ref]: https://r.example \"T\"\n"
    assert prose_lines(text) == ["Read [the text]      and [ref].", "", "", ""]


def test_autolinks_bare_urls_and_email_addresses() -> None:
    text = "Go to <https://a.example/x> or https://b.example/y. Mail me@c.example now\n"
    assert prose(text) == blanked(
        text, "<https://a.example/x>", "https://b.example/y", "me@c.example"
    )


def test_inline_html_tags_attributes_and_comments() -> None:
    text = 'A <a href="/x" title="utilise">link</a> <!-- utilise --> b &amp; c\n'
    assert prose(text) == blanked(
        text, '<a href="/x" title="utilise">', "</a>", "<!-- utilise -->", "&amp;"
    )


def test_html_block_keeps_text_between_tags() -> None:
    text = '<div class="note">\n<p>Some <em>words</em></p>\n<script>var x;</script>\n</div>\n'
    assert prose_lines(text) == ["", "   Some     words", "", "", ""]


def test_inline_code_element_is_not_prose() -> None:
    text = "Run <code>utilise</code> now\n"
    assert prose(text) == blanked(text, "<code>utilise</code>")


def test_liquid_hugo_erb_and_kramdown() -> None:
    text = (
        "A {{ site.baseurl }} b {% link x.md %} c {{< ref \"y\" >}} d <%= e %> f {: .cls}\n"
        "{% highlight ruby %}\nutilise\n{% endhighlight %}\n"
    )
    assert prose(text) == blanked(
        text, "{{ site.baseurl }}", "{% link x.md %}", '{{< ref "y" >}}', "<%= e %>", "{: .cls}",
        "{% highlight ruby %}\nutilise\n{% endhighlight %}",
    )


def test_hugo_highlight_with_a_language_is_code_without_one_is_prose() -> None:
    text = (
        "{{< highlight go >}}\nutilise()\n{{< /highlight >}}\n\n"
        "We {{< highlight >}}utilise a .gov domain{{< /highlight >}} now.\n"
    )
    assert prose(text) == blanked(
        text, "{{< highlight go >}}\nutilise()\n{{< /highlight >}}", "{{< highlight >}}",
        "{{< /highlight >}}",
    )


def test_headings_lose_their_markers() -> None:
    text = "## Key facts ##\n\nSetext title\n============\n"
    assert prose_lines(text) == ["   Key facts", "", "Setext title", "", ""]


def test_container_markers_are_blanked_so_phrases_continue() -> None:
    text = "> in order\n> to act\n\n- in order\n  to act\n\n1. in order\n   to act\n"
    assert prose_lines(text) == [
        "  in order", "  to act", "", "  in order", "  to act", "", "   in order", "   to act", "",
    ]


def test_lazy_continuation_line_in_blockquote_is_prose() -> None:
    assert prose_lines("> in order\nto act\n") == ["  in order", "to act", ""]


def test_table_cells_are_prose_code_in_cells_is_not() -> None:
    text = "| Term | Note |\n|---|---|\n| key | `key` |\n"
    assert prose_lines(text) == ["| Term | Note |", "|---|---|", "| key |       |", ""]


def test_emphasis_delimiters_are_blanked_but_intraword_underscores_kept() -> None:
    text = "**Bold** and __strong__ and *em* and ~~gone~~ snake_case\n"
    assert prose(text) == blanked(
        text, "**", "**", "__", "__", "*", "*", "~~", "~~"
    )


def test_thematic_break_and_blank_lines() -> None:
    assert prose_lines("a\n\n***\n\nb\n") == ["a", "", "", "", "b", ""]


def test_crlf_text_normalised_by_document() -> None:
    doc = Document.from_bytes(Path("/w/p.md"), b"Use `x`\r\nnow\r\n")
    assert doc.prose == "Use    \nnow\n"


def test_random_markdown_never_raises_and_only_blanks() -> None:
    """Seeded random soup of Markdown syntax: same length, same newlines, and every
    character either kept or replaced by a space."""
    import random

    alphabet = list("ab key in order \n\n> - * _ ` [ ] ( ) < > ! # | { } % = \" ' \\ & ; : / . "
                    "http:// www. ---\n +++ \t é ț \u0326 \x00")
    rng = random.Random(3)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 160)))
        out = prose(text)
        assert len(out) == len(text)
        assert all((a == "\n") == (b == "\n") for a, b in zip(text, out, strict=True))
        assert all(b in (a, " ") for a, b in zip(text, out, strict=True))
