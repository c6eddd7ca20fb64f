"""Middleman and the GOV.UK Tech Docs Template built on it:
https://middlemanapp.com/basics/ , https://tdt-documentation.london.cloudapps.digital/ .

* Markers: ``config.rb`` at the site root.
* Pages: below ``source/``: ``x.html.md``, ``x.html.md.erb`` (Markdown with ERB, the
  Tech Docs Template's page format), ``x.html.markdown``, ``x.html.erb``; linted by
  default: the Markdown ones, ERB tags masked. Files whose name starts with ``_``
  (``_page_toc.html.md.erb``) are partials.
* URLs: the path below ``source/`` with the template extensions dropped:
  ``source/a/b.html.md`` -> ``/a/b.html`` (``/a/b/`` with ``directory_indexes``);
  ``index.html.md`` -> the folder. Relative links resolve from that URL.
* Templates: ERB (``<%= link_to ... %>``, ``<%= url_for ... %>``) is not modelled: a
  link written with it is ``info``.
* Heading ids: Redcarpet ``with_toc_data`` when the config uses the Tech Docs
  Template (``govuk_tech_docs``) or Redcarpet; else kramdown (Middleman's default
  Markdown engine, kramdown's own parser). Redcarpet honours no ``{#id}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar

from playbook_lint.generators.base import Generator, HeadingIds, PageUrl, strip_page_ext
from playbook_lint.generators.slugs import kramdown_id, redcarpet_id

if TYPE_CHECKING:
    from playbook_lint.fmdocumented import Documented


class Middleman(Generator):
    """Middleman and GOV.UK Tech Docs Template sites (see the module docstring)."""

    name: ClassVar[str] = "middleman"
    label: ClassVar[str] = "Middleman"
    markers: ClassVar[tuple[str, ...]] = ("config.rb",)
    priority: ClassVar[int] = 20
    page_extensions: ClassVar[tuple[str, ...]] = (
        ".html.md.erb", ".html.markdown", ".html.md", ".html.erb", ".md.erb", ".md",
        ".markdown",
    )
    lint_extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown", ".md.erb")
    source_dirs: ClassVar[tuple[str, ...]] = ("source",)
    partial_dirs: ClassVar[frozenset[str]] = frozenset({"layouts", "partials"})
    not_modelled: ClassVar[tuple[str, ...]] = (
        "ERB helpers (link_to, url_for, partial)", "proxy pages made in config.rb",
    )
    docs: ClassVar[str] = "https://middlemanapp.com/basics/"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        try:
            self.config_text = (root / "config.rb").read_text(encoding="utf-8",
                                                               errors="replace")
        except OSError:
            self.config_text = ""

    def page_url(self, rel: str, data: Mapping[str, Any]) -> PageUrl:
        """``source/a/b.html.md`` -> ``/a/b.html``; ``source/a/index.html.md`` -> ``/a/``
        (Middleman keeps the output extension, drops the template ones)."""
        parts = PurePosixPath(rel).parts
        if len(parts) < 2 or parts[0] != "source":
            return PageUrl(None, reason="outside source/", published=False)
        stem = strip_page_ext(parts[-1], (".md.erb", ".md", ".markdown", ".erb"))
        name = stem if stem is not None else parts[-1]
        folders = "/".join(parts[1:-1])
        prefix = "/" + folders + "/" if folders else "/"
        if name in ("index.html", "index"):
            return PageUrl(prefix)
        if "directory_indexes" in self.config_text:  # activate :directory_indexes
            return PageUrl(prefix + name.rsplit(".html", 1)[0] + "/")
        return PageUrl(prefix + (name if "." in name else name + ".html"))

    def unknown_pages(self) -> str | None:
        """``proxy`` pages made in ``config.rb`` have no source file."""
        if re.search(r"^\s*proxy\b", self.config_text, re.MULTILINE):
            return "config.rb makes proxy pages this tool does not model"
        return None

    def documented_front_matter(self) -> Documented | None:
        """The Tech Docs Template documents its keys; plain Middleman documents none."""
        from playbook_lint.fmdocumented import DOCUMENTED

        return DOCUMENTED["tech-docs"] if self.tech_docs else None

    @property
    def tech_docs(self) -> bool:
        """True for a GOV.UK Tech Docs Template site."""
        return "govuk_tech_docs" in self.config_text or "GovukTechDocs" in self.config_text

    @property
    def heading_ids(self) -> HeadingIds:
        """Redcarpet (Tech Docs Template, or ``:redcarpet`` set) else kramdown."""
        if self.tech_docs or "redcarpet" in self.config_text:
            return HeadingIds("Redcarpet", redcarpet_id, duplicate="", explicit=False)
        return HeadingIds("kramdown", kramdown_id)


ADAPTER = Middleman
