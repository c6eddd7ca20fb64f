"""What rules may ask of the site model: the :class:`SiteModel` protocol.

``Context.site`` is a :class:`SiteModel` (or None when no site was modelled).
:class:`playbook_lint.site.Site` answers it from an index built once;
:class:`playbook_lint.site.LazySite` answers the cheap questions itself and builds the
full :class:`~playbook_lint.site.Site` on the first question that needs the index.
Rules use only these members, so neither class is named in a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from playbook_lint.generators.base import Generator, HeadingIds
    from playbook_lint.site import LazySite, Page, Site

__all__ = ["SiteModel"]


class SiteModel(Protocol):
    """Questions about one static site. Paths are absolute; URL paths start with ``/``.

    Attributes (read-only):
        root: the site root folder.
        generator: the site's generator adapter (see :mod:`playbook_lint.generators`),
            or None when none was picked.
        pages: the pages, by absolute source path (see :class:`~playbook_lint.site.Page`).
        has_assets: False when the tree holds no file but Markdown pages (an export),
            so assets and pages built from other sources are not in it.
        heading_ids: how the generator gives headings ids.
    """

    @property
    def root(self) -> Path: ...

    @property
    def generator(self) -> Generator | None: ...

    @property
    def pages(self) -> Mapping[Path, Page]: ...

    @property
    def has_assets(self) -> bool: ...

    @property
    def heading_ids(self) -> HeadingIds: ...

    def page_for_url(self, path: str) -> Path | None:
        """The source of the page published at URL path ``path``, or None."""
        ...

    def url_of(self, source: Path) -> str | None:
        """The canonical URL path of the page built from ``source``, or None."""
        ...

    def source_file(self, rel: str) -> Path | None:
        """The page source at ``rel`` (relative to the site root), or None."""
        ...

    def hugo_ref(self, ref: str, page: Path) -> Path | None:
        """The page a Hugo ``ref``/``relref`` argument on ``page`` names, or None."""
        ...

    def own_path(self, url: str) -> str | None:
        """The path (``/x/#y``) of an absolute URL on the site's own address, else None."""
        ...

    def unresolved_reason(self, markdown_targets: bool = False) -> str | None:
        """Why a site path naming no page may still exist, or None when every page's
        URL is known."""
        ...

    def link_bases(self, source: Path) -> list[str]:
        """The URL folders a relative link on the page ``source`` resolves from."""
        ...

    def anchors_incomplete(self, source: Path) -> bool:
        """True if the page ``source`` pulls in content at build time (its anchors are
        not all known)."""
        ...

    def layout_anchors(self, source: Path) -> frozenset[str]:
        """Anchors the page's layout adds (the slug of its ``title``)."""
        ...

    def claimants(self, url: str) -> list[Path]:
        """Pages whose front matter sets ``permalink``/``url`` to ``url``."""
        ...

    def image_alt(self, uid: str) -> tuple[bool, str | None]:
        """Hugo image data ``(known, alt)`` for ``data/images/<uid>.yml``."""
        ...

    def is_page(self, path: Path) -> bool:
        """True if page rules should lint ``path`` (not furniture, partials, excluded)."""
        ...


if TYPE_CHECKING:
    def _both_answer(site: Site, lazy: LazySite) -> tuple[SiteModel, SiteModel]:
        """Never called: mypy checks here that both classes satisfy the protocol
        (a :class:`LazySite` hands what it does not answer itself to the built
        :class:`Site`; ``tests/test_site.py`` checks those answers agree)."""
        return site, lazy
