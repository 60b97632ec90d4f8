"""Exceptions that carry a message meant for people, not for logs (discord-free: the store and pure code raise them)."""

from __future__ import annotations


class ConfigError(Exception):
    """A setting or data file is wrong; the message says what to do."""


class UserError(Exception):
    """A member's mistake or a refusal; the command tree answers it politely and ephemerally, and nothing changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
