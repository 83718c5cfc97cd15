"""Injected failures: by rate with a seed, or "fail the Nth call to X", before or after the work."""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

KINDS = ("429", "500", "502", "503", "504", "reset", "timeout")


@dataclass
class FaultRule:
    """One rule: which calls it matches, and how and how often it breaks them."""

    kind: str
    service: str | None = None
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    tenant: str | None = None
    rate: float | None = None
    seed: int = 0
    nth: int | None = None
    times: int = 1
    # "after" does the work and then loses the answer: the caller cannot tell it happened.
    when: str = "before"
    retry_after: int = 1
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    matched: int = 0
    fired: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _path_re: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if self.when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        if (self.rate is None) == (self.nth is None):
            raise ValueError("give exactly one of rate (0..1) or nth (1-based)")
        if self.rate is not None and not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if self.nth is not None and self.nth < 1:
            raise ValueError("nth counts from 1")
        if self.kind in ("reset", "timeout") and self.when == "after" and self.service is None:
            raise ValueError("a fault that loses answers needs a service")
        self._rng = random.Random(self.seed)
        self._path_re = re.compile(self.path) if self.path else None

    def matches(
        self, service: str, operation: str, method: str, path: str, tenant_id: str | None
    ) -> bool:
        """Whether a call falls under this rule."""
        return (
            (self.service is None or self.service == service)
            and (self.operation is None or self.operation == operation)
            and (self.method is None or self.method.upper() == method)
            and (self._path_re is None or self._path_re.search(path) is not None)
            and (self.tenant is None or self.tenant == tenant_id)
        )

    def decide(self) -> bool:
        """Count one matching call and say whether this one fails."""
        self.matched += 1
        if self.rate is not None:
            fire = self._rng.random() < self.rate
        else:
            assert self.nth is not None
            fire = self.nth <= self.matched < self.nth + self.times
        if fire:
            self.fired += 1
        return fire

    def to_json(self) -> dict[str, Any]:
        """The rule and its counters, as the control API shows them."""
        return {
            "id": self.id,
            "kind": self.kind,
            "service": self.service,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "tenant": self.tenant,
            "rate": self.rate,
            "seed": self.seed,
            "nth": self.nth,
            "times": self.times,
            "when": self.when,
            "retry_after": self.retry_after,
            "matched": self.matched,
            "fired": self.fired,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRule:
        """Build a rule from a control-API body."""
        allowed = {
            "kind",
            "service",
            "operation",
            "method",
            "path",
            "tenant",
            "rate",
            "seed",
            "nth",
            "times",
            "when",
            "retry_after",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        if "kind" not in data:
            raise ValueError(f"a fault needs a kind: {', '.join(KINDS)}")
        return cls(**{k: data[k] for k in allowed if k in data})


class FaultInjector:
    """The active fault rules, consulted by every Microsoft-facing call."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        """Activate a rule."""
        self._rules.append(rule)
        return rule

    def rules(self) -> list[FaultRule]:
        """Every active rule."""
        return list(self._rules)

    def clear(self, tenant: str | None = None) -> None:
        """Drop every rule, or every rule scoped to ``tenant``."""
        self._rules = [] if tenant is None else [r for r in self._rules if r.tenant != tenant]

    def remove(self, rule_id: str) -> bool:
        """Drop one rule; whether it existed."""
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        return len(self._rules) != before

    def check(
        self, service: str, operation: str, method: str, path: str, tenant_id: str | None, when: str
    ) -> FaultRule | None:
        """The rule that breaks this call at this moment, if any (every match is counted)."""
        hit: FaultRule | None = None
        for rule in self._rules:
            matching = rule.when == when and rule.matches(
                service, operation, method, path, tenant_id
            )
            if matching and rule.decide() and hit is None:
                hit = rule
        return hit
