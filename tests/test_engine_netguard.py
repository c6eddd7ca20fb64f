"""Address checks (netguard) and the early "network unavailable" stop."""

from __future__ import annotations

import asyncio
import socket

import pytest

from playbook_lint.links.engine import EngineConfig, check_urls
from playbook_lint.links.netguard import HostResolver, PrivateAddressError, refusal_reason


@pytest.mark.parametrize(
    ("ip", "reason"),
    [
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("127.8.9.10", "127.8.9.10 is a loopback address"),
        ("::1", "::1 is a loopback address"),
        ("10.0.0.1", "10.0.0.1 is a private address"),
        ("172.16.5.4", "172.16.5.4 is a private address"),
        ("172.32.0.1", None),
        ("192.168.1.1", "192.168.1.1 is a private address"),
        ("100.64.0.1", "100.64.0.1 is a private address"),
        ("fd12:3456::1", "fd12:3456::1 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("fe80::1%eth0", "fe80::1%eth0 is a link-local address"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),
        ("::", ":: is an unspecified address"),
        ("224.0.0.1", "224.0.0.1 is a multicast address"),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1 is a loopback address"),
        # issue 14 item 8: addresses that wrap IPv4, and special-purpose ranges
        ("2002:7f00:1::1", "2002:7f00:1::1 is a 6to4 address wrapping 127.0.0.1, "
                           "a loopback address"),
        ("2002:c0a8:101::1", "2002:c0a8:101::1 is a 6to4 address wrapping 192.168.1.1, "
                             "a private address"),
        ("2002:5db8:d70e::1", None),  # 6to4 of a public IPv4 address
        ("64:ff9b::7f00:1", "64:ff9b::7f00:1 is a NAT64 address wrapping 127.0.0.1, "
                            "a loopback address"),
        ("64:ff9b::a9fe:a9fe", "64:ff9b::a9fe:a9fe is a NAT64 address wrapping "
                               "169.254.169.254, a link-local address"),
        ("64:ff9b::5db8:d70e", None),  # DNS64 answer for a public IPv4 host
        ("64:ff9b:1::a00:1", "64:ff9b:1::a00:1 is a reserved address"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2",
         "2001:0:4136:e378:8000:63bf:3fff:fdd2 is a Teredo address wrapping 192.0.2.45, "
         "a private address"),
        ("::7f00:1", "::7f00:1 is a reserved address"),  # IPv4-compatible
        ("::ffff:0:7f00:1", "::ffff:0:7f00:1 is a reserved address"),  # IPv4-translated
        ("fec0::1", "fec0::1 is a site-local address"),
        ("192.0.0.8", "192.0.0.8 is a special-purpose address"),
        ("192.0.0.170", "192.0.0.170 is a private address"),
        ("192.0.0.9", None),  # globally reachable exception in 192.0.0.0/24
        ("192.88.99.1", "192.88.99.1 is a special-purpose address"),
        ("240.0.0.1", "240.0.0.1 is a private address"),
        ("198.18.0.1", "198.18.0.1 is a private address"),
        ("2001:db8::1", "2001:db8::1 is a private address"),
        ("3fff::1", "3fff::1 is a special-purpose address"),
        ("ff02::1", "ff02::1 is a multicast address"),
        ("::ffff:8.8.8.8", None),
        ("not-an-ip", "not-an-ip is not an IP address"),
    ],
)
def test_refusal_reason(ip: str, reason: str | None) -> None:
    assert refusal_reason(ip) == reason


def test_resolver_caches_lookups_and_checks_names() -> None:
    calls: list[str] = []

    async def fake(host: str) -> list[str]:
        calls.append(host)
        return {"in.example": ["192.168.0.7"], "mixed.example": ["10.0.0.1", "93.184.215.14"]}[
            host]

    async def go() -> tuple[object, ...]:
        resolver = HostResolver(fake)
        return (
            await resolver.check("in.example"),
            await resolver.check("IN.example"),
            await resolver.check("mixed.example"),
            await resolver.allowed_ips("mixed.example"),
            await resolver.check("[::1]"),
            resolver.lookups,
        )

    assert asyncio.run(go()) == (
        "in.example resolves to 192.168.0.7, a private address",
        "in.example resolves to 192.168.0.7, a private address",
        None,
        ["93.184.215.14"],
        "::1 is a loopback address",
        2,
    )
    assert calls == ["in.example", "mixed.example"]


def test_allowed_ips_raises_when_all_are_refused() -> None:
    async def fake(host: str) -> list[str]:
        return ["127.0.0.1"]

    async def go() -> None:
        await HostResolver(fake).allowed_ips("sneaky.example")

    with pytest.raises(PrivateAddressError) as info:
        asyncio.run(go())
    assert str(info.value) == (
        "refused to connect to sneaky.example: 127.0.0.1 is a loopback address")


def test_slow_lookup_times_out_as_temporary_failure() -> None:
    async def slow(host: str) -> list[str]:
        await asyncio.sleep(30)
        return ["93.184.215.14"]

    async def go() -> None:
        await HostResolver(slow, timeout=0.05).resolve("slow.example")

    with pytest.raises(socket.gaierror) as info:
        asyncio.run(go())
    assert (info.value.errno, info.value.strerror) == (socket.EAI_AGAIN, "timed out after 0.05 s")


def test_not_found_is_remembered_but_temporary_failure_is_asked_again() -> None:
    calls: list[str] = []

    async def failing(host: str) -> list[str]:
        calls.append(host)
        code = socket.EAI_NONAME if host == "gone.example" else socket.EAI_AGAIN
        raise socket.gaierror(code, "lookup failed")

    async def go() -> None:
        resolver = HostResolver(failing)
        for host in ("gone.example", "gone.example", "flaky.example", "flaky.example"):
            with pytest.raises(socket.gaierror):
                await resolver.resolve(host)

    asyncio.run(go())
    assert calls == ["gone.example", "flaky.example", "flaky.example"]


def test_system_resolver_answers_for_an_ip_literal_without_dns() -> None:
    async def go() -> list[str]:
        return await HostResolver().resolve("127.0.0.1")

    assert asyncio.run(go()) == ["127.0.0.1"]


def test_run_stops_early_when_nothing_is_reachable() -> None:
    """8 hosts fail at once, 12 more would hang: the run ends with one network message."""
    hang = asyncio.Event()

    async def resolver(host: str) -> list[str]:
        if host == "localhost":  # answered from /etc/hosts even offline: proves nothing
            return ["127.0.0.1"]
        if int(host.split(".")[0][1:]) < 8:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        await hang.wait()  # never set: only the early stop can end these
        return ["93.184.215.14"]

    urls = ["http://localhost:4000/"] + [f"https://h{i}.example/page" for i in range(20)]

    async def go():  # type: ignore[no-untyped-def]
        return await asyncio.wait_for(
            check_urls(urls, EngineConfig(use_cache=False), resolver=resolver), timeout=5)

    report = asyncio.run(go())
    assert report.network_error == (
        "network unavailable: 20 external links not checked; use --offline to skip")
    local = report.results.pop("http://localhost:4000/")
    assert local.status == "skipped"
    reasons = sorted({r.reason for r in report.results.values()})
    assert reasons == [
        "not checked: network unavailable (DNS lookup failed (Temporary failure in name "
        "resolution))",
        "not checked: network unavailable (not attempted)",
    ]
    assert {r.status for r in report.results.values()} == {"unverified"}
    assert report.stats.requests == 0


def test_name_resolving_to_a_wrapped_loopback_address_is_refused() -> None:
    """A public-looking name whose only address is 6to4 or NAT64 around 127.0.0.1."""

    async def fake(host: str) -> list[str]:
        return {"six.example": ["2002:7f00:1::1"], "nat.example": ["64:ff9b::7f00:1"],
                "dummy.example": ["192.0.0.8"]}[host]

    async def go() -> list[str | None]:
        resolver = HostResolver(fake)
        return [await resolver.check(h) for h in ("six.example", "nat.example",
                                                  "dummy.example")]

    assert asyncio.run(go()) == [
        "six.example resolves to 2002:7f00:1::1, a 6to4 address wrapping 127.0.0.1, "
        "a loopback address",
        "nat.example resolves to 64:ff9b::7f00:1, a NAT64 address wrapping 127.0.0.1, "
        "a loopback address",
        "dummy.example resolves to 192.0.0.8, a special-purpose address",
    ]
