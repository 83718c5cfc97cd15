"""Which certificate authorities the HTTP clients trust (the system's, or a configured bundle)."""

from __future__ import annotations

import ssl
from pathlib import Path


def verify_for(ca_bundle: Path | None) -> ssl.SSLContext | bool:
    """What httpx's ``verify`` takes: a context trusting ``ca_bundle``, or the system default."""
    return ssl.create_default_context(cafile=str(ca_bundle)) if ca_bundle else True
