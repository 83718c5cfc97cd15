"""Number ranges per tenant (SPEC step 4): blocks of the provider's numbers from which
``activate <user>`` without a number takes the next free one (free: held by no synced user and
not being given to anyone)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from i18n.text import number, t
from provisioning.engine.store import RunStore
from storage.runs import RunKind
from storage.users import NumberRangeRecord, TenantUserRecord

# A range of this many numbers at most: the provider's blocks are hundreds or thousands.
MAX_RANGE = 100_000


class RangeRefused(Exception):  # noqa: N818 - a refusal the caller shows the admin
    """The range cannot be added; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NumberRange:
    """A range and how many of its numbers are free."""

    first: str
    last: str
    free: int

    @property
    def size(self) -> int:
        """How many numbers it holds."""
        return int(self.last[1:]) - int(self.first[1:]) + 1


def e164(number: str, region: str) -> str:
    """``number`` as E.164 (``+4930…``); :class:`RangeRefused` when it is no valid number."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        # ``exc``: the phonenumbers library's own words (data).
        raise RangeRefused(
            t("“{number}” is not a phone number ({error}).", number=number, error=exc)
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise RangeRefused(
            t(
                "“{number}” is not a valid phone number; write it with its country code, "
                "like +44 20 7946 0000.",
                number=number,
            )
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class NumberRanges:
    """Stores ranges and finds free numbers (blocking: call from a thread)."""

    def __init__(self, engine: Engine, runs: RunStore, region: str) -> None:
        self._engine = engine
        self._runs = runs
        self._region = region

    def add(self, tenant_id: str, first: str, last: str, now: float) -> NumberRange:
        """Add ``first``–``last`` (both valid, same country and length, first ≤ last)."""
        a, b = e164(first, self._region), e164(last, self._region)
        low, high = phonenumbers.parse(a), phonenumbers.parse(b)
        if low.country_code != high.country_code or len(a) != len(b):
            raise RangeRefused(t("Both ends need the same country code and the same length."))
        if int(a[1:]) > int(b[1:]):
            a, b = b, a
        if int(b[1:]) - int(a[1:]) + 1 > MAX_RANGE:
            most = number(MAX_RANGE)
            raise RangeRefused(t("A range holds at most {count} numbers.", count=most))
        for other in self._records(tenant_id):
            if len(other.first) == len(a) and not (
                int(b[1:]) < int(other.first[1:]) or int(a[1:]) > int(other.last[1:])
            ):
                raise RangeRefused(
                    t("It overlaps {first}–{last}.", first=other.first, last=other.last)
                )
        with Session(self._engine) as session:
            session.add(NumberRangeRecord(tenant_id=tenant_id, first=a, last=b, created_at=now))
            session.commit()
        held = self._held(tenant_id)
        return NumberRange(a, b, self._free_in(a, b, held))

    def remove(self, tenant_id: str, first: str) -> bool:
        """Remove the range starting at ``first``; whether there was one."""
        start = e164(first, self._region)
        with Session(self._engine) as session:
            record = session.get(NumberRangeRecord, (tenant_id, start))
            if record is None:
                return False
            session.delete(record)
            session.commit()
        return True

    def ranges(self, tenant_id: str) -> list[NumberRange]:
        """The tenant's ranges, with how many numbers of each are free."""
        held = self._held(tenant_id)
        return [
            NumberRange(r.first, r.last, self._free_in(r.first, r.last, held))
            for r in self._records(tenant_id)
        ]

    def next_free(self, tenant_id: str) -> str | None:
        """The lowest free number of the tenant's ranges (``None``: no range, or all taken)."""
        held = self._held(tenant_id)
        for found in self._records(tenant_id):
            width = len(found.first) - 1
            for value in range(int(found.first[1:]), int(found.last[1:]) + 1):
                number = f"+{value:0{width}d}"
                if number not in held:
                    return number
        return None

    def _records(self, tenant_id: str) -> list[NumberRangeRecord]:
        with Session(self._engine) as session:
            return list(
                session.exec(
                    select(NumberRangeRecord)
                    .where(col(NumberRangeRecord.tenant_id) == tenant_id)
                    .order_by(col(NumberRangeRecord.first))
                ).all()
            )

    @staticmethod
    def _free_in(first: str, last: str, held: set[str]) -> int:
        low, high = int(first[1:]), int(last[1:])
        taken = sum(
            1
            for n in held
            if len(n) == len(first) and n[1:].isdigit() and low <= int(n[1:]) <= high
        )
        return high - low + 1 - taken

    def _held(self, tenant_id: str) -> set[str]:
        return set(self.holders(tenant_id))

    def holders(self, tenant_id: str) -> dict[str, str]:
        """Every number a synced user holds or an activation under way is giving, with who."""
        users = TenantUserRecord  # not ``t``: that name says a text
        held: dict[str, str] = {}
        with Session(self._engine) as session:
            for upn, numbers in session.exec(
                select(users.upn, users.numbers).where(
                    col(users.tenant_id) == tenant_id,
                    col(users.removed).is_(False),
                    col(users.numbers) != "",
                )
            ):
                held.update((n, upn) for n in numbers.split(",") if n)
        for run in self._runs.active_subjects(tenant_id):
            if run.kind == RunKind.ACTIVATE.value:
                plan = json.loads(run.plan)
                held[str(plan.get("number", ""))] = str(
                    plan.get("upn", t("someone being activated"))
                )
        return held
