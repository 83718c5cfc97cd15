"""SPEC.md end to end through the sandbox's channel over real HTTP: the test sees only what
the channel received and the tenant's state."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Client, card_of, find_action, text_of
from tests.support.harness import Harness, SeededTenant
from tests.support.product import added_objects, object_counts
from tests.support.voice import give_our_policy_to_a_resource_account


def _having(text: str) -> Any:
    """A predicate: the newest bot card whose text contains ``text``."""

    def predicate(cards: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((c for c in reversed(cards) if text in text_of(card_of(c))), None)

    return predicate


def _link(activity: dict[str, Any], title: str) -> str:
    url: str = find_action(card_of(activity), title)["url"]
    return url


async def test_connect_to_a_provisioned_tenant_and_remove_back_to_a_clean_one(
    sb: Harness, tenant: SeededTenant, chat: Client
) -> None:
    """connect → sign in → checklist → sign in to Teams admin → integrate → domain verified →
    connected; remove → typed confirmation → disconnected, the tenant as it was."""
    counted = object_counts(sb, tenant)
    await chat.wait_for("the welcome card", _having("Hello!"))

    await chat.say("connect")
    wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"))
    page = await chat.sign_in(_link(wizard, "Sign in to Microsoft (step 1)"), tenant.admin)
    assert page.status_code == 200
    assert "close this tab" in page.text

    wizard = await chat.wait_for("step 3", _having("Step 3 of 4"))
    assert "All 7 checks passed" in text_of(card_of(wizard))
    page = await chat.sign_in(
        _link(wizard, "Sign in to the Teams admin centre (step 3)"), tenant.admin
    )
    assert page.status_code == 200, page.text

    wizard = await chat.wait_for("step 4", _having("Step 4 of 4"))
    await chat.press(wizard, "Integrate")
    await chat.wait_for("domain verified", _having("Microsoft has verified the domain"), 120)
    await chat.wait_for("the end", _having("is connected"), 120)
    progress = await chat.wait_for("the summary", _having("The integration is complete."))
    summary = text_of(card_of(progress))
    assert "Created the PSTN gateway" in summary
    assert "Created the voice routing policy" in summary
    assert "from every user holding it" not in summary  # that is what a removal does
    added = added_objects(counted, object_counts(sb, tenant))
    assert (added["domains"], added["OnlinePSTNGateway"], added["OnlineVoiceRoute"]) == (1, 1, 1)
    # Someone gave our policy to a resource account in the Teams admin centre meanwhile.
    account = give_our_policy_to_a_resource_account(sb, tenant)

    await chat.say("remove")
    warning = await chat.wait_for("the warning", _having("cannot be undone"))
    assert "voice routing policy" in text_of(card_of(warning))
    assert "from every user holding it" in text_of(card_of(warning))
    await chat.press(warning, "Remove everything", confirmation="contoso.onmicrosoft.com")
    assert object_counts(sb, tenant) != counted  # a wrong domain removes nothing
    await chat.press(warning, "Remove everything", confirmation=tenant.domain.upper())
    done = await chat.wait_for("disconnected", _having("is disconnected"), 120)
    said = text_of(card_of(done)).replace("\u200b", "")
    assert "dedicated service account" in said
    assert "check it in the Teams admin centre" in said
    # The resource account is named, with what was done to it and why its number stays.
    assert "These resource accounts held our policy, which was taken off" in said
    assert account in said
    assert object_counts(sb, tenant) == counted


async def test_cancel_stops_an_integration_that_waits_on_microsoft(
    sb: Harness, tenant: SeededTenant, chat: Client
) -> None:
    """Cancel while Direct Routing is not active yet: the run stops, its card says so, and the
    tenant is not connected."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"activation_seconds": 3600})
    await chat.say("connect")
    wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"))
    await chat.sign_in(_link(wizard, "Sign in to Microsoft (step 1)"), tenant.admin)
    wizard = await chat.wait_for("step 3", _having("Step 3 of 4"))
    await chat.sign_in(_link(wizard, "Sign in to the Teams admin centre (step 3)"), tenant.admin)
    wizard = await chat.wait_for("step 4", _having("Step 4 of 4"))
    await chat.press(wizard, "Integrate")
    await chat.wait_for("domain verified", _having("Microsoft has verified the domain"))

    await chat.say("cancel")

    await chat.wait_for("the cancellation", _having("Cancelled."))
    said = text_of(await chat.answer_to("status"))
    assert "Cancelled" in said
    assert "is connected" not in said
