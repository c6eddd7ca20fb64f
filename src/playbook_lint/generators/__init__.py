"""Site generator adapters: one module per generator, each answering the same questions.

Modules: :mod:`~.jekyll`, :mod:`~.hugo`, :mod:`~.eleventy`, :mod:`~.middleman`
(also the GOV.UK Tech Docs Template), :mod:`~.mkdocs`, and :mod:`~.plain` (a
repository rendered by GitHub, the fallback when no generator config is found). The
questions and their cautious defaults are in :class:`~.base.Generator`.

:func:`detect` picks the adapter of a site root: the first (lowest ``priority``)
whose :meth:`~.base.Generator.detect` is true, else :class:`~.plain.Plain`.

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
    from playbook_lint.generators.plain import Plain

    return Plain.for_root(root)
