"""The sandbox's state kept across restarts (``--keep-state``, which the embedded default uses):
tenants with their users, domains and voice, app registrations, the channel's bots and
conversations, the provider zone's records, the knobs and the clock. Saved on stop and every
minute, written to a new file and renamed, so a crash leaves the last whole snapshot."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from sandbox.state import Sandbox

SNAPSHOT = "snapshot.pickle"
_VERSION = 1


def save(sb: Sandbox) -> Path:
    """Write the sandbox's state to its data folder."""
    state: dict[str, Any] = {
        "version": _VERSION,
        "tenants": list(sb.directory),
        "apps": sb.apps.all(),
        "knobs": sb.knobs,
        "clock_offset": sb.clock.offset,
        "bots": sb.channel.bots,
        "conversations": sb.channel.conversations,
        "zone": sb.provider_zone.versions() if sb.provider_zone is not None else [],
    }
    path = sb.data_dir / SNAPSHOT
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
    return path


def restore(sb: Sandbox) -> bool:
    """Load the state saved in the data folder, if any (``False``: none, or of another
    version, and the sandbox keeps its fresh state)."""
    path = sb.data_dir / SNAPSHOT
    if not path.exists():
        return False
    # The file is the sandbox's own, in its own data folder: nothing else writes it.
    state = pickle.loads(path.read_bytes())  # noqa: S301
    if not isinstance(state, dict) or state.get("version") != _VERSION:
        return False
    # In place: the HTTP surfaces hold these objects.
    sb.directory.clear()
    for tenant in state["tenants"]:
        sb.directory.add(tenant)
    sb.apps.clear()
    for app in state["apps"]:
        sb.apps.register(app)
    sb.knobs = state["knobs"]
    sb.clock.reset()
    sb.clock.advance(max(0.0, float(state["clock_offset"])))
    sb.channel.bots.update(state["bots"])
    sb.channel.conversations.update(state["conversations"])
    if sb.provider_zone is not None:
        sb.provider_zone.restore(state["zone"])
    return True
