"""A repository rendered by GitHub (no site generator).

GitHub's rules: https://docs.github.com/en/get-started/writing-on-github (relative links:
"about READMEs", "Relative links and image paths").

Chosen for a tree with no generator config. Every Markdown file is a page, published
at its own path; relative links resolve from the file, ``/x`` from the repository
root; heading ids follow github-slugger (https://github.com/Flet/github-slugger).
GitHub shows ``{#id}`` literally (its slug includes it); a generator would honour
it: both ids count, and so do the ids the other adapters' renderers would give (a
fragment is an error only when no known generator would give a heading that id).

Because such a tree may still be published by a generator whose config is not there
(GitHub Pages runs Jekyll on a repository without ``_config.yml``; exports leave the
config out), a site-root link to a *page* path that matches no file is not certain:
:attr:`Plain.knows_urls` is False and such links are ``info``.
"""

from __future__ import annotations

from typing import ClassVar

from playbook_lint.generators.base import Generator, HeadingIds


class Plain(Generator):
    """A GitHub-rendered repository, the fallback (see the module docstring)."""

    name: ClassVar[str] = "plain"
    label: ClassVar[str] = "no site generator"
    markers: ClassVar[tuple[str, ...]] = ()
    priority: ClassVar[int] = 1000
    source_dirs: ClassVar[tuple[str, ...]] = ("source", "content", "static", "docs", "src",
                                              "pages")
    partial_dirs: ClassVar[frozenset[str]] = frozenset({
        "_includes", "_layouts", "includes", "layouts", "partials", "_partials", "_data",
        "data"})
    knows_urls: ClassVar[bool] = False
    not_modelled: ClassVar[tuple[str, ...]] = ("a site generator whose config is not in the "
                                               "tree",)
    docs: ClassVar[str] = "https://docs.github.com/en/get-started/writing-on-github"

    @property
    def heading_ids(self) -> HeadingIds:
        """github-slugger; an explicit ``{#id}`` and the ids of the other generators'
        renderers count too (one of them may publish the tree)."""
        from playbook_lint.generators.slugs import (
            kramdown_id,
            markdown_it_anchor_id,
            python_markdown_id,
            redcarpet_id,
        )

        return HeadingIds("GitHub", super().heading_ids.slug, explicit=True, literal_too=True,
                          alternatives=(kramdown_id, redcarpet_id, python_markdown_id,
                                        markdown_it_anchor_id))


ADAPTER = Plain
