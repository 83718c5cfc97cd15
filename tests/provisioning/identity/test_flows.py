"""Sign-ins in flight are kept sealed, used once, and refused after they expire."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from provisioning.identity.flows import FlowError, SignInBinding, SignInFlows
from storage.crypto import Sealer
from storage.database import make_engine, migrate
from storage.sign_ins import SignInFlowRecord

BINDING = SignInBinding("graph", tenant_id="t-1", user_id="u-1", conversation="conv-1")
FLOW = {"state": "s-123", "nonce": "n-456", "code_verifier": "verifier-secret-789"}


@pytest.fixture
def flows(tmp_path: Path) -> SignInFlows:
    """A flow store on a fresh database."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    return SignInFlows(engine, Sealer(b"k" * 32))


def test_a_started_sign_in_is_completed_once(flows: SignInFlows) -> None:
    """The callback gets the flow and its binding back; a replay is refused."""
    flows.save("s-123", BINDING, FLOW, now=100, ttl=600)
    assert flows.consume("s-123", now=200) == (BINDING, FLOW)
    with pytest.raises(FlowError, match="used already"):
        flows.consume("s-123", now=201)


def test_an_expired_sign_in_is_refused(flows: SignInFlows) -> None:
    """Ten minutes later the state is worthless."""
    flows.save("s-123", BINDING, FLOW, now=100, ttl=600)
    with pytest.raises(FlowError, match="expired"):
        flows.consume("s-123", now=701)


def test_an_unknown_state_is_refused(flows: SignInFlows) -> None:
    """A forged state finds nothing."""
    with pytest.raises(FlowError, match="not known"):
        flows.consume("forged", now=100)


def test_neither_the_state_nor_the_verifier_is_readable_at_rest(flows: SignInFlows) -> None:
    """The row holds a hash of the state and ciphertext only."""
    flows.save("s-123", BINDING, FLOW, now=100, ttl=600)
    with Session(flows._engine) as session:
        row = session.exec(select(SignInFlowRecord)).one()
    stored = row.state_hash.encode() + row.ciphertext + row.nonce
    for secret in ("s-123", "n-456", "verifier-secret-789", "conv-1"):
        assert secret.encode() not in stored


def test_a_flow_sealed_with_another_key_is_refused(flows: SignInFlows, tmp_path: Path) -> None:
    """After a key change, started sign-ins cannot be completed (start again)."""
    flows.save("s-123", BINDING, FLOW, now=100, ttl=600)
    other = SignInFlows(flows._engine, Sealer(b"x" * 32))
    with pytest.raises(FlowError, match="cannot be completed"):
        other.consume("s-123", now=200)
