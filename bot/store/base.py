"""The connection, the migrations and the small key-value table every part of the store shares."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Self

import aiosqlite

from .connection import GuardedConnection
from .errors import StoreError

log = logging.getLogger(__name__)
# The integrity check at start reads every page: 1.2 s for a 724 MB file on a laptop-class machine (file in the page
# cache). Past this many seconds it stops and start-up carries on, saying so in the log; `python -m bot check` runs
# the full integrity check without a bound.
QUICK_CHECK_SECONDS = 2.0
COMMANDS_KEY = "commands_hash:"
# Switching a new file to WAL while another process does the same: retried this often, this far apart (the 5 s of
# busy_timeout in all).
WAL_TRIES, WAL_RETRY_SECONDS = 100, 0.05
META_UPSERT = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def iso(moment: datetime) -> str:
    """One fixed format (UTC, microseconds) so that comparing the text compares the times."""
    if moment.tzinfo is None:
        raise ValueError("times given to the store must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def time_or_none(raw: str | None) -> datetime | None:
    return None if raw is None else datetime.fromisoformat(raw)


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migration scripts, in order: (version, file name, SQL)."""
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions) or (versions and versions[0] < 1):
        raise RuntimeError(f"migrations must have distinct numbers from 001, found {versions}")
    return found


def latest_version() -> int:
    """The schema version of a database with every migration applied (the highest number)."""
    found = migrations()
    return found[-1][0] if found else 0


class StoreBase:
    """One aiosqlite connection shared by every coroutine; multi-statement writes take ``transaction()``."""

    def __init__(self, conn: GuardedConnection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(
        cls, path: Path, *, check_seconds: float | None = QUICK_CHECK_SECONDS, quick_check: bool = True
    ) -> Self:
        """Open (creating if needed) the database at ``path``, check it and bring its schema up to date.

        Every failure is a ``StoreError`` saying what to do. ``check_seconds`` bounds the integrity check (None:
        no bound).
        """
        if str(path) != ":memory:":
            _prepare_folder(path)
        conn = GuardedConnection.to(path, isolation_level=None)
        try:
            await conn
        except sqlite3.Error as exc:
            # aiosqlite stops its thread on a failed connect without waiting for it; wait here, or the thread
            # may finish after the event loop closed and print "RuntimeError: Event loop is closed".
            await asyncio.to_thread(conn._thread.join, 10)
            raise StoreError(f"Cannot open the database {path} ({exc}); check DATABASE_PATH.") from None
        conn.row_factory = aiosqlite.Row
        store = cls(conn, path)
        try:
            await store._configure()
            if quick_check:  # False: the caller runs the full integrity check itself
                await store._quick_check(check_seconds)
            await store._migrate()
            conn.arm()
        except sqlite3.Error as exc:
            await conn.close()
            raise StoreError(explain_database_error(path, exc)) from None
        except BaseException:
            await conn.close()
            raise
        return store

    async def _quick_check(self, seconds: float | None) -> None:
        """``PRAGMA quick_check``, stopped after ``seconds``: every page's structure, not index contents."""
        if seconds is not None:
            deadline = time.monotonic() + seconds
            await self._conn.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
        try:
            problems = _problems(await self._rows("PRAGMA quick_check(5)"))
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                raise
            log.warning(
                "The integrity check of %s stopped after %.0f s (the file is %.0f MB) and start-up went on; run "
                "'python -m bot check' to check all of it.",
                self.path,
                seconds,
                self.path.stat().st_size / 1e6,
            )
            return
        finally:
            if seconds is not None:
                await self._conn.set_progress_handler(None, 0)  # type: ignore[arg-type]
        if problems:
            raise StoreError(
                f"The database {self.path} is damaged ({problems[0]}): restore the newest backup (README: restoring "
                "a backup) or move the file away to start afresh."
            )

    async def _configure(self) -> None:
        await self._conn.execute("PRAGMA foreign_keys = ON")
        await self._conn.execute("PRAGMA busy_timeout = 5000")
        mode = await self._wal()
        if str(mode).lower() != "wal" and str(self.path) != ":memory:":
            log.warning("SQLite refused WAL mode for %s (journal mode is %s)", self.path, mode)
        # WAL + NORMAL: a committed write survives the process being killed; only power loss can undo the last ones.
        await self._conn.execute("PRAGMA synchronous = NORMAL")

    async def _wal(self) -> object:
        """``PRAGMA journal_mode = WAL``; the journal mode it leaves.

        Two processes opening a new file at once both switch it to WAL: SQLite answers the second "locked" at once
        instead of waiting (the two would deadlock), so it tries again within the busy timeout.
        """
        for _ in range(WAL_TRIES):
            try:
                return await self._scalar("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                await asyncio.sleep(WAL_RETRY_SECONDS)
        return await self._scalar("PRAGMA journal_mode = WAL")

    async def _migrate(self) -> None:
        """Apply every migration not applied yet, in number order.

        Which ones were applied is kept by number (``schema_migrations``), not only as the highest number, so
        migrations written in parallel branches (005 landing before 004) are each applied once whatever the order
        they arrive in. ``PRAGMA user_version`` stays the highest number applied.

        Several processes may open a new file at the same moment (a cluster starting): each migration's first
        statement, under the write lock (``BEGIN IMMEDIATE``), claims its number in ``schema_migrations``. A process
        whose claim finds the number taken lost the race to one that applied it in full, and moves on.
        """
        current = await self._count("PRAGMA user_version")
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT"
        )
        applied = {int(row[0]) for row in await self._rows("SELECT version FROM schema_migrations")}
        for version, name, sql in migrations():
            if version in applied:
                continue
            if not applied and version <= current:  # a database from before migrations were kept by number
                await self._conn.execute(
                    "INSERT OR IGNORE INTO schema_migrations (version, name) VALUES (?, ?)", (version, name)
                )
                continue
            # executescript runs the whole file; the claim and the bookkeeping are inside the same transaction.
            try:
                await self._conn.executescript(
                    f"BEGIN IMMEDIATE;\nINSERT INTO schema_migrations (version, name) VALUES ({version}, '{name}');\n"
                    f"{sql}\nPRAGMA user_version = {max(current, version)};\nCOMMIT;"
                )
            except sqlite3.IntegrityError:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                if not await self._count("SELECT count(*) FROM schema_migrations WHERE version = ?", (version,)):
                    raise  # not the claim: the migration itself failed
                log.info("Migration %s was applied by another process", name)
                current = await self._count("PRAGMA user_version")
                continue
            log.info("Applied migration %s", name)
            current = max(current, version)

    async def schema_version(self) -> int:
        return await self._count("PRAGMA user_version")

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run several statements atomically; other writers wait for the lock instead of interleaving."""
        async with self._write_lock, self._atomic() as db:
            yield db

    @asynccontextmanager
    async def _atomic(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN ... COMMIT (ROLLBACK on error), for a caller that already holds the write lock."""
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            await self._conn.execute("ROLLBACK")
            raise
        else:
            await self._conn.execute("COMMIT")

    async def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Every row of a query, in one trip to aiosqlite's thread (a cursor would take three)."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def _row(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Row | None:
        rows = await self._rows(sql, params)
        return rows[0] if rows else None

    async def _count(self, sql: str, params: tuple[object, ...] = ()) -> int:
        """A query whose first column is a whole number (a count, a version); 0 when it returns nothing."""
        value = await self._scalar(sql, params)
        return int(value) if isinstance(value, int | str) else 0

    async def _scalar(self, sql: str, params: tuple[object, ...] = ()) -> object:
        row = await self._row(sql, params)
        return None if row is None else row[0]

    async def get_meta(self, key: str) -> str | None:
        value = await self._scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set_meta(self, key: str, value: str) -> None:
        # Under the write lock: on the shared connection, a write made while another coroutine's transaction is
        # open would join that transaction (and be rolled back with it).
        async with self._write_lock:
            await self._conn.execute(META_UPSERT, (key, value))

    async def synced_commands(self, target: str) -> str | None:
        """The hash of the command set last synced to ``target`` ("global" or a guild id)."""
        return await self.get_meta(COMMANDS_KEY + target)

    async def remember_synced_commands(self, target: str, digest: str) -> None:
        await self.set_meta(COMMANDS_KEY + target, digest)

    async def forget_command_syncs(self) -> None:
        """Forget every sync, so the next start syncs again (for a Discord that has forgotten the commands)."""
        async with self._write_lock:
            await self._conn.execute("DELETE FROM meta WHERE key LIKE ?", (COMMANDS_KEY + "%",))

    async def integrity_check(self) -> str:
        return str(await self._scalar("PRAGMA integrity_check"))

    async def integrity_problems(self, limit: int = 10) -> list[str]:
        """The full integrity check, unbounded in time (``python -m bot check``): its first problems, or none."""
        return _problems(await self._rows(f"PRAGMA integrity_check({int(limit)})"))

    async def row_counts(self) -> dict[str, int]:
        """Rows in each table (the full-text index's own tables left out), for reports."""
        names = await self._rows(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' "
            "AND name NOT LIKE 'search!_index!_%' ESCAPE '!' ORDER BY name"
        )
        counts = {}
        for (name,) in names:
            counts[str(name)] = await self._count(f'SELECT count(*) FROM "{name}"')
        return counts


def _prepare_folder(path: Path) -> None:
    """The database's folder exists; the path itself is not a folder."""
    try:
        if path.is_dir():
            raise StoreError(
                f"DATABASE_PATH names the folder {path}: name a file inside it instead, such as "
                f"{path / 'strangers.db'}."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"DATABASE_PATH {path} cannot be used ({exc.strerror or exc}).") from None


def _problems(rows: list[sqlite3.Row]) -> list[str]:
    """An integrity check's answer as one line per problem (none when it says "ok")."""
    lines = [line.strip() for row in rows for line in str(row[0]).splitlines()]
    return [line for line in lines if line and line != "ok" and not line.startswith("***")]


def explain_database_error(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return (
            f"The database {path} is read-only: give the bot write access to it and its folder, or set DATABASE_PATH."
        )
    if "full" in text:
        return f"The disk holding the database {path} is full: free some space and start the bot again."
    if "not a database" in text or "malformed" in text:
        return f"{path} is not a usable SQLite database ({exc}): restore a backup or point DATABASE_PATH elsewhere."
    return f"The database {path} could not be prepared ({exc})."
