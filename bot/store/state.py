"""Where each server's state lives (settings and their log, theories, polls, votes, quote rounds, progress): the one
small interface the feature stores speak through, and its SQLite implementation (the embedded default).

The PostgreSQL implementation (``DATABASE_URL=postgresql://...``) is ``bot.store.postgres.PostgresState``. Statements
are written once, in the SQL both dialects share, with ``?`` placeholders; only what differs between the two (a vote,
a withdrawal, closing a poll into the standings) is a method of the implementation, each with its own statement.

- ``rows``, ``row``, ``scalar``: a read.
- ``execute``: a write, returning how many rows it changed; ``returning``: a write whose ``RETURNING`` rows come back.
- ``transaction(lock)``: several statements atomically. ``serialized(lock)``: statements that must not interleave
  with another caller's for the same ``lock`` key (a server or a channel id), each committed as it runs on SQLite;
  ``Tx.atomic()`` groups some of them into one transaction.
- A constraint violated (a duplicate title) raises ``Conflict`` on both; a database that stops working raises
  ``StoreUnavailable`` (its message is for members), as the bot already handles.

SQLite: one aiosqlite connection (``GuardedConnection``, with its guards) shared by every coroutine; every write takes
the write lock, so a write can never join another coroutine's open transaction. Reads go straight to the connection:
a call here costs one method call more than the statement itself.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from .connection import GuardedConnection
from .errors import Conflict, StoreError

Row = Any  # sqlite3.Row or asyncpg.Record: both read by column name and by index
NO_ROW = object()  # the vote statement returned no row: the poll is closed
VOTE_BATCH = 500  # votes written in one SQLite transaction at most

_OPEN = "closed_at IS NULL AND closes_at > ?"
_VOTE = (
    "INSERT INTO votes (poll_id, user_id, position, voted_at) "
    f"SELECT id, ?, ?, ? FROM polls WHERE id = ? AND {_OPEN} "
    "ON CONFLICT (poll_id, user_id) DO UPDATE "
    "SET previous = votes.position, position = excluded.position, voted_at = excluded.voted_at "
    "RETURNING previous"
)
_WITHDRAW = (
    "DELETE FROM votes WHERE poll_id = ? AND user_id = ? "
    f"AND EXISTS (SELECT 1 FROM polls WHERE id = ? AND {_OPEN}) RETURNING position"
)
_CLOSE = "UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL"
# A closed poll's options added to its server's standings: one row per theory, its votes, one poll, a win if it led
# (or shared the lead of) it, its highest level, and the title of its most recent poll. A poll nobody voted in adds
# nothing: it ranks nobody.
_ADD_TO_STANDINGS = (
    "INSERT INTO theory_standings (guild_id, theory_key, title, title_poll, spoiler, votes, polls, wins) "
    "SELECT o.guild_id, o.theory_key, o.title, o.poll_id, o.spoiler, o.votes, 1, "
    "CASE WHEN t.top > 0 AND o.votes = t.top THEN 1 ELSE 0 END "
    "FROM poll_options o, (SELECT MAX(votes) AS top FROM poll_options WHERE poll_id = ?) t "
    "WHERE o.poll_id = ? AND t.top > 0 "
    "ON CONFLICT (guild_id, theory_key) DO UPDATE SET "
    "votes = theory_standings.votes + excluded.votes, polls = theory_standings.polls + 1, "
    "wins = theory_standings.wins + excluded.wins, "
    "spoiler = MAX(theory_standings.spoiler, excluded.spoiler), "
    "title = CASE WHEN excluded.title_poll >= theory_standings.title_poll THEN excluded.title "
    "ELSE theory_standings.title END, "
    "title_poll = MAX(theory_standings.title_poll, excluded.title_poll)"
)


class Tx(Protocol):
    """Statements on one connection, inside ``transaction()`` or ``serialized()``."""

    async def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]: ...
    async def row(self, sql: str, params: tuple[object, ...] = ()) -> Row | None: ...
    async def scalar(self, sql: str, params: tuple[object, ...] = ()) -> object: ...
    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int: ...
    async def returning(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]: ...
    async def executemany(self, sql: str, params: Iterable[tuple[object, ...]]) -> None: ...
    def atomic(self) -> AbstractAsyncContextManager[None]: ...


class ServerState(Protocol):
    """The server state's database, whichever it is."""

    @property
    def kind(self) -> str:
        """ "sqlite" or "postgresql"."""

    @property
    def url(self) -> str | None:
        """PostgreSQL's DATABASE_URL (None: SQLite)."""

    async def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]: ...
    async def row(self, sql: str, params: tuple[object, ...] = ()) -> Row | None: ...
    async def scalar(self, sql: str, params: tuple[object, ...] = ()) -> object: ...
    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int: ...
    async def returning(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]: ...
    def transaction(self, lock: int | None = None) -> AbstractAsyncContextManager[Tx]: ...
    def serialized(self, lock: int) -> AbstractAsyncContextManager[Tx]: ...
    async def vote(self, poll_id: int, user_id: int, position: int, at: str) -> object: ...
    async def withdraw(self, poll_id: int, user_id: int, at: str) -> int | None: ...
    async def close_poll(self, poll_id: int, at: str) -> bool: ...
    async def table_counts(self, tables: Iterable[str]) -> dict[str, int]: ...
    def on_change(self, callback: Callable[[str], None]) -> None: ...
    async def changed(self, tx: Tx, key: str) -> None: ...
    async def close(self) -> None: ...


class _SqliteTx:
    """Statements on the shared connection by the coroutine holding the write lock."""

    def __init__(self, conn: GuardedConnection, in_transaction: bool) -> None:
        self._conn = conn
        self._in_transaction = in_transaction

    async def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def row(self, sql: str, params: tuple[object, ...] = ()) -> Row | None:
        rows = await self.rows(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: tuple[object, ...] = ()) -> object:
        row = await self.row(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int:
        try:
            cursor = await self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        return cursor.rowcount

    async def returning(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        try:
            return list(await self._conn.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc

    async def executemany(self, sql: str, params: Iterable[tuple[object, ...]]) -> None:
        try:
            await self._conn.executemany(sql, params)
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[None]:
        if self._in_transaction:
            yield
            return
        async with _begin(self._conn):
            self._in_transaction = True
            try:
                yield
            finally:
                self._in_transaction = False


@asynccontextmanager
async def _begin(conn: GuardedConnection) -> AsyncIterator[None]:
    """BEGIN ... COMMIT (ROLLBACK on error), for a caller that holds the write lock."""
    await conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    else:
        await conn.execute("COMMIT")


_Ballot = tuple[int, int, int, str, "asyncio.Future[object]"]


class SqliteState:
    """Server state in the store's own SQLite file (the default): the shared connection and its write lock."""

    kind = "sqlite"
    url: str | None = None

    def __init__(self, conn: GuardedConnection, write_lock: asyncio.Lock) -> None:
        self._conn = conn
        self._write_lock = write_lock
        self._ballots: list[_Ballot] = []  # votes waiting for the batch being written
        self._voting: asyncio.Task[None] | None = None

    async def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        """Every row of a query, in one trip to aiosqlite's thread (a cursor would take three)."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def row(self, sql: str, params: tuple[object, ...] = ()) -> Row | None:
        rows = list(await self._conn.execute_fetchall(sql, params))
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: tuple[object, ...] = ()) -> object:
        rows = list(await self._conn.execute_fetchall(sql, params))
        return rows[0][0] if rows else None

    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> int:
        # Under the write lock: on the shared connection, a write made while another coroutine's transaction is
        # open would join that transaction (and be rolled back with it).
        try:
            async with self._write_lock:
                cursor = await self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        return cursor.rowcount

    async def returning(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        try:
            async with self._write_lock:
                return list(await self._conn.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc

    @asynccontextmanager
    async def transaction(self, lock: int | None = None) -> AsyncIterator[Tx]:
        """Run several statements atomically; other writers wait for the lock instead of interleaving (``lock``
        needs nothing more here: the write lock already serialises every writer)."""
        async with self._write_lock, _begin(self._conn):
            yield _SqliteTx(self._conn, True)

    @asynccontextmanager
    async def serialized(self, lock: int) -> AsyncIterator[Tx]:
        async with self._write_lock:
            yield _SqliteTx(self._conn, False)

    async def vote(self, poll_id: int, user_id: int, position: int, at: str) -> object:
        """The vote statement; what it returned (the option the vote was on before, None for a first vote, or
        ``NO_ROW`` when the poll is closed).

        Presses that arrive while votes are being written wait and are written together: each its own statement,
        all in one transaction and one trip to the database thread (a burst of members costs one commit per batch,
        not one per vote). A batch that fails is written again one vote at a time, so one bad vote fails alone.
        """
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._ballots.append((poll_id, user_id, position, at, future))
        if self._voting is None or self._voting.done():
            self._voting = asyncio.create_task(self._write_ballots(), name="store-votes")
        return await future

    async def _write_ballots(self) -> None:
        try:
            await self._write_batches()
        finally:  # cancelled (the bot stopping): no presser waits for ever
            for *_, future in self._ballots:
                if not future.done():
                    future.set_exception(StoreError("The vote was not saved: the bot is stopping."))

    async def _write_batches(self) -> None:
        while self._ballots:
            batch, self._ballots = self._ballots[:VOTE_BATCH], self._ballots[VOTE_BATCH:]
            params = [(user, position, at, poll, at) for poll, user, position, at, _ in batch]
            found: list[object] | None
            try:
                async with self._write_lock:
                    found = await self._conn._execute(_vote_batch(self._conn), _VOTE, params)
            except Exception:
                found = None
            if found is None or len(batch) == 1:
                await self._write_one_by_one(batch, found)
                continue
            for (*_, future), previous in zip(batch, found, strict=True):
                if not future.done():
                    future.set_result(previous)

    async def _write_one_by_one(self, batch: list[_Ballot], found: list[object] | None) -> None:
        """A batch of one (its result or error given to its presser), or a failed batch written again vote by vote."""
        for index, (poll_id, user_id, position, at, future) in enumerate(batch):
            if future.done():
                continue
            try:
                if found is not None:
                    previous = found[index]
                else:
                    async with self._write_lock:
                        rows = list(await self._conn.execute_fetchall(_VOTE, (user_id, position, at, poll_id, at)))
                    previous = rows[0][0] if rows else NO_ROW
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(previous)

    async def withdraw(self, poll_id: int, user_id: int, at: str) -> int | None:
        async with self._write_lock:
            rows = list(await self._conn.execute_fetchall(_WITHDRAW, (poll_id, user_id, poll_id, at)))
        return None if not rows else int(rows[0][0])

    async def close_poll(self, poll_id: int, at: str) -> bool:
        async with self.transaction() as tx:
            if await tx.execute(_CLOSE, (at, poll_id)) != 1:
                return False
            await tx.execute(_ADD_TO_STANDINGS, (poll_id, poll_id))
        return True

    async def table_counts(self, tables: Iterable[str]) -> dict[str, int]:
        counts = {}
        for name in tables:
            value = await self.scalar(f'SELECT count(*) FROM "{name}"')
            counts[name] = value if isinstance(value, int) else 0
        return counts

    def on_change(self, callback: Callable[[str], None]) -> None:
        """One process owns this file: no other process changes what it caches, so nothing is ever announced."""

    async def changed(self, tx: Tx, key: str) -> None:
        """Nothing to tell: no other process shares this database."""

    async def close(self) -> None:
        """The connection belongs to the store, which closes it."""


def _vote_batch(conn: GuardedConnection) -> Callable[[str, list[tuple[object, ...]]], list[object]]:
    """Run in the database thread: each vote's statement in one transaction; what each returned (``NO_ROW``: none).

    Called as ``fn(sql, params)``, so the connection's guard sees the statement (an INSERT) and refuses it once the
    file was replaced, as it refuses any write.
    """

    def run(sql: str, params: list[tuple[object, ...]]) -> list[object]:
        raw = conn._conn
        raw.execute("BEGIN IMMEDIATE")
        try:
            found = []
            for one in params:
                rows = raw.execute(sql, one).fetchall()
                found.append(rows[0][0] if rows else NO_ROW)
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")
        return found

    return run
