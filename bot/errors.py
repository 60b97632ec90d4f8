"""Exceptions that carry a message meant for people, not for logs."""

from __future__ import annotations

from discord import app_commands


class ConfigError(Exception):
    """A setting or data file is wrong; the message says what to do."""


class UserFacingError(app_commands.AppCommandError):
    """A member's mistake or a refusal; the tree's error handler answers it politely and ephemerally."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
