"""How runners work: their leases, how many runs at once, how often they look for work."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RunnerSettings(BaseSettings):
    """``RUNNER_*``."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    runner_lease_seconds: float = Field(30.0, alias="RUNNER_LEASE_SECONDS")
    # Runs in flight per runner that are not asleep in a short wait. Their work is waiting on
    # Microsoft (round trips of 100-400 ms), so a hundred at once cost little CPU each;
    # Microsoft's throttling is met with its Retry-After, not with this limit.
    runner_concurrency: int = Field(100, alias="RUNNER_CONCURRENCY")
    runner_idle_poll_seconds: float = Field(1.0, alias="RUNNER_IDLE_POLL_SECONDS")
