"""The negative-caching resolver behind domain verification, against a real Knot server.

RFC 2308 §5: a negative answer is cached for ``min(SOA TTL, SOA MINIMUM)``; research/graph-entra.md
§4 (verification delays) is why the sandbox resolves like a public resolver does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.clock import Clock
from sandbox.dns.resolver import CachingResolver, ResolutionError
from tests.support.knot import KnotServer, running_knot


@pytest.fixture
def short_negative_knot(tmp_path: Path) -> Iterator[KnotServer]:
    """A zone whose SOA TTL (60) is lower than its MINIMUM (600)."""
    with running_knot(tmp_path / "knot", zone="short.test", soa_ttl=60, soa_minimum=600) as k:
        yield k


def _resolver(knot: KnotServer) -> tuple[CachingResolver, Clock]:
    clock = Clock()
    resolver = CachingResolver(clock)
    resolver.delegate(knot.zone, [(knot.host, knot.port)])
    return resolver, clock


async def test_a_published_record_is_found(knot: KnotServer) -> None:
    """A TXT record published by RFC 2136 is answered by the authoritative server."""
    knot.set_txt("found.provider.test.", "MS=ms11111111")
    resolver, _ = _resolver(knot)
    answer = await resolver.query("found.provider.test", "TXT")
    assert answer.records == ("MS=ms11111111",)
    assert not answer.negative


async def test_negative_answer_is_cached_for_the_soa_minimum(knot: KnotServer) -> None:
    """NXDOMAIN is remembered for min(3600, 300) = 300 s, even after the record appears."""
    resolver, clock = _resolver(knot)
    assert (await resolver.query("late.provider.test", "TXT")).negative
    knot.set_txt("late.provider.test.", "MS=ms22222222")
    clock.advance(299)
    cached = await resolver.query("late.provider.test", "TXT")
    assert cached.negative
    assert cached.cached
    clock.advance(2)
    assert (await resolver.query("late.provider.test", "TXT")).records == ("MS=ms22222222",)


async def test_negative_ttl_is_the_lesser_of_soa_ttl_and_minimum(
    short_negative_knot: KnotServer,
) -> None:
    """With SOA TTL 60 and MINIMUM 600 the negative answer lives 60 s."""
    resolver, clock = _resolver(short_negative_knot)
    assert (await resolver.query("x.short.test", "TXT")).negative
    short_negative_knot.set_txt("x.short.test.", "MS=ms33333333")
    clock.advance(59)
    assert (await resolver.query("x.short.test", "TXT")).negative
    clock.advance(2)
    assert not (await resolver.query("x.short.test", "TXT")).negative


async def test_nodata_is_cached_like_nxdomain(knot: KnotServer) -> None:
    """A name with records of another type (NODATA) is a negative answer too."""
    knot.update(lambda u: u.replace("aonly.provider.test.", 300, "A", "192.0.2.1"))
    resolver, clock = _resolver(knot)
    assert (await resolver.query("aonly.provider.test", "TXT")).negative
    knot.set_txt("aonly.provider.test.", "MS=ms44444444")
    clock.advance(100)
    assert (await resolver.query("aonly.provider.test", "TXT")).cached


async def test_positive_answers_are_cached_for_their_ttl(knot: KnotServer) -> None:
    """A positive answer is reused until its TTL runs out."""
    knot.set_txt("pos.provider.test.", "MS=ms55555555", ttl=120)
    resolver, clock = _resolver(knot)
    await resolver.query("pos.provider.test", "TXT")
    knot.set_txt("pos.provider.test.", "MS=ms66666666", ttl=120)
    assert (await resolver.query("pos.provider.test", "TXT")).records == ("MS=ms55555555",)
    clock.advance(121)
    assert (await resolver.query("pos.provider.test", "TXT")).records == ("MS=ms66666666",)


async def test_names_outside_any_delegation_do_not_exist() -> None:
    """Nobody is authoritative: a negative answer, not an error, and nothing sent."""
    resolver = CachingResolver(Clock())
    answer = await resolver.query("anything.example", "TXT")
    assert answer.negative
    assert resolver.queries_sent == 0


async def test_an_unreachable_server_is_an_error_and_not_cached() -> None:
    """No answer is not a negative answer; the next attempt asks again."""
    resolver = CachingResolver(Clock(), timeout=0.3)
    resolver.delegate("dead.test", [("127.0.0.1", 9)])
    with pytest.raises(ResolutionError):
        await resolver.query("x.dead.test", "TXT")
    with pytest.raises(ResolutionError):
        await resolver.query("x.dead.test", "TXT")
    assert resolver.queries_sent == 2


async def test_queries_go_to_a_random_server_of_the_zone(knot: KnotServer, tmp_path: Path) -> None:
    """Each query picks one of the zone's servers, as resolvers spread load over NS records."""
    resolver = CachingResolver(Clock(), timeout=0.5)
    resolver.delegate(knot.zone, [(knot.host, knot.port), ("127.0.0.1", 9)])
    outcomes = set()
    for i in range(20):
        try:
            await resolver.query(f"r{i}.provider.test", "TXT")
            outcomes.add("answered")
        except ResolutionError:
            outcomes.add("failed")
    assert outcomes == {"answered", "failed"}
