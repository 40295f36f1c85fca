"""Secrets never reach the output, the logs or the report of a local run.

A value is secret when its key names a secret (``jwtToken``, ``password``, ``apiKey``,
``clientSecret``...: the last word of the key is one of ``SECRET_WORDS``), or when the
connector declares the option secret (a ``SecretStr`` field of its ``options_model``).
Only those values are masked: ``authProvider: openmetadata`` is not a secret, so a table
called ``openmetadata_audit`` is shown as it is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr

MASK = "******"
SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "key", "credential", "credentials"}
)
# Shorter values are not masked: they would mask ordinary words everywhere.
MIN_SECRET_LENGTH = 4
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def is_secret_key(key: str) -> bool:
    """Whether ``key`` names a secret: its last word (camelCase or snake_case) is one."""
    words = _WORD.findall(key)
    return bool(words) and words[-1].lower() in SECRET_WORDS


def secret_fields(model: type[BaseModel] | None) -> frozenset[str]:
    """The fields of an options model typed as secret (``SecretStr``, ``SecretBytes``)."""
    if model is None:
        return frozenset()
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if any(marker in repr(field.annotation) for marker in ("SecretStr", "SecretBytes"))
        or field.annotation in (SecretStr, SecretBytes)
    )


def secrets_in(config: Any, declared: Iterable[str] = (), key: str = "") -> Iterator[str]:
    """The secret values of a workflow config (``declared``: option names typed secret)."""
    names = frozenset(declared)
    if isinstance(config, dict):
        for name, value in config.items():
            yield from secrets_in(value, names, name if isinstance(name, str) else "")
    elif isinstance(config, list):
        for value in config:
            yield from secrets_in(value, names, key)
    elif isinstance(config, str) and config and (is_secret_key(key) or key in names):
        yield config


class Redactor(logging.Filter):
    """Masks secret values in text, and in every log record it filters."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        unique = {secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH}
        self.secrets = sorted(unique, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg, record.args = self(record.getMessage()), None
        return True

    def install(self) -> None:
        """Filter every handler of every logger that exists now."""
        for handler in _handlers():
            handler.addFilter(self)

    def uninstall(self) -> None:
        for handler in _handlers():
            handler.removeFilter(self)


def _handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return [handler for logger in loggers for handler in logger.handlers]
