"""The store's one aiosqlite connection, with two guards that start once the store is open (``arm``):

- an error that means the database itself is unusable (damaged, unreadable disk, full disk, read-only, gone) is
  logged once per kind with what to do, and raised as ``StoreUnavailable``, whose message is for members;
- once the file at the database's path was deleted or replaced (its device and inode are no longer those of the
  open file), every statement but a read or a rollback is refused before it runs: a write would land in a file
  nobody will ever open again. The check is one ``stat`` per operation, in aiosqlite's thread (about a
  microsecond); reads carry on from the open file.

Every operation of aiosqlite (``execute``, ``executemany``, cursors, ``close``) goes through ``Connection._execute``,
so that is the one place both guards sit.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

from .errors import FileReplaced, StoreUnavailable

log = logging.getLogger(__name__)

CANNOT_SAVE = "The bot can't save anything right now; the moderators have been told."
CANNOT_REACH = "The bot can't reach what it has saved right now; the moderators have been told."

# Primary SQLite result codes (the low byte of an extended code) that mean the database cannot be used as it is.
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 8, 10, 11, 13, 14, 26


def _diagnosis(path: Path, exc: sqlite3.Error) -> tuple[str, str, str] | None:
    """(kind, operator's sentence, members' sentence) for an error that means the database is unusable."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return (
            "damaged",
            f"The database {path} is damaged ({exc}): stop the bot, restore the newest backup (README: restoring "
            "a backup) and start it again.",
            CANNOT_REACH,
        )
    if primary == _SQLITE_IOERR:
        return (
            "io",
            f"The disk holding the database {path} failed a read or write ({exc}): check the disk, then restart the "
            "bot; if the database is damaged, restore the newest backup.",
            CANNOT_REACH,
        )
    if primary == _SQLITE_FULL:
        return (
            "full",
            f"The disk holding the database {path} is full: free some space; writes work again once there is room.",
            CANNOT_SAVE,
        )
    if primary == _SQLITE_READONLY:
        return (
            "readonly",
            f"The database {path} has become read-only ({exc}): give the bot write access to it and its folder, then "
            "restart the bot.",
            CANNOT_SAVE,
        )
    if primary == _SQLITE_CANTOPEN:
        return (
            "cantopen",
            f"The database {path} can no longer be opened ({exc}); was its folder moved or removed? Put it back and "
            "restart the bot.",
            CANNOT_REACH,
        )
    return None


# Once the file is gone: reads go on from the open file, and a transaction can still be rolled back.
_STILL_ALLOWED = ("SELECT", "ROLLBACK")


def _statement(call: Callable[[], Any]) -> str | None:
    """The SQL a queued call runs, upper-cased from its first keyword (None: no SQL, such as a cursor fetch)."""
    if isinstance(call, partial) and call.args and isinstance(call.args[0], str):
        return call.args[0].lstrip().upper()
    return None


class GuardedConnection(aiosqlite.Connection):
    """``aiosqlite.connect`` with the guards above; build with ``GuardedConnection.to(path)`` and ``await`` it."""

    def __init__(self, path: Path, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self.path = path
        self._identity: tuple[int, int] | None = None  # (device, inode) of the open file, once armed
        self._armed = False
        self._reported: set[str] = set()
        self.file_replaced = False

    @classmethod
    def to(cls, path: Path, **options: Any) -> GuardedConnection:
        return cls(path, partial(sqlite3.connect, str(path), **options))

    def arm(self) -> None:
        """From now on: unusable-database errors become ``StoreUnavailable``, writes check the file is still there."""
        if str(self.path) != ":memory:":
            st = os.stat(self.path)
            self._identity = (st.st_dev, st.st_ino)
        self._armed = True

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._armed:
            return await super()._execute(fn, *args, **kwargs)
        try:
            return await super()._execute(self._watched, partial(fn, *args, **kwargs))
        except FileReplaced as exc:
            self._report_once("replaced", exc.detail)
            raise
        except sqlite3.Error as exc:
            found = _diagnosis(self.path, exc)
            if found is None:
                raise
            kind, detail, message = found
            self._report_once(kind, detail)
            raise StoreUnavailable(message, detail) from exc

    def _report_once(self, kind: str, detail: str) -> None:
        if kind not in self._reported:
            self._reported.add(kind)
            log.error("%s (Logged once; members asking meanwhile are told the bot can't save or read.)", detail)

    def _watched(self, call: Callable[[], Any]) -> Any:
        """Run ``call`` in aiosqlite's thread, unless it would change a file that is no longer at the path."""
        conn = self._connection
        if conn is None or self._identity is None:
            return call()
        if not self.file_replaced and self._moved():
            self.file_replaced = True
        if self.file_replaced:
            sql = _statement(call)
            if sql is not None and not sql.startswith(_STILL_ALLOWED):
                if sql.startswith(("COMMIT", "END")) and conn.in_transaction:
                    conn.rollback()  # the transaction's caller expects its COMMIT to end it either way
                raise FileReplaced(
                    CANNOT_SAVE,
                    f"The database file {self.path} was deleted or replaced while the bot was running: every change "
                    "is refused from now on, so that none is acknowledged and then lost. Restart the bot; it opens the "
                    "file at DATABASE_PATH then (put the newest backup there first if it was deleted by mistake).",
                )
        return call()

    def _moved(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return True
        return (st.st_dev, st.st_ino) != self._identity
