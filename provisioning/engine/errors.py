"""How the engine tells failures apart: outside systems failing, and its own refusals."""

from __future__ import annotations


class StepError(Exception):
    """An outside system failed while a step used it.

    ``transient`` failures are retried with backoff (``retry_after`` when the system gave one);
    the others end the step with ``message`` and the plan's hint for it.
    """

    def __init__(
        self,
        service: str,
        message: str,
        *,
        transient: bool,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.message = message
        self.transient = transient
        self.retry_after = retry_after

    @property
    def throttled(self) -> bool:
        """The system asked us to slow down (it named a time to come back)."""
        return self.transient and self.retry_after is not None


class ActiveRunExists(Exception):  # noqa: N818 - a refusal, not a malfunction
    """The tenant already has a run in progress (one active run per tenant)."""


class RunNotFound(Exception):  # noqa: N818 - a refusal the caller explains
    """No run has that id."""


class LeaseLost(Exception):  # noqa: N818 - a condition the runner handles
    """Another runner owns the run now, or it was cancelled; this one must stop working on it."""
