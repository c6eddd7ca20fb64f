"""How a checked URL is judged: the records of one check and the pure classifier.

The engine (:mod:`playbook_lint.links.engine`) sends the requests and follows the
redirects; what it found out arrives here as an :class:`Outcome` and leaves as a
:class:`~playbook_lint.links.result.LinkResult`. The split:

* ``broken`` for 404/410, DNS name not found, connection refused, 5xx after retries,
  redirect loops/too many/3xx without Location, invalid URLs;
* ``unverified`` for 401/403/999, bot challenge pages (a ``cf-mitigated`` header,
  https://developers.cloudflare.com/cloudflare-challenges/challenge-types/challenge-pages/detect-response/),
  429 after retries, timeouts, TLS failures (a 404/410 answered without certificate
  verification stays ``broken``) and any other unaccepted status;
* ``skipped`` for hops refused by the address check (private, loopback, ...).

GOV.UK's checker does the same split: https://github.com/alphagov/link-checker-api.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import httpx

from playbook_lint.links.normalize import normalize_url
from playbook_lint.links.result import LinkResult, LinkStatus

__all__ = ["Attempt", "Outcome", "classify", "reason_phrase", "fmt_seconds", "BOT_WALLS"]

#: Answers of sites that refuse automated checks (999 is LinkedIn's).
BOT_WALLS = frozenset({401, 403, 999})


@dataclass
class Attempt:
    """One request's outcome: a response (status and the headers the engine reads) or
    an error.

    Attributes:
        status: the HTTP status code, or None when no response came.
        location: the ``Location`` header, if any.
        retry_after: the ``Retry-After`` header as sent, if any.
        fragments: ids of the HTML page read for ``#fragment`` checks, else None.
        body_note: a sentence about the body (cut at its limit, unreadable), or "".
        challenge: True for a bot challenge page (Cloudflare's ``cf-mitigated``).
        error: the error kind when no response came (``"timeout"``, ``"refused"``,
            ``"dns_notfound"``, ``"tls"``, ``"private"``, ...), else None.
        error_text: the error's short human sentence.
    """

    status: int | None = None
    location: str | None = None
    retry_after: str | None = None
    fragments: frozenset[str] | None = None
    body_note: str = ""
    challenge: bool = False
    error: str | None = None
    error_text: str = ""


class Outcome(NamedTuple):
    """Where following a URL's redirects ended.

    Attributes:
        attempt: the last request's :class:`Attempt` (empty when no request was sent).
        last_url: the URL of that request (the URL itself without redirects).
        chain: the redirects followed, as ``[(status, absolute Location), ...]``.
        problem: a sentence that ends the check (a bad redirect, or the address
            check's refusal), else None.
        retries: retries made along the way.
        refused: True when ``problem`` is the address check refusing a hop (the URL is
            then ``skipped``, not ``broken``).
    """

    attempt: Attempt
    last_url: str
    chain: list[tuple[int, str]]
    problem: str | None
    retries: int
    refused: bool = False


def reason_phrase(code: int) -> str:
    """``"HTTP 404 Not Found"`` for 404; ``"HTTP 599"`` for a code without a phrase."""
    phrase = httpx.codes.get_reason_phrase(code)
    return f"HTTP {code} {phrase}" if phrase else f"HTTP {code}"


def fmt_seconds(value: float) -> str:
    """``"20 s"`` for 20.0, ``"0.5 s"`` for 0.5."""
    return f"{value:g} s"


def classify(
    url: str,
    outcome: Outcome,
    tls_note: str,
    *,
    accepts: Callable[[int], bool],
    timeout: float,
    checked_at: float,
) -> LinkResult:
    """Return the :class:`LinkResult` for ``url`` from how its check went.

    Args:
        url: the normalised URL checked (the result's key).
        outcome: the last request's :class:`Attempt` and the redirects that led to it.
        tls_note: when not empty, the sentence of a TLS failure after which the request
            was repeated without certificate verification.
        accepts: whether an HTTP status code counts as ``ok`` (the ``accept`` setting).
        timeout: the per-request limit in seconds (for the "timed out after" sentence).
        checked_at: epoch seconds recorded as the result's ``checked_at``.

    Returns:
        The result; its ``status`` follows the split in this module's docstring.
        Pure: no I/O, no clock, no state.
    """
    attempt, last_url, chain, problem, retries_used = (
        outcome.attempt, outcome.last_url, outcome.chain, outcome.problem, outcome.retries)
    redirects = tuple(chain)
    permanent = bool(chain) and all(s in (301, 308) for s, _ in chain)
    upgrade = False
    if chain and url.startswith("http://"):
        upgrade = normalize_url(chain[0][1]) == "https://" + url[len("http://"):]
    status: LinkStatus
    final_url: str | None = last_url if attempt.status is not None else None
    tries = f"{retries_used} {'retry' if retries_used == 1 else 'retries'}"
    after = f" (after {tries})" if retries_used else ""
    if problem is not None:
        status, reason = ("skipped" if outcome.refused else "broken"), problem
    elif attempt.error is not None:
        kind = attempt.error
        if kind == "timeout":
            reason = f"timed out after {fmt_seconds(timeout)}{after}"
        elif kind == "host_silent":
            reason = attempt.error_text
        elif kind == "private":
            status, reason = "skipped", f"not checked: {attempt.error_text}"
        else:
            reason = attempt.error_text + after
        if kind in ("dns_notfound", "refused", "invalid"):
            status = "broken"
        elif kind != "private":
            status = "unverified"
    else:
        code = attempt.status
        assert code is not None
        reason = reason_phrase(code)
        if accepts(code):
            status = "ok"
            if attempt.body_note:
                reason += f"; {attempt.body_note}"
        elif attempt.challenge:
            status = "unverified"
            reason += " (a bot challenge page answered; check it in a browser)"
        elif code in (404, 410):
            status = "broken"
        elif 500 <= code <= 599:
            status, reason = "broken", reason + after
        elif code == 429:
            status = "unverified"
            reason += (
                f" (still rate limited after {tries})"
                if retries_used else " (rate limited)"
            )
        elif code in BOT_WALLS:
            status = "unverified"
            reason += " (the site may refuse automated checks; check it in a browser)"
        else:
            status = "unverified"
    if tls_note and status != "skipped":
        if status == "broken" and attempt.status in (404, 410):
            reason = f"{reason} (answered without certificate verification; {tls_note})"
        else:
            status = "unverified"
            reason = tls_note
            if attempt.status is not None:
                reason += (
                    "; without verification the server answered "
                    + reason_phrase(attempt.status)
                )
    return LinkResult(
        url=url,
        status=status,
        http_status=attempt.status,
        reason=reason,
        final_url=final_url,
        redirects=redirects,
        permanent_redirect=permanent,
        https_upgrade=upgrade,
        fragments=attempt.fragments,
        checked_at=checked_at,
    )
