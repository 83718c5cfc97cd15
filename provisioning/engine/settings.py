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
    runner_concurrency: int = Field(20, alias="RUNNER_CONCURRENCY")
    runner_idle_poll_seconds: float = Field(1.0, alias="RUNNER_IDLE_POLL_SECONDS")
