"""Licence SKUs and the service plans they carry, with Microsoft's real GUIDs.

Source: Entra's licensing service-plan reference (research/graph-entra.md §3.5, R26, R40).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServicePlan:
    """One service plan inside a SKU (``servicePlanId``, ``servicePlanName``, ``service``)."""

    id: str
    name: str
    service: str
    # Plans of which at least one must be present on the user for this plan to be assignable.
    requires_any_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sku:
    """A product that a tenant subscribes to (``skuId``, ``skuPartNumber``, its plans)."""

    id: str
    part_number: str
    product_name: str
    plans: tuple[ServicePlan, ...]

    def plan_ids(self) -> frozenset[str]:
        """The ids of every plan the SKU carries."""
        return frozenset(p.id for p in self.plans)


MCOSTANDARD = ServicePlan(
    "0feaeb32-d00e-4d66-bd5a-43b5b83db82c", "MCOSTANDARD", "MicrosoftCommunicationsOnline"
)
TEAMS1 = ServicePlan("57ff2da0-773e-42df-b2af-ffb7a2317929", "TEAMS1", "TeamspaceAPI")
MCOEV = ServicePlan(
    "4828c8ec-dc2e-4779-b502-87ac9ce28ab7",
    "MCOEV",
    "MicrosoftCommunicationsOnline",
    requires_any_of=(MCOSTANDARD.id, TEAMS1.id),
)
MCOEV_VIRTUALUSER = ServicePlan(
    "f47330e9-c134-43b3-9993-e7f004506889", "MCOEV_VIRTUALUSER", "MicrosoftCommunicationsOnline"
)
MCOPSTN1 = ServicePlan(
    "4ed3ff63-69d7-4fb7-b984-5aec7f605ca8",
    "MCOPSTN1",
    "MicrosoftCommunicationsOnline",
    requires_any_of=(MCOEV.id,),
)
MCOMEETADV = ServicePlan(
    "3e26ee1f-8a5f-4d52-aee2-b81ce45c8f40", "MCOMEETADV", "MicrosoftCommunicationsOnline"
)
EXCHANGE_S_STANDARD = ServicePlan(
    "9aaf7827-d63c-4b61-89c3-182f06f82e5c", "EXCHANGE_S_STANDARD", "exchange"
)
EXCHANGE_S_ENTERPRISE = ServicePlan(
    "efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE", "exchange"
)
SHAREPOINTSTANDARD = ServicePlan(
    "c7699d2e-19aa-44de-8edf-1736da088ca1", "SHAREPOINTSTANDARD", "SharePoint"
)
SHAREPOINTENTERPRISE = ServicePlan(
    "5dbe027f-2339-4123-9542-606e4d348a72", "SHAREPOINTENTERPRISE", "SharePoint"
)
OFFICESUBSCRIPTION = ServicePlan(
    "43de0ff5-c92c-492b-9116-175376d08c38", "OFFICESUBSCRIPTION", "MicrosoftOffice"
)

_OFFICE_E1 = (EXCHANGE_S_STANDARD, SHAREPOINTSTANDARD, TEAMS1, MCOSTANDARD)
_OFFICE_E3 = (EXCHANGE_S_ENTERPRISE, SHAREPOINTENTERPRISE, OFFICESUBSCRIPTION, TEAMS1, MCOSTANDARD)

SKUS: tuple[Sku, ...] = (
    Sku(
        "d42c793f-6c78-4f43-92ca-e8f6a02b035f",
        "MCOSTANDARD",
        "Skype for Business Online (Plan 2)",
        (MCOSTANDARD,),
    ),
    Sku(
        "e43b5b99-8dfb-405f-9987-dc307f34bcbd", "MCOEV", "Microsoft Teams Phone Standard", (MCOEV,)
    ),
    Sku(
        "440eaaa8-b3e0-484b-a8be-62870b9ba70a",
        "PHONESYSTEM_VIRTUALUSER",
        "Microsoft Teams Phone Resource Account",
        (MCOEV_VIRTUALUSER,),
    ),
    Sku(
        "0dab259f-bf13-4952-b7f8-7db8f131b28d",
        "MCOPSTN1",
        "Microsoft 365 Domestic Calling Plan",
        (MCOPSTN1,),
    ),
    Sku("18181a46-0d4e-45cd-891e-60aabd171b4e", "STANDARDPACK", "Office 365 E1", _OFFICE_E1),
    Sku("6fd2c87f-b296-42f0-b197-1e91e994b900", "ENTERPRISEPACK", "Office 365 E3", _OFFICE_E3),
    Sku(
        "c7df2760-2c81-4ef7-b578-5b5392b571df",
        "ENTERPRISEPREMIUM",
        "Office 365 E5",
        (*_OFFICE_E3, MCOEV, MCOMEETADV),
    ),
    Sku("05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", "Microsoft 365 E3", _OFFICE_E3),
    Sku(
        "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
        "SPE_E5",
        "Microsoft 365 E5",
        (*_OFFICE_E3, MCOEV, MCOMEETADV),
    ),
)

SKUS_BY_ID: dict[str, Sku] = {s.id: s for s in SKUS}
SKUS_BY_PART: dict[str, Sku] = {s.part_number: s for s in SKUS}
PLANS_BY_ID: dict[str, ServicePlan] = {p.id: p for s in SKUS for p in s.plans}


def sku(ref: str) -> Sku:
    """Look a SKU up by part number (``ENTERPRISEPREMIUM``) or by ``skuId``."""
    found = SKUS_BY_PART.get(ref.upper()) or SKUS_BY_ID.get(ref.lower())
    if found is None:
        raise KeyError(f"unknown SKU {ref!r}; known: {', '.join(SKUS_BY_PART)}")
    return found
