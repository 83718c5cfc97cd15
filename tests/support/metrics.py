"""Reading ``/metrics`` as Prometheus does: the text parsed into samples."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Scrape:
    """One scrape's samples, by name and labels."""

    samples: dict[tuple[str, frozenset[tuple[str, str]]], float]
    types: dict[str, str]

    @classmethod
    def of(cls, text: bytes) -> Scrape:
        """Parse Prometheus' text exposition."""
        samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
        types: dict[str, str] = {}
        for family in text_string_to_metric_families(text.decode()):
            types[family.name] = family.type
            for sample in family.samples:
                samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
        return cls(samples, types)

    def value(self, name: str, **labels: str) -> float:
        """A sample's value (0 when there is no such series yet)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def has(self, name: str, **labels: str) -> bool:
        """Whether the series is exposed at all."""
        return (name, frozenset(labels.items())) in self.samples

    def series(self, name: str) -> dict[frozenset[tuple[str, str]], float]:
        """Every series of a sample name, by labels."""
        return {labels: v for (n, labels), v in self.samples.items() if n == name}

    def since(self, before: Scrape, name: str, **labels: str) -> float:
        """How much a process-wide counter grew since ``before`` (other tests in this process
        count too, so tests look at the difference)."""
        return self.value(name, **labels) - before.value(name, **labels)
