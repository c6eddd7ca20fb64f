"""Refuse to send requests to loopback, private, link-local or unspecified addresses.

A link in a public document must not make the checker talk to the machine it runs
on or to the CI runner's internal network (a request to ``http://169.254.169.254/``
can leak cloud credentials; see OWASP's SSRF prevention cheat sheet,
https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).

The check is on the *resolved* IP addresses, so a public-looking name that resolves
to ``127.0.0.1`` is refused too. :class:`HostResolver` resolves each host once per run
and caches the answer; the engine asks it before every request (first hop and each
redirect hop), and :func:`guarded_transport` builds an ``httpx`` transport whose
connections are opened only to the addresses that passed the check (the connection
is pinned to the checked IP, which closes the DNS-rebinding gap between check and
connect).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import httpcore
import httpx

__all__ = [
    "ResolveFunc",
    "PrivateAddressError",
    "HostResolver",
    "refusal_reason",
    "guarded_transport",
]

#: An async function ``(host) -> list of IP address strings``; raises ``socket.gaierror``.
ResolveFunc = Callable[[str], Awaitable[Sequence[str]]]


class PrivateAddressError(OSError):
    """Raised at connect time when every address of a host is refused.

    Attributes:
        host: the host name as requested.
        reason: a sentence such as ``"127.0.0.1 is a loopback address"``.
    """

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"refused to connect to {host}: {reason}")
        self.host = host
        self.reason = reason


def refusal_reason(ip: str) -> str | None:
    """Return why ``ip`` must not be contacted, or None if it is a public address.

    Args:
        ip: an IPv4 or IPv6 address as text (``"10.0.0.1"``, ``"::1"``, ``"fe80::1%eth0"``).

    Returns:
        ``None`` for public addresses, otherwise a sentence such as
        ``"10.0.0.1 is a private address"``. Refused: loopback (127.0.0.0/8, ::1),
        private (RFC 1918 10/8, 172.16/12, 192.168/16; RFC 4193 fc00::/7; and the other
        ranges Python's ``ipaddress`` marks private, such as 100.64.0.0/10 shared space),
        link-local (169.254.0.0/16, fe80::/10), unspecified (0.0.0.0, ::), multicast and
        reserved addresses. IPv4-mapped IPv6 addresses are judged by their IPv4 part.
        Text that is not an IP address is refused (``"... is not an IP address"``).
    """
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return f"{ip} is not an IP address"
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return f"{ip} is a loopback address"
    if addr.is_link_local:
        return f"{ip} is a link-local address"
    if addr.is_unspecified:
        return f"{ip} is an unspecified address"
    if addr.is_multicast:
        return f"{ip} is a multicast address"
    if addr.is_private or addr.is_reserved or addr in _SHARED_SPACE:
        return f"{ip} is a private address"
    return None


_NOT_FOUND = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
_SHARED_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, not is_private in 3.11


def _deliver(fut: asyncio.Future[list[str]], value: list[str] | None,
             exc: BaseException | None) -> None:
    if fut.done():  # the waiter gave up (timeout, cancelled run)
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(value or [])


async def _system_resolve(host: str) -> list[str]:
    """Resolve ``host`` with ``getaddrinfo`` in a daemon thread.

    A daemon thread rather than the loop's executor: when DNS hangs (5-10 s per name
    on a machine without network), an abandoned lookup must neither block the other
    lookups nor keep the process alive at exit.
    """
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[list[str]] = loop.create_future()

    def work() -> None:
        value: list[str] | None = None
        error: BaseException | None = None
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            value = []
            for info in infos:
                ip = str(info[4][0])
                if ip not in value:
                    value.append(ip)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            error = exc
        try:
            loop.call_soon_threadsafe(_deliver, fut, value, error)
        except RuntimeError:  # the loop has closed meanwhile
            pass

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    return await fut


def _literal_ip(host: str) -> str | None:
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        return None
    return bare


class HostResolver:
    """Resolve host names once per run and judge the answers.

    Args:
        resolve: async ``(host) -> [ip, ...]``; defaults to the system resolver
            (``getaddrinfo``). Tests pass a fake so no DNS is used.
        allow_private: when True, nothing is refused and :meth:`check` does not resolve.
        timeout: seconds a lookup may take before it counts as a temporary DNS failure
            (``socket.gaierror`` with ``EAI_AGAIN``); None waits for the resolver.
        max_parallel: lookups in progress at once.

    Errors from ``resolve`` (``socket.gaierror``, ``OSError``) propagate from
    :meth:`resolve`/:meth:`check`; a failed lookup is cached for the run too.
    """

    def __init__(
        self,
        resolve: ResolveFunc | None = None,
        *,
        allow_private: bool = False,
        timeout: float | None = None,
        max_parallel: int = 32,
    ) -> None:
        self._resolve = resolve or _system_resolve
        self._timeout = timeout
        self._parallel = asyncio.Semaphore(max_parallel)
        self.allow_private = allow_private
        self._cache: dict[str, asyncio.Future[list[str]]] = {}
        #: number of lookups actually made (not answered from the run cache)
        self.lookups = 0
        #: lookups that returned at least one public address (proof the DNS works;
        #: ``localhost`` from /etc/hosts proves nothing)
        self.public_answers = 0

    async def resolve(self, host: str) -> list[str]:
        """Return the IP addresses of ``host`` (an IP literal is returned as itself)."""
        host = host.lower()
        literal = _literal_ip(host)
        if literal is not None:
            return [literal]
        fut = self._cache.get(host)
        if fut is None:
            fut = asyncio.get_running_loop().create_future()
            self._cache[host] = fut
            self.lookups += 1
            try:
                async with self._parallel:
                    try:
                        ips = list(await asyncio.wait_for(self._resolve(host), self._timeout))
                    except TimeoutError:
                        raise socket.gaierror(
                            socket.EAI_AGAIN, f"timed out after {self._timeout:g} s"
                        ) from None
                if not ips:
                    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
                if any(refusal_reason(ip) is None for ip in ips):
                    self.public_answers += 1
                fut.set_result(ips)
            except BaseException as exc:
                # A definite "no such name" is kept for the run; a temporary failure is
                # forgotten so a retry asks again.
                if not (isinstance(exc, socket.gaierror) and exc.errno in _NOT_FOUND):
                    del self._cache[host]
                fut.set_exception(exc)
                fut.exception()  # mark retrieved so asyncio does not log it
                raise
        return list(await asyncio.shield(fut))

    async def check(self, host: str) -> str | None:
        """Return a refusal sentence if ``host`` resolves only to refused addresses.

        The sentence is ``"127.0.0.1 is a loopback address"`` for an IP literal and
        ``"intranet.example resolves to 10.0.0.5, a private address"`` for a name.
        Returns None when the host may be contacted (at least one public address, or
        ``allow_private``). A host with both public and private addresses is allowed,
        and :func:`guarded_transport` then connects only to the public ones.
        Raises ``socket.gaierror``/``OSError`` when the lookup fails.
        """
        if self.allow_private:
            return None
        host = host.lower()
        ips = await self.resolve(host)
        reasons = [refusal_reason(ip) for ip in ips]
        if not all(reasons):
            return None
        first = str(reasons[0])
        if _literal_ip(host) is not None:
            return first
        return f"{host} resolves to " + first.replace(" is a", ", a", 1)

    async def allowed_ips(self, host: str) -> list[str]:
        """Return the addresses of ``host`` that may be contacted, in resolver order.

        Raises :class:`PrivateAddressError` when none may, ``socket.gaierror`` when
        the lookup fails.
        """
        ips = await self.resolve(host)
        if self.allow_private:
            return ips
        allowed = [ip for ip in ips if refusal_reason(ip) is None]
        if not allowed:
            raise PrivateAddressError(host, str(refusal_reason(ips[0])))
        return allowed


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Network backend that connects only to addresses :class:`HostResolver` allows."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, resolver: HostResolver) -> None:
        self._inner = inner
        self._resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            ips = await self._resolver.allowed_ips(host)
        except OSError as exc:  # gaierror, PrivateAddressError: let httpx map it
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for ip in ips:
            try:
                return await self._inner.connect_tcp(
                    ip, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the link engine")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(
    resolver: HostResolver,
    *,
    verify: ssl.SSLContext | bool = True,
    http2: bool = False,
    limits: httpx.Limits | None = None,
) -> httpx.AsyncBaseTransport:
    """Return an ``httpx.AsyncHTTPTransport`` whose TCP connections go through ``resolver``.

    Each connection resolves its host with ``resolver`` (one lookup per host per run)
    and connects to the first allowed address; TLS still verifies the certificate
    against the host name (SNI is the name, not the IP). Environment proxies are not
    used (``trust_env=False``): a proxy would resolve names itself and defeat the check.
    If the installed httpcore has no replaceable backend, the plain transport is
    returned and the engine's per-hop :meth:`HostResolver.check` remains the guard.
    """
    transport = httpx.AsyncHTTPTransport(
        verify=verify, http2=http2, limits=limits or httpx.Limits(), trust_env=False
    )
    pool = getattr(transport, "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if isinstance(inner, httpcore.AsyncNetworkBackend):
        pool._network_backend = _GuardedBackend(inner, resolver)  # type: ignore[union-attr]
    return transport
