"""MkDocs: https://www.mkdocs.org/user-guide/ .

* Markers: ``mkdocs.yml``/``mkdocs.yaml`` at the site root.
* Pages: ``docs_dir`` (default ``docs/``) ``**/*.md``; ``index.md`` and ``README.md``
  are the folder's page.
* URLs: with ``use_directory_urls`` (the default) ``docs/a/b.md`` -> ``/a/b/``.
  Relative links are written to ``.md`` files and resolved by MkDocs from the
  source file.
* Heading ids: Python-Markdown's ``toc`` extension (``slugify``; repeats get ``_1``,
  ``_2``); ``attr_list`` adds ``{#id}`` (https://python-markdown.github.io/extensions/toc/).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from playbook_lint.generators.base import Generator, HeadingIds
from playbook_lint.generators.slugs import python_markdown_id


class MkDocs(Generator):
    """MkDocs sites (see the module docstring)."""

    name: ClassVar[str] = "mkdocs"
    label: ClassVar[str] = "MkDocs"
    markers: ClassVar[tuple[str, ...]] = ("mkdocs.yml", "mkdocs.yaml")
    priority: ClassVar[int] = 10
    not_modelled: ClassVar[tuple[str, ...]] = ("plugins and Markdown extensions other than "
                                               "toc and attr_list",)
    docs: ClassVar[str] = "https://www.mkdocs.org/user-guide/"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        text = ""
        for name in self.markers:
            try:
                text = (root / name).read_text(encoding="utf-8", errors="replace")
                break
            except OSError:
                continue
        m = re.search(r"^docs_dir:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
        self.docs_dir = m.group(1).strip("/") if m else "docs"
        self.config_text = text
        self.source_dirs = (self.docs_dir,)  # type: ignore[misc]

    @property
    def heading_ids(self) -> HeadingIds:
        """Python-Markdown ``toc`` ids (a custom ``slugify`` is not modelled)."""
        if re.search(r"^\s*slugify\s*:", self.config_text, re.MULTILINE):
            return HeadingIds("toc (custom slugify)", None,
                              reason="the toc extension uses a custom slugify")
        return HeadingIds("Python-Markdown toc", python_markdown_id, duplicate="{id}_{n}",
                          explicit="attr_list" in self.config_text)


ADAPTER = MkDocs
