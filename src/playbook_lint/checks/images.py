"""The ``missing-alt-text`` rule (PL201): images without a useful text alternative."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from playbook_lint.findings import RawFinding, Severity
from playbook_lint.lazyre import lazy_compile
from playbook_lint.rule import Context, Rule

if TYPE_CHECKING:
    from playbook_lint.document import Document
    from playbook_lint.links.extract import Link
    from playbook_lint.site_model import SiteModel

__all__ = ["MissingAltText", "alt_problem", "USELESS_WORDS"]

#: Alt texts that only say "there is an image here" (compared lower-case, after
#: dropping a leading article, punctuation and a trailing number: "Image 1", "a photo.").
USELESS_WORDS: frozenset[str] = frozenset(
    {
        "alt", "alt text", "diagram", "figure", "graphic", "icon", "image", "images",
        "img", "logo", "photo", "photograph", "pic", "picture", "placeholder",
        "screen shot", "screenshot", "untitled",
    }
)

_IMAGE_FILE = lazy_compile(globals(),
    r"^[\w.~/-]*[\w-]\.(?:png|jpe?g|gif|svg|webp|avif|bmp|tiff?|ico|heic)$", re.IGNORECASE
)
_ARTICLE = lazy_compile(globals(), r"^(?:an?|the)\s+", re.IGNORECASE)
#: Hugo image shortcodes that take a data uid (https://gohugo.io/content-management/shortcodes/).
_HUGO_IMG = re.compile(r"\{\{([<%])\s*(?:img|img-right)\s+(.*?)\s*[>%]\}\}")
_SHORTCODE_PARAM = lazy_compile(globals(), r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def alt_problem(alt: str) -> str | None:
    """Return why ``alt`` (a non-empty alt text) is not a description, or None if it may be.

    Args:
        alt: the alt text as the reader gets it.

    Returns:
        ``"file"`` when it is only a file name (``diagram.png``, ``IMG_2041.JPG``),
        ``"word"`` when it is only a placeholder word from :data:`USELESS_WORDS`
        (``image``, ``Photo 2``, ``a screenshot``), else None.
    """
    text = " ".join(alt.split())
    if _IMAGE_FILE.match(text):
        return "file"
    word = _ARTICLE.sub("", text.lower())
    word = re.sub(r"[^\w\s]", "", word).strip()
    word = re.sub(r"[\s_-]*\d+$", "", word).strip()
    if word in USELESS_WORDS:
        return "word"
    return None


def _decorative(attrs: object) -> bool:
    get = getattr(attrs, "get", None)
    if get is None:
        return False
    hidden = (get("aria-hidden") or "").strip().lower()
    role = (get("role") or "").strip().lower()
    return hidden == "true" or role in ("presentation", "none")


class MissingAltText(Rule):
    """Images with no alt text, or alt text that does not describe the image.

    **What it does.** Reports, at the start of the image:

    * a Markdown image (inline ``![alt](src)`` or reference ``![alt][id]``) whose
      alt text is empty or only spaces (``![](chart.png)``);
    * an HTML ``<img>`` with no ``alt`` attribute, or an ``alt`` of only spaces;
    * alt text that is only a file name (``![diagram.png](diagram.png)``,
      ``IMG_2041.JPG``) or only a placeholder word: image, picture, photo,
      photograph, graphic, screenshot, img, pic, icon, logo, figure, diagram,
      placeholder, untitled, alt (optionally with "a"/"the" or a number:
      "Image 1"). A bare "logo" is reported because it does not say whose logo:
      write the organisation's name.

    Hugo image shortcodes ``{{< img src="uid" >}}`` take their alt text from the
    shortcode's ``alt`` or, when that is absent or empty, from the data file
    ``data/images/<uid>.yml`` (as on digital.gov); they are reported only when that
    file exists and has no ``alt``.

    Decorative HTML images are fine: ``alt=""``, ``aria-hidden="true"``,
    ``role="presentation"`` or ``role="none"``. An empty Markdown alt cannot be told
    apart from a forgotten one, so it is always reported: for a decorative image
    use HTML ``<img src="..." alt="">``.

    **Why it matters.** Screen reader users hear the alt text instead of seeing the
    image; without it they hear the file name or nothing, and miss what the image
    shows. WCAG 2.1 success criterion 1.1.1 (Non-text Content, level A) requires a
    text alternative for every non-decorative image.

    **Example.** ``![](/img/process.png)``, ``<img src="team.jpg">``,
    ``![screenshot](form.png)``

    **Use instead.** ``![Flow chart: apply, assess, decide, pay](/img/process.png)``,
    ``<img src="border.png" alt="">`` for decoration.

    **Fix.** None: only a person can describe an image.

    **Source.** WCAG 2.1 Understanding 1.1.1,
    https://www.w3.org/WAI/WCAG21/Understanding/non-text-content ; markdownlint
    MD045 no-alt-text, https://github.com/DavidAnson/markdownlint/blob/main/doc/md045.md ;
    GOV.UK Service Manual, "Making your service accessible",
    https://www.gov.uk/service-manual/helping-people-to-use-your-service/making-your-service-accessible-an-introduction
    """

    name: ClassVar[str] = "missing-alt-text"
    code: ClassVar[str] = "PL201"
    default_severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = False
    summary: ClassVar[str] = "Images with no alt text or alt text that says nothing"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per image with a missing or useless alt text.

        Args:
            doc: the document; its ``links`` of kind ``image``/``html-img`` are read.
            ctx: unused.

        Yields:
            :class:`RawFinding` spanning the whole image construct (``node_start``..``node_end``).
        """
        for link in doc.links:
            if link.kind in ("image", "image-ref"):  # ![alt](src) and ![alt][ref]
                alt = link.alt if link.alt is not None else link.text
                message = self._markdown_message(alt or "")
            elif link.kind == "html-img":
                message = self._html_message(link)
            else:
                continue
            if message is not None:
                yield RawFinding(link.node_start, max(link.node_end, link.node_start), message)
        if ctx.site is not None and "{{" in doc.text:
            yield from self._hugo_images(doc, ctx.site)

    @staticmethod
    def _hugo_images(doc: Document, site: SiteModel) -> Iterator[RawFinding]:
        """Hugo image shortcodes ``{{< img src="uid" >}}`` (also ``img-right``): the
        alt text is the shortcode's ``alt`` or else the ``alt`` of the data file
        ``data/images/<uid>.yml`` (as GSA's digital.gov theme does). Reported only when
        that data file exists and has no ``alt``; an unknown uid is not guessed at."""
        code_lines: set[int] = set()
        for tok in doc.tokens:
            if tok.type in ("fence", "code_block") and tok.map:
                code_lines.update(range(tok.map[0] + 1, tok.map[1] + 1))
        for m in _HUGO_IMG.finditer(doc.text, doc.body_start):
            if doc.position(m.start())[0] in code_lines:
                continue
            params = dict((k.lower(), v1 if v1 is not None else v2)
                          for k, v1, v2 in _SHORTCODE_PARAM.findall(m.group(2)))
            uid = (params.get("src") or "").strip()
            if not uid or "/" in uid or "." in uid.rsplit("/", 1)[-1]:
                continue  # a path, not a data uid
            if (params.get("alt") or "").strip():
                message = _useless_message(params["alt"])
            else:  # alt="" leaves the data file's alt in place (Hugo's "default")
                known, alt = site.image_alt(uid)
                if not known:
                    continue
                message = None if alt and alt.strip() else (
                    f'image "{uid}" has no alt text: add "alt" to data/images/{uid}.yml '
                    'or an alt="..." to the shortcode'
                )
                if message is None and alt:
                    message = _useless_message(alt)
            if message is not None:
                yield RawFinding(m.start(), m.end(), message)

    @staticmethod
    def _markdown_message(alt: str) -> str | None:
        if not alt.strip():
            return (
                "image has no alt text; describe the image, or use HTML "
                '<img alt=""> if it is decorative'
            )
        return _useless_message(alt)

    @staticmethod
    def _html_message(link: Link) -> str | None:
        if _decorative(link.attrs):
            return None
        alt = link.alt
        if alt is None and "alt" in link.attrs:
            alt = link.attrs.get("alt") or ""
        if alt is None:
            return (
                "image has no alt attribute; describe the image, "
                'or use alt="" if it is decorative'
            )
        if alt == "":
            return None
        if not alt.strip():
            return (
                "image alt text is only spaces; describe the image, "
                'or use alt="" if it is decorative'
            )
        return _useless_message(alt)


def _useless_message(alt: str) -> str | None:
    problem = alt_problem(alt)
    shown = " ".join(alt.split())
    if problem == "file":
        return f'image alt text "{shown}" is a file name; describe the image instead'
    if problem == "word":
        return f'image alt text "{shown}" does not describe the image'
    return None
