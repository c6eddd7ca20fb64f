"""Front matter keys that each site generator's own documentation defines, known
without inference.

None of the five generators' documentation makes any key mandatory on every page
(Jekyll, Hugo, Eleventy and MkDocs pages may have empty front matter; the GOV.UK
Tech Docs Template reads ``title`` but builds without it). What they do document is
the **type** of their own keys, and the Tech Docs Template documents one pair that
only works together. :data:`DOCUMENTED` holds those, each with the page it comes
from. ``front-matter-invalid`` reports a documented key with a value of another
type, and ``front-matter-missing`` one half of a pair, both at warning (the
documentation says what the generator expects, not that the build fails). A written
profile's own check of the same key wins.

Each generator adapter hands its entry out through
:meth:`playbook_lint.generators.base.Generator.documented_front_matter` (the
Middleman adapter only for Tech Docs Template sites); the table is keyed by the
adapters' ``name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["DOCUMENTED", "Documented"]


@dataclass(frozen=True)
class Documented:
    """What one generator's documentation says about its front matter keys.

    Attributes:
        name: the generator's name in messages (``"Hugo"``).
        source: the documentation page (URL).
        keys: key -> ``{"type": <profile type>, "also": (strings also accepted,)}``.
        case_insensitive: True when the generator matches keys regardless of case (Hugo).
        together: pairs ``(a, b)``: when ``a`` is set, ``b`` is needed too.
        together_source: the documentation page of the pairs (URL).
    """

    name: str
    source: str
    keys: Mapping[str, Mapping[str, Any]]
    case_insensitive: bool = False
    together: tuple[tuple[str, str], ...] = ()
    together_source: str = ""


DOCUMENTED: dict[str, Documented] = {
    "jekyll": Documented(
        "Jekyll", "https://jekyllrb.com/docs/front-matter/",
        {"published": {"type": "boolean"}, "date": {"type": "date"}},
    ),
    "hugo": Documented(
        "Hugo", "https://gohugo.io/content-management/front-matter/",
        {"draft": {"type": "boolean"}, "date": {"type": "date"},
         "publishdate": {"type": "date"}, "lastmod": {"type": "date"},
         "expirydate": {"type": "date"}, "weight": {"type": "number"},
         "aliases": {"type": "list"}, "headless": {"type": "boolean"}},
        case_insensitive=True,
    ),
    "eleventy": Documented(
        "Eleventy", "https://www.11ty.dev/docs/dates/",
        {"date": {"type": "date",
                  "also": ("Last Modified", "Created", "git Last Modified", "git Created")},
         "eleventyExcludeFromCollections": {"type": "boolean"}},
    ),
    "tech-docs": Documented(
        "the Tech Docs Template",
        "https://github.com/alphagov/tdt-documentation/blob/"
        "657025b09922c1a87214e7abeef609fa06d0abdf/source/configure_project/frontmatter/"
        "index.html.md.erb",
        {"last_reviewed_on": {"type": "date"}, "weight": {"type": "number"},
         "hide_in_navigation": {"type": "boolean"}, "old_paths": {"type": "list"}},
        together=(("last_reviewed_on", "review_in"), ("review_in", "last_reviewed_on")),
        together_source="https://github.com/alphagov/tdt-documentation/blob/"
        "d619cdae55298e5cb2c21561b7ab14adb45df66e/source/configure_project/"
        "page_expiry_and_review/index.html.md.erb",
    ),
    "mkdocs": Documented(
        "MkDocs", "https://www.mkdocs.org/user-guide/writing-your-docs/#meta-data", {},
    ),
}
