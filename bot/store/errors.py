"""The store's exceptions: ``StoreError`` for the operator (start-up, ``check``, backups), ``StoreUnavailable`` for
a database that stopped working while the bot runs (its ``message`` is for members)."""

from __future__ import annotations

from ..errors import ConfigError, UserError


class StoreError(ConfigError):
    """The database cannot be opened or written; the message says what to do."""


class StoreUnavailable(StoreError, UserError):
    """The database can't be used right now. ``message`` is for members (the command tree answers it as it answers
    any ``UserError``: privately, without logging); ``detail`` tells the operator what to do and has already been
    logged, once."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class FileReplaced(StoreUnavailable):
    """The file at the database's path is no longer the file the bot has open; writes are refused."""


class QueueFull(Exception):
    """A suggestion was not queued: its author, or the server, already has as many waiting as the caps allow.
    ``mine`` and ``everyone`` are the counts found (the caller words the refusal)."""

    def __init__(self, mine: int, everyone: int) -> None:
        super().__init__(f"review queue full: {mine} of the member's, {everyone} in the server")
        self.mine = mine
        self.everyone = everyone
