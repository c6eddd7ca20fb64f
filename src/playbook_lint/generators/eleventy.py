"""Eleventy (11ty): https://www.11ty.dev/docs/ .

* Markers: ``.eleventy.js``, ``eleventy.config.js``/``.mjs``/``.cjs``.
* Pages: every template format below the input folder (``dir.input`` in the config,
  default ``.``): ``.md``, ``.html``, ``.njk``, ``.liquid``; files listed in
  ``.eleventyignore`` are not published (they are repository documents, rendered by
  GitHub: see :meth:`Eleventy.ignores`).
* URLs (https://www.11ty.dev/docs/permalinks/): front matter ``permalink``, else a
  directory data file's (``<dir>/<dir>.11tydata.json``/``.js``, applying below that
  folder), else the path below the input folder (``a/b.md`` -> ``/a/b/``,
  ``a/index.md`` -> ``/a/``). A permalink template's ``{{ page.fileSlug }}`` and
  ``{{ page.filePathStem }}`` are known; any other expression (a custom filter such
  as ``toDatePath``) leaves that part of the URL unknown: links there are matched
  against a pattern (:func:`~playbook_lint.generators.base.url_pattern`).
  ``permalink: false`` pages are not published.
* Templates: the ``url`` filter (https://www.11ty.dev/docs/filters/url/): a site-root
  input is prefixed with ``pathPrefix``, a relative one is left relative (so it
  resolves from the page's published URL, not its file).
* Front matter: read by gray-matter, which takes an unclosed block to the end of the
  file: not a syntax error on an Eleventy site.
* Heading ids: none, unless ``markdown-it-anchor`` is set up in the config (its
  default slugify is modelled; a custom ``slugify`` is not, so fragments of such a
  site are not judged). ``markdown-it-attrs`` adds ``{#id}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar

import pathspec

from playbook_lint.generators.base import (
    Expansion,
    Generator,
    HeadingIds,
    PageUrl,
    strip_page_ext,
    url_pattern,
)
from playbook_lint.generators.slugs import markdown_it_anchor_id

if TYPE_CHECKING:
    from playbook_lint.site_model import SiteModel

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_URL_FILTER = re.compile(r"""^\{\{-?\s*(["'])(.*?)\1\s*\|\s*url\s*-?\}\}$""")
_JS_PERMALINK = re.compile(r"""\bpermalink\s*:\s*(["'`])(.*?)\1""", re.DOTALL)
_INPUT_DIR = re.compile(r"""\binput\s*:\s*(["'`])(.*?)\1""")
_REQUIRE = re.compile(r"""require\(\s*['"](\.[^'"]+)['"]\s*\)""")
_CONFIG_FILES = (".eleventy.js", "eleventy.config.js", "eleventy.config.mjs",
                 "eleventy.config.cjs")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


class Eleventy(Generator):
    """Eleventy sites (see the module docstring)."""

    name: ClassVar[str] = "eleventy"
    label: ClassVar[str] = "Eleventy"
    markers: ClassVar[tuple[str, ...]] = _CONFIG_FILES
    priority: ClassVar[int] = 30
    page_extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown", ".html", ".njk",
                                                  ".liquid")
    lenient_front_matter: ClassVar[bool] = True
    not_modelled: ClassVar[tuple[str, ...]] = (
        "custom filters and shortcodes", "computed data (eleventyComputed)",
        "JavaScript data files other than a plain permalink string",
    )
    docs: ClassVar[str] = "https://www.11ty.dev/docs/"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.config_text = "".join(_read(root / n) for n in _CONFIG_FILES)
        m = _INPUT_DIR.search(self.config_text)
        self.input = (m.group(2).strip("./") if m else "") or ""
        self._data_permalinks: dict[str, str | bool | None] = {}
        lines = _read(root / ".eleventyignore").splitlines()
        self._ignore = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        self._markdown_config = self._markdown_setup()

    def _markdown_setup(self) -> str:
        """The config's own text and the local JS modules it requires, followed up to
        four levels and 40 files (where ``markdown-it-anchor`` is usually set up)."""
        texts = [self.config_text]
        seen: set[Path] = set()
        todo = [(self.root, self.config_text, 0)]
        # a module's path is resolved (no symbolic link leads out of the site), so it is
        # compared with the resolved root: a site reached through a link is still itself
        real_root = self.root.resolve()
        while todo and len(seen) < 40:
            folder, text, depth = todo.pop()
            if depth >= 4:
                continue
            for req in _REQUIRE.findall(text):
                base = (folder / req).resolve()
                for cand in (base, base.with_suffix(".js"), base / "index.js"):
                    if cand.is_file() and real_root in cand.parents:
                        if cand not in seen:
                            seen.add(cand)
                            sub = _read(cand)
                            texts.append(sub)
                            todo.append((cand.parent, sub, depth + 1))
                        break
        return "\n".join(texts)

    def ignores(self, rel: str) -> bool:
        """True if ``.eleventyignore`` keeps the file at ``rel`` out of the site."""
        return self._ignore is not None and self._ignore.match_file(rel)

    def _below_input(self, rel: str) -> str | None:
        if not self.input:
            return rel
        prefix = self.input.rstrip("/") + "/"
        return rel[len(prefix):] if rel.startswith(prefix) else None

    def _dir_permalink(self, folder: PurePosixPath) -> str | bool | None:
        """The ``permalink`` of the nearest directory data file at or above ``folder``."""
        key = folder.as_posix()
        if key in self._data_permalinks:
            return self._data_permalinks[key]
        found: str | bool | None = None
        base = self.root / folder
        for ext in (".11tydata.json", ".11tydata.js", ".11tydata.cjs"):
            f = base / f"{folder.name}{ext}"
            if not folder.name or not f.is_file():
                continue
            text = _read(f)
            if ext.endswith("json"):
                try:
                    data = json.loads(text)
                except ValueError:
                    data = {}
                value = data.get("permalink") if isinstance(data, dict) else None
                found = value if isinstance(value, (str, bool)) else None
            else:
                m = _JS_PERMALINK.search(text)
                found = m.group(2) if m else None
            break
        if found is None and folder.parts:
            found = self._dir_permalink(folder.parent) if folder != folder.parent else None
        self._data_permalinks[key] = found
        return found

    def page_url(self, rel: str, data: Mapping[str, Any]) -> PageUrl:
        """See the module docstring."""
        below = self._below_input(rel)
        if below is None:
            return PageUrl(None, reason="outside the Eleventy input folder", published=False)
        if self.ignores(rel):
            return PageUrl(None, reason="listed in .eleventyignore", published=False)
        permalink: Any = data.get("permalink")
        if permalink is None:
            permalink = self._dir_permalink(PurePosixPath(rel).parent)
        if permalink is False:
            return PageUrl(None, reason="permalink: false", published=False)
        parts = PurePosixPath(below).parts
        stem = strip_page_ext(parts[-1]) or parts[-1]
        slug = stem if stem != "index" else (parts[-2] if len(parts) > 1 else "")
        slug = _DATED.sub("", slug)
        path_stem = "/" + "/".join([*parts[:-1], stem])
        if isinstance(permalink, str) and permalink.strip():
            values = {"page.fileSlug": slug, "page.filePathStem": path_stem}
            url, pattern = url_pattern(permalink.strip(), values)
            if url is not None:
                return PageUrl(url if url.startswith("/") else "/" + url)
            return PageUrl(None, pattern=pattern,
                           reason=f'its permalink "{permalink.strip()}" uses a template '
                           "this tool does not model")
        return PageUrl(self.path_url(below))

    def expand(self, expr: str, page: Path, site: SiteModel) -> Expansion | None:
        """The ``url`` filter: a relative input stays relative."""
        m = _URL_FILTER.match(expr)
        if m:
            return Expansion("url", m.group(2))
        return None

    @property
    def heading_ids(self) -> HeadingIds:
        """markdown-it-anchor's ids when it is set up (default slugify only)."""
        text = self._markdown_config
        if "markdown-it-anchor" not in text:
            return HeadingIds("Eleventy (markdown-it)", None,
                              reason="Eleventy adds no heading ids unless markdown-it-anchor "
                              "is set up")
        explicit = "markdown-it-attrs" in text
        call = re.search(r"markdownItAnchor\s*,\s*\{(.*?)\}\s*\)", text, re.DOTALL) or \
            re.search(r"markdown-it-anchor['\"]\)\s*,\s*\{(.*?)\}", text, re.DOTALL)
        if call and "slugify" in call.group(1):
            return HeadingIds("markdown-it-anchor (custom slugify)", None, explicit=explicit,
                              reason="headings get ids from a custom slugify function")
        return HeadingIds("markdown-it-anchor", markdown_it_anchor_id, explicit=explicit)


ADAPTER = Eleventy
