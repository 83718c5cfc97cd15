"""Everything one sandbox process holds, shared by its HTTP surfaces and the control API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.channel.model import ChannelStore
from sandbox.clock import Clock
from sandbox.directory.store import Directory
from sandbox.dns.authority import ProviderZone, TsigKey
from sandbox.dns.resolver import CachingResolver
from sandbox.entra.apps import AppRegistry
from sandbox.entra.codes import CodeStore
from sandbox.entra.tokens import TokenIssuer
from sandbox.faults import FaultInjector
from sandbox.knobs import GlobalKnobs
from sandbox.signing import SigningKey


@dataclass
class Endpoints:
    """Base URLs of the sandbox's surfaces, known once the listening sockets are bound."""

    authority: str = ""
    graph: str = ""
    teams_admin: str = ""
    control: str = ""
    dns_primary: str = ""
    dns_secondaries: list[str] = field(default_factory=list)
    # Plain-http origin for browser-facing sign-in pages (no CA to trust in a browser).
    login_page: str = ""
    ca_file: str = ""
    # The Bot Connector channel (plain http): its service URL, OpenID metadata and web chat.
    service_url: str = ""
    openid_metadata: str = ""
    chat: str = ""


@dataclass
class Sandbox:
    """The state of one sandbox process."""

    data_dir: Path
    key: SigningKey
    clock: Clock = field(default_factory=Clock)
    directory: Directory = field(default_factory=Directory)
    apps: AppRegistry = field(default_factory=AppRegistry)
    codes: CodeStore = field(default_factory=CodeStore)
    knobs: GlobalKnobs = field(default_factory=GlobalKnobs)
    faults: FaultInjector = field(default_factory=FaultInjector)
    endpoints: Endpoints = field(default_factory=Endpoints)
    # Discovery advertises the plain-http sign-in page, for browsers that lack the CA.
    browser_login_http: bool = False
    # Called on reset, for state held by the HTTP surfaces (throttle buckets, sign-in flows).
    reset_hooks: list[Callable[[], None]] = field(default_factory=list)
    # The provider's authoritative zone, once the DNS servers are bound.
    provider_zone: ProviderZone | None = None
    tsig: TsigKey | None = None
    # The Bot Connector channel: registered bots and conversations, and the key it signs with.
    channel: ChannelStore = field(default_factory=ChannelStore)
    channel_key: SigningKey | None = None
    tokens: TokenIssuer = field(init=False)
    resolver: CachingResolver = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = TokenIssuer(self.key, self.clock)
        # The resolver shares the sandbox's clock, so negative answers expire as it advances.
        self.resolver = CachingResolver(self.clock)
