"""Site generator adapters: one module per generator, each answering the same questions.

Modules: :mod:`~.jekyll`, :mod:`~.hugo`, :mod:`~.eleventy`, :mod:`~.middleman`
(also the GOV.UK Tech Docs Template), :mod:`~.mkdocs`, and :mod:`~.plain` (a
repository rendered by GitHub, the fallback when no generator config is found). The
questions and their cautious defaults are in :class:`~.base.Generator`.

:func:`detect` picks the adapter of a site root: the first (lowest ``priority``)
whose :meth:`~.base.Generator.detect` is true, else :class:`~.plain.Plain`.

What the site model (:mod:`playbook_lint.site`) and its adapter let the link rules
(``broken-link`` first) do:

- a site path (``/playbooks/x/``) resolves to the page published there (file path,
  ``permalink``/``url``, collections, sections, ``slug``, aliases, Eleventy
  directory data permalinks); a relative link also resolves from the page's
  *published* URL (``../two/`` on ``/a/one/`` is ``/a/two/``);
- template links are expanded as the generator does (``{{ site.baseurl }}``,
  ``relative_url``, Eleventy's ``url`` filter, ``{% link %}``, ``{% post_url %}``,
  Hugo ``ref``/``relref``; :mod:`playbook_lint.links.templates`), also in HTML
  ``href``/``src``; site paths written as front matter values are checked at the
  value;
- fragments are compared with the ids the generator's renderer gives headings
  (kramdown, Goldmark, markdown-it-anchor, Redcarpet, GitHub, Python-Markdown;
  explicit ``{#id}`` where honoured); text fragments (``#:~:text=``) are not
  anchors; Liquid ``{% comment %}``/``{% raw %}`` blocks are not checked;
- **an error is a certainty**: where the answer depends on what the tool does not
  model or cannot see, the finding is ``info`` and says what was not checked: a
  template or filter not understood, a page whose URL is a template, a generator
  that gives headings no ids or uses a custom slugify, a layout's landmark ids, a
  front matter key not named as a link, files a Markdown-only export lacks, a Hugo
  ref where the Hugo config is absent. Pages pulling in content at build time
  (includes, shortcodes) get no fragment checks; feeds and sitemaps the generator
  writes are not looked for.

Adding a generator (say Docusaurus) is one file and its tests:

1. write ``generators/docusaurus.py`` with a ``Generator`` subclass: ``name``,
   ``label``, ``markers`` (``docusaurus.config.js``), ``page_extensions``
   (``.md``, ``.mdx``), ``source_dirs`` (``docs``), ``page_url`` (front matter
   ``slug``), ``heading_ids``, ``not_modelled`` and ``docs``, and end it with
   ``ADAPTER = Docusaurus``. Every module of this package that defines ``ADAPTER`` is
   found by :func:`adapters`: nothing else to register;
2. add a fixture site under ``tests/fixtures/sites/docusaurus/`` and tests that assert
   exact findings (``tests/test_generators.py`` shows the pattern).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from playbook_lint.generators.base import Generator, HeadingIds, PageUrl
from playbook_lint.generators.plain import Plain

__all__ = ["Generator", "HeadingIds", "PageUrl", "adapters", "detect", "markers"]


@cache
def adapters() -> tuple[type[Generator], ...]:
    """Every adapter class of this package, in detection order (``priority``)."""
    found: list[type[Generator]] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in ("base", "slugs"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        cls = getattr(module, "ADAPTER", None)
        if isinstance(cls, type) and issubclass(cls, Generator):
            found.append(cls)
    return tuple(sorted(found, key=lambda c: (c.priority, c.name)))


@cache
def markers() -> tuple[str, ...]:
    """Every marker file name of every adapter."""
    return tuple(dict.fromkeys(m for cls in adapters() for m in cls.markers))


def detect(root: Path) -> Generator:
    """The adapter for the site at folder ``root`` (config read once, here)."""
    for cls in adapters():
        if cls.markers and cls.detect(root):
            return cls.for_root(root)
    return Plain.for_root(root)
