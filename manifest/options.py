"""What the app package is built from: plain values the caller passes in."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The limits of manifest schema v1.30, checked here too so that a build refuses a package Teams
# would refuse at upload, without needing the schema at run time.
_SHORT_NAME = 30
_FULL_NAME = 100
_DEVELOPER_NAME = 32
_SHORT_DESCRIPTION = 80
_FULL_DESCRIPTION = 4000
_URL = 2048
_VALID_DOMAINS = 100

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_HTTP_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://\S+")
# Teams wants bare hosts here (no scheme, no path); a wildcard may stand for the first label
# of a domain, never for a whole top-level domain (``*.com``).
_DOMAIN = re.compile(
    r"(?:\*\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::[0-9]{1,5})?"
)
# Teams takes MAJOR.MINOR.PATCH and nothing after it.
_VERSION = re.compile(r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)")

DEFAULT_ACCENT_COLOR = "#117A8B"


@dataclass(frozen=True)
class PackageOptions:
    """The settings of one Teams app package; invalid values raise ``ValueError``."""

    # The Entra application id, which is also the bot's Microsoft App ID.
    app_id: str
    # The short name Teams shows (30 characters at most).
    bot_name: str
    developer_name: str
    website_url: str
    privacy_url: str
    terms_of_use_url: str
    # Hosts Teams may open from the app: at least the host of the bot's sign-in pages.
    valid_domains: tuple[str, ...]
    # The app's own version; Teams wants it raised for every change to an uploaded package.
    version: str
    full_name: str | None = None
    short_description: str | None = None
    # None: the default text, which names user sync only when ``include_user_sync``.
    full_description: str | None = None
    accent_color: str = DEFAULT_ACCENT_COLOR
    # webApplicationInfo: the Entra app (default: ``app_id``) and its Application ID URI
    # (default: ``api://<first valid domain>/<id>``, the form Teams' SSO documentation uses).
    web_application_id: str | None = None
    web_application_resource: str | None = None
    include_user_sync: bool = True

    def __post_init__(self) -> None:
        """Refuse values Teams would refuse, naming every one."""
        problems = [*self._identity_problems(), *self._text_problems(), *self._link_problems()]
        if problems:
            raise ValueError("invalid Teams app package options: " + "; ".join(problems))

    def _identity_problems(self) -> list[str]:
        problems: list[str] = []
        for name, value in (
            ("app_id", self.app_id),
            ("web_application_id", self.web_application_id),
        ):
            if value is not None and not _GUID.fullmatch(value):
                problems.append(f"{name} {value!r} is not a GUID")
        if not _VERSION.fullmatch(self.version):
            problems.append(f"version {self.version!r} is not MAJOR.MINOR.PATCH")
        if not _HEX_COLOUR.fullmatch(self.accent_color):
            problems.append(f"accent_color {self.accent_color!r} is not #rrggbb")
        return problems

    def _text_problems(self) -> list[str]:
        limits = (
            ("bot_name", self.bot_name, _SHORT_NAME),
            ("full_name", self.full_name, _FULL_NAME),
            ("developer_name", self.developer_name, _DEVELOPER_NAME),
            ("short_description", self.short_description, _SHORT_DESCRIPTION),
            ("full_description", self.full_description, _FULL_DESCRIPTION),
        )
        problems: list[str] = []
        for name, value, limit in limits:
            if value is None:
                continue
            if not value.strip():
                problems.append(f"{name} is empty")
            elif len(value) > limit:
                problems.append(f"{name} has {len(value)} characters, more than {limit}")
        return problems

    def _link_problems(self) -> list[str]:
        problems: list[str] = []
        urls = (
            ("website_url", self.website_url),
            ("privacy_url", self.privacy_url),
            ("terms_of_use_url", self.terms_of_use_url),
        )
        for name, url in urls:
            if not _HTTP_URL.fullmatch(url) or len(url) > _URL:
                problems.append(f"{name} {url!r} is not an http(s) URL")
        if not self.valid_domains:
            problems.append("valid_domains is empty: name the host of the bot's sign-in pages")
        if len(self.valid_domains) > _VALID_DOMAINS:
            problems.append(f"valid_domains has more than {_VALID_DOMAINS} entries")
        if len(set(self.valid_domains)) != len(self.valid_domains):
            problems.append("valid_domains repeats a domain")
        problems.extend(
            f"valid domain {domain!r} is not a bare host (no scheme, no path)"
            for domain in self.valid_domains
            if not _DOMAIN.fullmatch(domain)
        )
        resource = self.web_application_resource
        if resource is not None and (not resource.strip() or len(resource) > _URL):
            problems.append("web_application_resource is empty or too long")
        return problems
