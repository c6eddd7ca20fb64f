"""Jekyll (and GitHub Pages): https://jekyllrb.com/docs/ .

* Markers: ``_config.yml``, ``_config.yaml`` or ``_config.toml`` at the site root.
* Pages: Markdown and HTML files with front matter; files without front matter in
  ``_includes``, ``_layouts``, ``_data`` or any ``_folder`` are partials.
* URLs: ``permalink`` (plain or a ``:placeholder`` pattern), the site-wide
  ``permalink`` style, collections ``_name/x.md`` (``collections.<name>.permalink``),
  posts ``_posts/YYYY-MM-DD-title.md`` -> ``/YYYY/MM/DD/title/``, ``redirect_from``
  (https://jekyllrb.com/docs/permalinks/).
* Templates: ``{{ site.baseurl }}``, ``relative_url``/``absolute_url`` (a relative input
  is made site-root: https://jekyllrb.com/docs/liquid/filters/), ``{% link %}``,
  ``{% post_url %}`` (shared with :mod:`playbook_lint.links.templates`).
* Heading ids: kramdown ``auto_ids``; Jekyll's default input is GFM (GitHub's
  algorithm); ``kramdown: {input: kramdown}`` switches to kramdown's own.
  ``{#id}`` and ``{: #id}`` are honoured.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from playbook_lint.generators.base import Generator, HeadingIds
from playbook_lint.generators.slugs import kramdown_id


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, yaml.YAMLError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


class Jekyll(Generator):
    """Jekyll sites (see the module docstring)."""

    name: ClassVar[str] = "jekyll"
    label: ClassVar[str] = "Jekyll"
    markers: ClassVar[tuple[str, ...]] = ("_config.yml", "_config.yaml", "_config.toml")
    priority: ClassVar[int] = 50
    page_extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown", ".html", ".htm")
    partial_dirs: ClassVar[frozenset[str]] = frozenset({"_includes", "_layouts", "_data",
                                                        "_sass"})
    not_modelled: ClassVar[tuple[str, ...]] = (
        "plugins (Ruby code in _plugins/ and gems)", "Liquid logic in layouts",
    )
    shared_urls: ClassVar[bool] = True
    docs: ClassVar[str] = "https://jekyllrb.com/docs/"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.config = _read_yaml(root / "_config.yml") or _read_yaml(root / "_config.yaml")

    def permalinks(self) -> dict[str, str]:
        """``permalink`` (``*`` and ``posts``) and ``collections.<name>.permalink``."""
        out: dict[str, str] = {}
        data = self.config
        if isinstance(data.get("permalink"), str):
            out["*"] = out["posts"] = data["permalink"]
        cols = data.get("collections")
        if isinstance(cols, dict):
            for name, spec in cols.items():
                if isinstance(spec, dict) and isinstance(spec.get("permalink"), str):
                    out[str(name)] = spec["permalink"]
        return out

    def path_prefix(self) -> str:
        """``baseurl`` from ``_config.yml`` (``/guide``), or ""."""
        value = self.config.get("baseurl")
        if isinstance(value, str) and value.startswith("/"):
            return value.rstrip("/")
        return ""

    def base_url(self) -> str | None:
        """``url`` + ``baseurl`` from ``_config.yml``."""
        url = self.config.get("url")
        if isinstance(url, str) and re.match(r"https?://", url):
            return url.rstrip("/") + self.path_prefix()
        return None

    @property
    def heading_ids(self) -> HeadingIds:
        """kramdown ``auto_ids``: GFM input (default) or kramdown's own parser."""
        kd = self.config.get("kramdown")
        kd = kd if isinstance(kd, dict) else {}
        if kd.get("auto_ids") is False:
            return HeadingIds("kramdown (auto_ids off)", None,
                              reason="kramdown auto_ids is off in _config.yml")
        markdown = str(self.config.get("markdown", "kramdown")).lower()
        if markdown not in ("kramdown", "gfm"):
            return HeadingIds(markdown, None,
                              reason=f'the Markdown converter "{markdown}" is not modelled')
        if str(kd.get("input", "GFM")).lower() == "kramdown":
            return HeadingIds("kramdown", kramdown_id)
        return super().heading_ids


ADAPTER = Jekyll
