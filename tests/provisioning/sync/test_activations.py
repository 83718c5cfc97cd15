"""Activations and deactivations as runs against the sandbox: the user ends up with our number,
dial plan and policy (and without them again); refusals for another provider's users, bad and
taken numbers, tenants not integrated yet."""

from __future__ import annotations

from typing import Any

import pytest

from provisioning.integrations import ActivationRefused
from provisioning.sync.store import SyncStore
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product
from tests.support.voice import POLICY, as_if_integrated


@pytest.fixture
async def ready(sb: Harness, product: Product) -> SeededTenant:
    """An integrated tenant whose users are synced."""
    tenant = sb.make_tenant(
        users=12, teams_phone_share=0.5, other_provider={"users": 2}, free_seats={"MCOSTANDARD": 1}
    )
    product.onboard(tenant)
    as_if_integrated(sb, product, tenant)
    await product.runtime.integrations.users.sync(tenant.id)
    return tenant


async def _inactive(product: Product, tenant: SeededTenant) -> Any:
    page = await product.runtime.integrations.users.page(tenant.id, None, 0)
    return next(u for u in page.users if u.status.value == "inactive")


async def test_an_activation_gives_the_user_our_number_dial_plan_and_policy(
    sb: Harness, product: Product, ready: SeededTenant
) -> None:
    user = await _inactive(product, ready)
    run_id = await product.runtime.integrations.activations.activate(
        ready.id, user.upn, "+44 20 7946 0101", "admin", None
    )

    record = await product.converge(run_id)

    assert record.status == "succeeded"
    voice = sb.state(ready)["voice"]["users"][user.upn]
    assert voice["numbers"] == ["+442079460101"]
    assert voice["policies"] == {"OnlineVoiceRoutingPolicy": POLICY, "TenantDialPlan": POLICY}
    listed = await product.runtime.integrations.users.user(ready.id, user.user_id)
    assert listed is not None
    assert (listed.status.value, listed.numbers) == ("active", ("+442079460101",))


async def test_a_deactivation_takes_off_exactly_what_the_activation_gave(
    sb: Harness, product: Product, ready: SeededTenant
) -> None:
    user = await _inactive(product, ready)
    activations = product.runtime.integrations.activations
    await product.converge(
        await activations.activate(ready.id, user.upn, "+442079460102", "a", None)
    )

    record = await product.converge(await activations.deactivate(ready.id, user.upn, "a", None))

    assert record.status == "succeeded"
    assert user.upn not in sb.state(ready)["voice"]["users"]
    listed = await product.runtime.integrations.users.user(ready.id, user.user_id)
    assert listed is not None
    assert listed.status.value == "inactive"


async def test_another_providers_user_is_refused(product: Product, ready: SeededTenant) -> None:
    page = await product.runtime.integrations.users.page(ready.id, None, 0)
    theirs = next(u for u in page.users if u.status.value == "other")
    with pytest.raises(ActivationRefused, match="someone else"):
        await product.runtime.integrations.activations.activate(
            ready.id, theirs.upn, "+442079460103", "a", None
        )


async def test_a_number_that_is_no_number_is_refused(product: Product, ready: SeededTenant) -> None:
    user = await _inactive(product, ready)
    with pytest.raises(ActivationRefused, match="not a valid phone number"):
        await product.runtime.integrations.activations.activate(
            ready.id, user.upn, "+44 12", "a", None
        )


async def test_a_number_being_given_to_someone_else_is_refused(
    product: Product, ready: SeededTenant
) -> None:
    page = await product.runtime.integrations.users.page(ready.id, None, 0)
    first, second = [u for u in page.users if u.status.value == "inactive"][:2]
    activations = product.runtime.integrations.activations
    await activations.activate(ready.id, first.upn, "+442079460107", "a", None)
    with pytest.raises(ActivationRefused, match=f"assigned to {first.upn}"):
        await activations.activate(ready.id, second.upn, "+44 20 7946 0107", "a", None)


async def test_a_number_an_active_user_holds_is_refused(
    product: Product, ready: SeededTenant
) -> None:
    page = await product.runtime.integrations.users.page(ready.id, None, 0)
    first, second = [u for u in page.users if u.status.value == "inactive"][:2]
    activations = product.runtime.integrations.activations
    await product.converge(
        await activations.activate(ready.id, first.upn, "+442079460108", "a", None)
    )
    with pytest.raises(ActivationRefused, match=f"assigned to {first.upn}"):
        await activations.activate(ready.id, second.upn, "+442079460108", "a", None)


async def test_two_users_are_activated_side_by_side(product: Product, ready: SeededTenant) -> None:
    page = await product.runtime.integrations.users.page(ready.id, None, 0)
    first, second = [u for u in page.users if u.status.value == "inactive"][:2]
    activations = product.runtime.integrations.activations
    runs = [
        await activations.activate(ready.id, first.upn, "+442079460104", "a", None),
        await activations.activate(ready.id, second.upn, "+442079460105", "a", None),
    ]

    records = [await product.converge(run) for run in runs]

    assert [r.status for r in records] == ["succeeded", "succeeded"]


async def test_nobody_is_activated_before_the_integration(
    sb: Harness, product: Product, store: SyncStore
) -> None:
    tenant = sb.make_tenant(users=4, teams_phone_share=1.0)
    product.onboard(tenant)
    await product.runtime.integrations.users.sync(tenant.id)
    page = await product.runtime.integrations.users.page(tenant.id, None, 0)
    with pytest.raises(ActivationRefused, match="integration is done"):
        await product.runtime.integrations.activations.activate(
            tenant.id, page.users[0].upn, "+442079460106", "a", None
        )


async def test_removal_deactivates_every_user_we_activated(sb: Harness, product: Product) -> None:
    from storage.runs import RunKind

    tenant = sb.make_tenant(
        users=12, teams_phone_share=0.5, free_seats={"MCOSTANDARD": 1}, other_provider={"users": 2}
    )
    product.onboard(tenant)
    provisioned = await product.converge(await product.start(tenant))
    assert provisioned.status == "succeeded", (provisioned.error, provisioned.hint)
    users = product.runtime.integrations.users
    await users.sync(tenant.id)
    user = await _inactive(product, tenant)
    activated = await product.converge(
        await product.runtime.integrations.activations.activate(
            tenant.id, user.upn, "+442079460120", "a", None
        )
    )
    assert activated.status == "succeeded"
    theirs = {upn: v for upn, v in sb.state(tenant)["voice"]["users"].items() if upn != user.upn}

    removed = await product.converge(await product.start(tenant, RunKind.REMOVE))

    assert removed.status == "succeeded", (removed.error, removed.hint)
    after = sb.state(tenant)["voice"]["users"]
    assert user.upn not in after
    assert {upn: v for upn, v in after.items() if upn in theirs} == theirs


async def test_activation_without_a_number_takes_the_next_free_one_of_the_range(
    sb: Harness, product: Product, ready: SeededTenant
) -> None:
    page = await product.runtime.integrations.users.page(ready.id, None, 0)
    first, second = [u for u in page.users if u.status.value == "inactive"][:2]
    activations = product.runtime.integrations.activations
    await activations.add_range(ready.id, "+44 20 7946 0200", "+44 20 7946 0209")
    await product.converge(await activations.activate(ready.id, first.upn, "", "a", None))

    await product.converge(await activations.activate(ready.id, second.upn, "", "a", None))

    voice = sb.state(ready)["voice"]["users"]
    assert (voice[first.upn]["numbers"], voice[second.upn]["numbers"]) == (
        ["+442079460200"],
        ["+442079460201"],
    )
    assert [r.free for r in await activations.ranges(ready.id)] == [8]


async def test_a_range_that_overlaps_another_is_refused(
    product: Product, ready: SeededTenant
) -> None:
    activations = product.runtime.integrations.activations
    await activations.add_range(ready.id, "+442079460300", "+442079460399")
    with pytest.raises(ActivationRefused, match="overlaps"):
        await activations.add_range(ready.id, "+442079460350", "+442079460450")


async def test_activation_without_a_number_or_a_range_asks_for_one(
    product: Product, ready: SeededTenant
) -> None:
    user = await _inactive(product, ready)
    with pytest.raises(ActivationRefused, match="Which number"):
        await product.runtime.integrations.activations.activate(ready.id, user.upn, "", "a", None)
