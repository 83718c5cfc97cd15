"""A fake provider zone: writes land on the primary; secondaries see them after a lag."""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioning.engine.clock import Clock
from provisioning.microsoft.ports.zone import ServerAnswer

Key = tuple[str, str]  # (absolute name lower-cased, rdtype)


@dataclass
class FakeDnsWorld:
    """The zone's records and when each change was made."""

    zone: str
    clock: Clock
    secondaries: int = 2
    lag: float = 0.0
    negative_ttl_seconds: int = 300
    # Servers (0 = primary) that do not answer queries at all.
    silent: set[int] = field(default_factory=set)
    history: list[tuple[float, Key, tuple[str, ...] | None]] = field(default_factory=list)
    writes: int = 0

    def _state(self, until: float) -> dict[Key, tuple[str, ...]]:
        state: dict[Key, tuple[str, ...]] = {}
        for at, key, values in self.history:
            if at > until:
                break
            if values is None:
                state.pop(key, None)
            else:
                state[key] = values
        return state

    def records(self, server: int = 0) -> dict[Key, tuple[str, ...]]:
        """What server ``server`` (0 = primary) serves now."""
        horizon = self.clock.now() - (0.0 if server == 0 else self.lag)
        return self._state(horizon)


def _key(name: str, rdtype: str) -> Key:
    return (name.lower().rstrip(".") + ".", rdtype.upper())


class FakeZone:
    """``DnsZonePort`` over a :class:`FakeDnsWorld`."""

    def __init__(self, world: FakeDnsWorld) -> None:
        self.world = world

    @property
    def zone(self) -> str:
        """The zone's name."""
        return self.world.zone

    async def set_records(self, name: str, rdtype: str, values: list[str], ttl: int) -> None:
        """Replace an RRset."""
        self.world.writes += 1
        self.world.history.append((self.world.clock.now(), _key(name, rdtype), tuple(values)))

    async def delete_records(self, name: str, rdtype: str | None = None) -> None:
        """Delete an RRset (or all of a name)."""
        self.world.writes += 1
        types = [rdtype] if rdtype else ["A", "AAAA", "TXT", "CNAME"]
        for t in types:
            self.world.history.append((self.world.clock.now(), _key(name, t), None))

    async def check_access(self) -> None:
        """The fake zone always takes our key."""


class FakeProbe:
    """``DnsProbePort`` over a :class:`FakeDnsWorld`."""

    def __init__(self, world: FakeDnsWorld) -> None:
        self.world = world

    async def everywhere(self, name: str, rdtype: str) -> list[ServerAnswer]:
        """Each server's answer."""
        key = _key(name, rdtype)
        return [
            ServerAnswer(f"ns{i + 1}", (), silent="no answer (Timeout)")
            if i in self.world.silent
            else ServerAnswer(f"ns{i + 1}", self.world.records(i).get(key, ()))
            for i in range(self.world.secondaries + 1)
        ]

    async def negative_ttl(self) -> int:
        """The zone's negative TTL."""
        return self.world.negative_ttl_seconds
