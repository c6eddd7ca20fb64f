"""The ``redirected-link`` rule: permanent redirects found by the link engine."""

from __future__ import annotations

from collections.abc import Iterator

from playbook_lint.document import Document
from playbook_lint.findings import Edit, Fix, RawFinding, Severity
from playbook_lint.links.normalize import is_http_url, normalize_url, split_fragment
from playbook_lint.rule import Context, Rule


class RedirectedLink(Rule):
    """Report links that permanently redirect (HTTP 301 or 308) to a page that works.

    **What it does.** After the link check (not with `--offline`), reports each
    external link whose every redirect hop is permanent (301 Moved Permanently or 308
    Permanent Redirect) and whose final page is fine. A redirect from `http://` to
    `https://` of the same address is reported as such.

    **Why it matters.** A permanent redirect is the site owner saying "this page has
    moved for good". Redirects are often dropped when a site is rebuilt, so a link
    that works only through one is a broken link waiting to happen; each hop also
    slows readers down.

    **Example**::

        Read the [playbook](http://example.gov/playbook) first.

    where ``http://example.gov/playbook`` answers 301 with
    ``Location: https://example.gov/playbook/``.

    **Use instead**::

        Read the [playbook](https://example.gov/playbook/) first.

    **Fix.** Safe: `--fix` replaces the URL with the final one, keeping the link's own
    `#fragment`. Temporary redirects (302, 303, 307) are not reported.

    **Source.** RFC 9110 section 15.4 (https://www.rfc-editor.org/rfc/rfc9110#section-15.4);
    lychee and GOV.UK's link checker (alphagov/link-checker-api) report them too.
    """

    name = "redirected-link"
    code = "PL103"
    default_severity = Severity.WARNING
    fixable = True
    uses_link_results = True
    summary = "A link permanently redirects: link to the final URL instead"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per link whose engine result is a permanent redirect to an ok page."""
        if not ctx.link_results:
            return
        for link in doc.links:
            if not is_http_url(link.url):
                continue
            result = ctx.link_results.get(normalize_url(link.url))
            if (result is None or result.status != "ok" or not result.permanent_redirect
                    or not result.final_url):
                continue
            _, fragment = split_fragment(link.url)
            final_base, final_frag = split_fragment(result.final_url)
            target = final_base + (f"#{fragment}" if fragment is not None else (
                f"#{final_frag}" if final_frag else ""))
            if target == link.url:
                continue
            hop = result.redirects[0][0] if result.redirects else 301
            if result.https_upgrade and len(result.redirects) == 1:
                message = f'"{link.url}" redirects to https: use "{target}"'
            else:
                hops = len(result.redirects)
                via = f" ({hops} redirects)" if hops > 1 else ""
                message = f'permanent redirect ({hop}) to "{target}"{via}: link to it directly'
            fix = Fix(f'Replace the URL with "{target}"', (Edit(link.start, link.end, target),))
            yield RawFinding(link.start, link.end, message, suggestion=target, fix=fix,
                         data={"classification": "ok", "final_url": result.final_url,
                               "redirects": [list(r) for r in result.redirects]})
