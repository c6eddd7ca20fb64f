"""Reading a host as an IP address literal, once per distinct host and cheaply.

The link rules (``outdated-link``, ``link-hygiene``) ask of every link's host whether
it is an IP address. :func:`ipaddress.ip_address` answers by raising ``ValueError``
for a name, which costs a few microseconds each time; almost every host is a name,
and the same hosts come back on page after page.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

__all__ = ["ip_literal"]

_IPV4_CHARS = "0123456789."


@lru_cache(maxsize=4096)
def ip_literal(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return ``ipaddress.ip_address(text)``, or None where that raises ``ValueError``.

    Without calling it when ``text`` cannot be an address: an IPv6 address always
    has a ``:`` (https://www.rfc-editor.org/rfc/rfc4291#section-2.2), and
    :class:`ipaddress.IPv4Address` takes only ASCII digits and dots, so a string
    with neither a ``:`` nor only those characters is a name. Remembers the last
    4,096 distinct strings.

    Args:
        text: the host as written, without brackets (``"10.0.0.1"``, ``"::1"``,
            ``"fe80::1%eth0"``, ``"gov.uk"``).

    Returns:
        the address, or None for anything that is not one. Never raises.
    """
    if ":" not in text and text.strip(_IPV4_CHARS):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
