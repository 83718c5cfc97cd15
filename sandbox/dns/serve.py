"""UDP and TCP listeners for one name server."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from typing import cast

from sandbox.dns.authority import NameServer


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: NameServer) -> None:
        self._server = server
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # CPython's datagram transport does not subclass DatagramTransport; it has sendto.
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        answer = self._server.handle(data, tcp=False)
        if answer is not None and self._transport is not None:
            self._transport.sendto(answer, addr)


async def _tcp_session(
    server: NameServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        while True:
            try:
                header = await reader.readexactly(2)
                data = await reader.readexactly(struct.unpack("!H", header)[0])
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            answer = server.handle(data, tcp=True)
            if answer is None:
                return
            writer.write(struct.pack("!H", len(answer)) + answer)
            await writer.drain()
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def listen(
    server: NameServer, host: str, port: int
) -> tuple[asyncio.DatagramTransport, asyncio.Server, int]:
    """Serve UDP and TCP on the same port (0 picks a port free for both)."""
    loop = asyncio.get_running_loop()
    for _ in range(20):
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Udp(server), local_addr=(host, port)
        )
        bound = transport.get_extra_info("sockname")[1]
        try:
            tcp = await asyncio.start_server(lambda r, w: _tcp_session(server, r, w), host, bound)
        except OSError:
            transport.close()
            if port:
                raise
            continue
        return transport, tcp, bound
    raise OSError("no port free for both UDP and TCP")
