"""Log lines as operators read them: one JSON object a line (python-json-logger) with the time,
level, logger, message, run and tenant, and nothing that could be a credential: bearer tokens,
JWTs and ``secret=``/``password=`` values are blanked out before a line is written, whatever
the code that logged it put in."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from pythonjsonlogger.json import JsonFormatter

from provisioning.log_context import ContextFilter

_SECRETS = (
    # A JWT: header.payload.signature, base64url (access, refresh-as-JWT, id tokens).
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{16,}"),
    re.compile(
        r"(?i)((?:client_secret|secret|password|refresh_token|access_token|code_verifier|tsig)"
        r"[\"']?\s*[=:]\s*[\"']?)[^\s\"'&,}]+"
    ),
)
_BLANK = "[redacted]"


class LoggingSettings(BaseSettings):
    """``LOG_FORMAT``."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    # json: one JSON object a line (for a log collector); text: lines for a person; auto:
    # text on a terminal, json otherwise.
    log_format: Literal["auto", "json", "text"] = Field("auto", alias="LOG_FORMAT")

    def json_lines(self) -> bool:
        """Whether lines are JSON."""
        if self.log_format == "auto":
            return not sys.stderr.isatty()
        return self.log_format == "json"


def redact(text: str) -> str:
    """``text`` with anything that looks like a credential blanked out."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + _BLANK, text)
    return text


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines whose message and exception text carry no credentials."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        """Blank credentials out of every text field."""
        return {k: redact(v) if isinstance(v, str) else v for k, v in log_data.items()}


class RedactingTextFormatter(logging.Formatter):
    """Plain lines for a terminal, run and tenant included, credentials blanked out."""

    def format(self, record: logging.LogRecord) -> str:
        """The line, redacted."""
        return redact(super().format(record))


def configure(json_lines: bool, verbose: bool) -> None:
    """Send every log line to stderr as JSON (``json_lines``) or as text."""
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    if json_lines:
        handler.setFormatter(
            RedactingJsonFormatter(
                "{asctime}{levelname}{name}{message}{run_id}{tenant_id}{conversation}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
        )
    else:
        handler.setFormatter(
            RedactingTextFormatter(
                "%(asctime)s %(levelname)s %(name)s [run=%(run_id)s tenant=%(tenant_id)s] "
                "%(message)s"
            )
        )
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # httpx logs request lines at INFO: URLs only, never headers or bodies.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
