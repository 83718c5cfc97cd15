"""Fixtures of the sandbox's own tests (the sandbox process itself is in ``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from tests.support.harness import Graph, Harness, SeededTenant
from tests.support.knot import KnotServer


@pytest.fixture
def tenant(sb: Harness) -> SeededTenant:
    """A small tenant: 30 users, 20 with Teams Phone (E5), 5 unlicensed, one free MCOSTANDARD."""
    return sb.make_tenant(
        users=30, teams_phone_share=2 / 3, unlicensed_share=1 / 6, free_seats={"MCOSTANDARD": 1}
    )


@pytest.fixture
def admin_graph(sb: Harness, tenant: SeededTenant) -> Graph:
    """Graph as the tenant's Global Administrator, with every scope the suite's app asks for."""
    return sb.graph(tenant)


@pytest.fixture
def provider_zone(sb: Harness, knot: KnotServer) -> KnotServer:
    """The shared sandbox resolves ``provider.test`` by asking the Knot server."""
    response = sb.control.put(
        "/dns/delegations", json={"zone": knot.zone, "servers": [knot.address]}
    )
    assert response.status_code == 200, response.text
    return knot
