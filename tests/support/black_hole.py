"""Name servers that take every query and never answer: the client's own timeout is what ends
the wait (a stopped server or a closed port would refuse at once instead)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class BlackHole:
    """Where it listens, and how many queries (datagrams or TCP messages' bytes) reached it."""

    host: str
    port: int
    received: list[bytes] = field(default_factory=list)

    @property
    def address(self) -> str:
        """``host:port``, as the product names a server."""
        return f"{self.host}:{self.port}"


class _Swallow(asyncio.DatagramProtocol):
    def __init__(self, hole: BlackHole) -> None:
        self.hole = hole

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        self.hole.received.append(data)


@asynccontextmanager
async def udp_black_hole() -> AsyncIterator[BlackHole]:
    """A UDP socket on 127.0.0.1 that reads every datagram and sends nothing back."""
    loop = asyncio.get_running_loop()
    hole = BlackHole("127.0.0.1", 0)
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _Swallow(hole), local_addr=("127.0.0.1", 0)
    )
    hole.port = transport.get_extra_info("sockname")[1]
    try:
        yield hole
    finally:
        transport.close()


@asynccontextmanager
async def tcp_black_hole() -> AsyncIterator[BlackHole]:
    """A TCP listener on 127.0.0.1 that accepts, reads what is sent, and never writes."""
    hole = BlackHole("127.0.0.1", 0)
    open_writers: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        open_writers.append(writer)
        while data := await reader.read(65536):
            hole.received.append(data)

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    hole.port = server.sockets[0].getsockname()[1]
    try:
        yield hole
    finally:
        for writer in open_writers:
            writer.close()
        server.close()
        await server.wait_closed()
