"""Hugo: https://gohugo.io/documentation/ .

* Markers: ``hugo.toml``/``hugo.yaml``/``hugo.json``, or ``config.toml`` beside a
  ``content/`` folder.
* Pages: ``content/**/*.md``; ``_index.md`` is a section page, ``x/index.md`` a leaf
  bundle; ``layouts/`` holds templates; ``static/`` is copied to the site root.
* URLs: the path below ``content/``, front matter ``url`` and ``slug``, config
  ``[permalinks]``, ``aliases`` (https://gohugo.io/content-management/urls/).
* Templates: ``{{< ref >}}``/``{{< relref >}}`` (shared with
  :mod:`playbook_lint.links.templates`); other shortcodes are not understood.
* Heading ids: Goldmark with ``autoHeadingIDType = "github"`` (the default), ``{#id}``
  honoured (https://gohugo.io/configuration/markup/#goldmark).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from playbook_lint.generators.base import Generator, HeadingIds


class Hugo(Generator):
    """Hugo sites (see the module docstring)."""

    name: ClassVar[str] = "hugo"
    label: ClassVar[str] = "Hugo"
    markers: ClassVar[tuple[str, ...]] = ("hugo.toml", "hugo.yaml", "hugo.json")
    priority: ClassVar[int] = 40
    page_extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown", ".html")
    source_dirs: ClassVar[tuple[str, ...]] = ("content",)
    static_dirs: ClassVar[tuple[str, ...]] = ("static",)
    partial_dirs: ClassVar[frozenset[str]] = frozenset({"layouts", "partials", "data",
                                                        "archetypes"})
    not_modelled: ClassVar[tuple[str, ...]] = ("shortcodes other than ref/relref",
                                               "render hooks")
    shared_urls: ClassVar[bool] = True
    docs: ClassVar[str] = "https://gohugo.io/documentation/"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.config: dict[str, Any] = {}
        for name in ("hugo.toml", "config.toml"):
            cfg = root / name
            if cfg.is_file():
                import tomllib  # (imported when a TOML config is there to read)

                try:
                    self.config = tomllib.loads(cfg.read_text(encoding="utf-8",
                                                              errors="replace"))
                except (OSError, tomllib.TOMLDecodeError):
                    self.config = {}
                break

    @classmethod
    def detect(cls, root: Path) -> bool:
        """``hugo.*`` at the root, or ``config.toml``/``config.yaml`` with ``content/``."""
        if super().detect(root):
            return True
        return any((root / n).is_file() for n in ("config.toml", "config.yaml")) and \
            (root / "content").is_dir()

    def permalinks(self) -> dict[str, str]:
        """``[permalinks]`` (section -> pattern; the ``page`` sub-table too)."""
        out: dict[str, str] = {}
        table = self.config.get("permalinks")
        if isinstance(table, dict):
            page = table.get("page")
            for section, pattern in {**table, **(page if isinstance(page, dict) else {})}.items():
                if isinstance(pattern, str):
                    out[str(section)] = pattern
        return out

    def base_url(self) -> str | None:
        """``baseURL`` from the config."""
        url = self.config.get("baseURL") or self.config.get("baseurl")
        return url.rstrip("/") if isinstance(url, str) and url.startswith("http") else None

    @property
    def heading_ids(self) -> HeadingIds:
        """Goldmark's ids (``github`` by default; ``github-ascii`` close enough;
        ``blackfriday`` is not modelled)."""
        markup = self.config.get("markup")
        goldmark = markup.get("goldmark") if isinstance(markup, dict) else None
        parser = goldmark.get("parser") if isinstance(goldmark, dict) else None
        kind = parser.get("autoHeadingIDType", "github") if isinstance(parser, dict) else "github"
        if isinstance(parser, dict) and parser.get("autoHeadingID") is False:
            return HeadingIds("Goldmark (autoHeadingID off)", None,
                              reason="Goldmark autoHeadingID is off in the Hugo config")
        if kind not in ("github", "github-ascii"):
            return HeadingIds(f"Goldmark {kind}", None,
                              reason=f'autoHeadingIDType "{kind}" is not modelled')
        return HeadingIds("Goldmark", super().heading_ids.slug)


ADAPTER = Hugo
