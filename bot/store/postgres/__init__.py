"""The server state on PostgreSQL (``DATABASE_URL=postgresql://...``): ``PostgresState``, the asyncpg side of the
interface in ``bot.store.state``, with the schema's migrations and the statements whose PostgreSQL form differs.

What is here is tested against a real PostgreSQL (tests/test_postgres_schema.py): the schema, in step with the SQLite
store's server-state tables after every migration, and the statements whose PostgreSQL form differs from SQLite's
(the vote, the withdraw, closing a poll into the standings). Everything else the store says is the same text in both
dialects once ``?`` placeholders become ``$1, $2...`` (``numbered``).

Concurrency: SQLite serialises writers; PostgreSQL runs them at once under READ COMMITTED. The vote statement takes
a share lock on its poll's row (``FOR SHARE``), and closing takes the row's write lock, so a vote either commits
before the close reads the counts or sees the poll closed: counts at close are exact, as in SQLite.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from functools import lru_cache, partial
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from ..connection import CANNOT_REACH, CANNOT_SAVE
from ..errors import Conflict, StoreError, StoreUnavailable
from ..state import NO_ROW, Row, Tx

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

OPEN = "closed_at IS NULL AND closes_at > $2"

VOTE = (
    "INSERT INTO votes (poll_id, user_id, position, voted_at) "
    "SELECT id, $3::bigint, $4::integer, $2 FROM polls WHERE id = $1 AND closed_at IS NULL AND closes_at > $2 "
    "FOR SHARE "
    "ON CONFLICT (poll_id, user_id) DO UPDATE "
    "SET previous = votes.position, position = excluded.position, voted_at = excluded.voted_at "
    "RETURNING previous"
)  # $1 poll, $2 now, $3 user, $4 position; no row: the poll is closed

WITHDRAW = (
    "DELETE FROM votes WHERE poll_id = $1 AND user_id = $3 "
    "AND EXISTS (SELECT 1 FROM polls WHERE id = $1 AND closed_at IS NULL AND closes_at > $2 FOR SHARE) "
    "RETURNING position"
)  # $1 poll, $2 now, $3 user

CLOSE = "UPDATE polls SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL"  # $1 poll, $2 now

ADD_TO_STANDINGS = (
    "INSERT INTO theory_standings (guild_id, theory_key, title, title_poll, spoiler, votes, polls, wins) "
    "SELECT o.guild_id, o.theory_key, o.title, o.poll_id, o.spoiler, o.votes, 1, "
    "CASE WHEN t.top > 0 AND o.votes = t.top THEN 1 ELSE 0 END "
    "FROM poll_options o, (SELECT MAX(votes) AS top FROM poll_options WHERE poll_id = $1) t "
    "WHERE o.poll_id = $1 AND t.top > 0 "
    "ON CONFLICT (guild_id, theory_key) DO UPDATE SET "
    "votes = theory_standings.votes + excluded.votes, polls = theory_standings.polls + 1, "
    "wins = theory_standings.wins + excluded.wins, "
    "spoiler = GREATEST(theory_standings.spoiler, excluded.spoiler), "
    "title = CASE WHEN excluded.title_poll >= theory_standings.title_poll THEN excluded.title "
    "ELSE theory_standings.title END, "
    "title_poll = GREATEST(theory_standings.title_poll, excluded.title_poll)"
)  # $1 poll, in the same transaction as CLOSE


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """SQLite's ``?`` placeholders as PostgreSQL's ``$1, $2...`` (outside quoted text)."""
    out: list[str] = []
    count = 0
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "?" and not quoted:
            count += 1
            out.append(f"${count}")
        else:
            out.append(char)
    return "".join(out)


def migrations() -> list[tuple[int, str, str]]:
    """The PostgreSQL schema's numbered scripts, in order: (version, file name, SQL)."""
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


MIGRATION_LOCK = 0x5354_5241_4E47  # an advisory lock: processes starting at once migrate one after the other


async def migrate(conn: Any) -> list[str]:
    """Apply every script not applied yet (an asyncpg connection, in the schema of its ``search_path``), each in
    its own transaction with its record in ``schema_migrations``; the names applied now. Processes of a cluster
    starting together take turns (an advisory lock), so each script runs once."""
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        applied = {row[0] for row in await conn.fetch("SELECT version FROM schema_migrations")}
        done = []
        for version, name, sql in migrations():
            if version in applied:
                continue
            log.info("Applying PostgreSQL migration %s", name)
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
            done.append(name)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


def where(url: str) -> str:
    """The server and database of a URL, without its user or password (for messages and logs)."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"


CHANNEL = "strangers_state"  # NOTIFY channel: the key of a cached row another process changed
EVERYTHING = "*"  # told to the caches when changes may have been missed: forget everything
RECONNECT_SECONDS = 1.0
POOL_SIZE = 10


def _rowcount(status: str) -> int:
    """asyncpg's command status ("UPDATE 3", "INSERT 0 1", "DELETE 0") as a row count."""
    tail = status.rpartition(" ")[2]
    return int(tail) if tail.isdigit() else 0


class _Errors:
    """PostgreSQL's errors as the bot's: a constraint as ``Conflict``; a server that cannot be reached, is full or
    refuses writes as ``StoreUnavailable`` (logged once per kind with what to do; its message is for members)."""

    def __init__(self, url: str) -> None:
        self.where = where(url)
        self._reported: set[str] = set()

    def translate(self, exc: BaseException) -> BaseException | None:
        import asyncpg

        if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
            return Conflict(str(exc))
        if isinstance(exc, asyncpg.DiskFullError):
            return self._unavailable("full", f"PostgreSQL at {self.where} is out of disk space ({exc}).", CANNOT_SAVE)
        if isinstance(exc, asyncpg.ReadOnlySQLTransactionError | asyncpg.InsufficientPrivilegeError):
            return self._unavailable(
                "readonly",
                f"PostgreSQL at {self.where} refuses the bot's writes ({exc}): give its user write access, or point "
                "DATABASE_URL at the primary server.",
                CANNOT_SAVE,
            )
        if isinstance(
            exc,
            OSError
            | TimeoutError
            | asyncpg.PostgresConnectionError
            | asyncpg.InterfaceError
            | asyncpg.OperatorInterventionError
            | asyncpg.InsufficientResourcesError,
        ):
            return self._unavailable(
                "unreachable",
                f"PostgreSQL at {self.where} cannot be reached or refused the connection ({exc}); the bot tries "
                "again at every command and carries on once it is back.",
                CANNOT_REACH,
            )
        return None

    def _unavailable(self, kind: str, detail: str, message: str) -> StoreUnavailable:
        if kind not in self._reported:
            self._reported.add(kind)
            log.error("%s (Logged once; members asking meanwhile are told the bot can't save or read.)", detail)
        return StoreUnavailable(message, detail)


@asynccontextmanager
async def _mapped(errors: _Errors) -> AsyncIterator[None]:
    try:
        yield
    except Exception as exc:
        found = errors.translate(exc)
        if found is None:
            raise
        raise found from exc


class _PgTx:
    """Statements on one pooled connection, inside its transaction."""

    def __init__(self, conn: Any, errors: _Errors) -> None:
        self._conn = conn
        self._errors = errors

    async def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        async with _mapped(self._errors):
            return list(await self._conn.fetch(numbered(sql), *params))

    async def row(self, sql: str, params: tuple[object, ...] = ()) -> Row | None:
        async with _mapped(self._errors):
            return await self._conn.fetchrow(numbered(sql), *params)

    async def scalar(self, sql: str, params: tuple[object, ...] = ()) -> object:
        async with _mapped(self._errors):
            return await self._conn.fetchval(numbered(sql), *params)

    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int:
        async with _mapped(self._errors):
            return _rowcount(await self._conn.execute(numbered(sql), *params))

    async def returning(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        return await self.rows(sql, params)

    async def executemany(self, sql: str, params: Iterable[tuple[object, ...]]) -> None:
        async with _mapped(self._errors):
            await self._conn.executemany(numbered(sql), list(params))

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[None]:
        yield  # already inside the connection's transaction


def _set(event: asyncio.Event, *_: object) -> None:
    event.set()


class PostgresState:
    """Server state in PostgreSQL: a pool of asyncpg connections shared by every coroutine.

    Writers run at once (READ COMMITTED); a vote is one statement, and statements that must not interleave with
    another process's for the same server or channel take a transaction-scoped advisory lock on its id. Changes to
    cached rows are announced with ``NOTIFY`` in the writing transaction (delivered when it commits), and one
    listening connection per process hands them to the caches (``on_change``).
    """

    kind = "postgresql"

    def __init__(self, pool: Any, url: str) -> None:
        self._pool = pool
        self.url: str | None = url
        self._dsn = url
        self._errors = _Errors(url)
        self._listeners: list[Callable[[str], None]] = []
        self._listening: Any = None  # the connection LISTENing, while it is up
        self._watch: asyncio.Task[None] | None = None
        self._closing = False

    @classmethod
    async def connect(cls, url: str, *, pool_size: int = POOL_SIZE) -> PostgresState:
        """A pool to ``url`` with the schema migrated; ``StoreError`` (one sentence) when that fails."""
        try:
            import asyncpg
        except ImportError:
            raise StoreError(
                "DATABASE_URL needs PostgreSQL's driver, asyncpg: install it with pip install -e '.[postgres]' (or "
                "pip install asyncpg)."
            ) from None

        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size, timeout=10)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StoreError(
                f"Cannot connect to PostgreSQL at {where(url)} ({exc}): check DATABASE_URL and that the server is "
                "running."
            ) from None
        try:
            async with pool.acquire() as conn:
                await migrate(conn)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            await pool.close()
            raise StoreError(f"Cannot prepare the PostgreSQL database at {where(url)} ({exc}).") from None
        return cls(pool, url)

    async def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        async with _mapped(self._errors):
            return list(await self._pool.fetch(numbered(sql), *params))

    async def row(self, sql: str, params: tuple[object, ...] = ()) -> Row | None:
        async with _mapped(self._errors):
            return await self._pool.fetchrow(numbered(sql), *params)

    async def scalar(self, sql: str, params: tuple[object, ...] = ()) -> object:
        async with _mapped(self._errors):
            return await self._pool.fetchval(numbered(sql), *params)

    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int:
        async with _mapped(self._errors):
            return _rowcount(await self._pool.execute(numbered(sql), *params))

    async def returning(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        return await self.rows(sql, params)

    @asynccontextmanager
    async def transaction(self, lock: int | None = None) -> AsyncIterator[Tx]:
        """One pooled connection in a transaction; with ``lock``, other transactions with the same key (in any
        process) wait for this one to end."""
        async with _mapped(self._errors), self._pool.acquire() as conn, conn.transaction():
            if lock is not None:
                await conn.execute("SELECT pg_advisory_xact_lock($1)", lock)
            yield _PgTx(conn, self._errors)

    def serialized(self, lock: int) -> Any:
        return self.transaction(lock)

    async def vote(self, poll_id: int, user_id: int, position: int, at: str) -> object:
        async with _mapped(self._errors):
            row = await self._pool.fetchrow(VOTE, poll_id, at, user_id, position)
        return NO_ROW if row is None else row[0]

    async def withdraw(self, poll_id: int, user_id: int, at: str) -> int | None:
        async with _mapped(self._errors):
            row = await self._pool.fetchrow(WITHDRAW, poll_id, at, user_id)
        return None if row is None else int(row[0])

    async def close_poll(self, poll_id: int, at: str) -> bool:
        async with _mapped(self._errors), self._pool.acquire() as conn, conn.transaction():
            if _rowcount(await conn.execute(CLOSE, poll_id, at)) != 1:
                return False
            await conn.execute(ADD_TO_STANDINGS, poll_id)
        return True

    async def table_counts(self, tables: Iterable[str]) -> dict[str, int]:
        counts = {}
        async with _mapped(self._errors), self._pool.acquire() as conn:
            present = {
                r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            }
            for name in tables:
                if name in present:
                    counts[name] = int(await conn.fetchval(f'SELECT count(*) FROM "{name}"'))
        return counts

    # -- keeping other processes' caches in step ----------------------------------------------------------------------

    async def changed(self, tx: Tx, key: str) -> None:
        """Tell every process (this one too) that the cached row ``key`` changed, when ``tx`` commits."""
        await tx.execute("SELECT pg_notify(?, ?)", (CHANNEL, key))

    def on_change(self, callback: Callable[[str], None]) -> None:
        """``callback(key)`` for every change announced; ``EVERYTHING`` whenever announcements may have been missed
        (the listening connection dropped: then every second until it is back, and once more when it is)."""
        self._listeners.append(callback)
        if self._watch is None:
            self._watch = asyncio.get_running_loop().create_task(self._keep_listening(), name="store-listen")

    def _tell(self, key: str) -> None:
        for callback in self._listeners:
            callback(key)

    def _notified(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        self._tell(payload)

    async def _keep_listening(self) -> None:
        import asyncpg

        first = True
        while not self._closing:
            try:
                conn = await asyncpg.connect(self._dsn, timeout=10)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("Cannot listen for other processes' changes at %s (%s); retrying", where(self._dsn), exc)
                self._tell(EVERYTHING)
                await asyncio.sleep(RECONNECT_SECONDS)
                continue
            lost = asyncio.Event()
            conn.add_termination_listener(partial(_set, lost))
            try:
                await conn.add_listener(CHANNEL, self._notified)
                self._listening = conn
                if not first:
                    self._tell(EVERYTHING)  # what changed while nobody listened
                first = False
                while not lost.is_set():
                    await lost.wait()
                self._tell(EVERYTHING)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                self._tell(EVERYTHING)
            finally:
                self._listening = None
                if not conn.is_closed():
                    await conn.close()
            if not self._closing:
                await asyncio.sleep(RECONNECT_SECONDS)

    @property
    def listening(self) -> bool:
        return self._listening is not None

    async def close(self) -> None:
        self._closing = True
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        await self._pool.close()
