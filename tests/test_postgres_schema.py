"""The server state's PostgreSQL schema and statements (bot/store/postgres) against a real PostgreSQL.

Each test runs in a schema of its own in the database ``test`` at 127.0.0.1:5432 (``POSTGRES_TEST_URL`` to use
another), dropped after. Without a PostgreSQL these tests are skipped with one line saying so; with ``CI=true`` a
skip is a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import POSTGRES_SKIPPED, POSTGRES_URL, postgres_admin

from bot.models import Level, VoteOutcome
from bot.polls import rank_standings, rank_totals
from bot.store import Store
from bot.store import postgres as pg

asyncpg = pytest.importorskip("asyncpg") if os.environ.get("CI") != "true" else __import__("asyncpg")

URL, SKIPPED = POSTGRES_URL, POSTGRES_SKIPPED
# Tables of the film's facts and the store's own bookkeeping: local to each process, never in PostgreSQL.
LOCAL = {
    "meta",
    "film",
    "characters",
    "character_arc",
    "moments",
    "facts",
    "theories",
    "quotes",
    "quote_topics",
    "schema_migrations",
}
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
OPTIONS = [
    ("adams-screenplay", "It was all Adam's screenplay", Level.ENDING),
    ("the-ghosts-are-real", "The ghosts are real", Level.ENDING),
    ("member:1", "Harry is a memory", Level.PLOT),
]


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    """A pool of connections whose ``search_path`` is a fresh schema holding the server state's tables."""
    admin = await postgres_admin(URL)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        pool = await asyncpg.create_pool(URL, min_size=4, max_size=8, server_settings={"search_path": schema})
        try:
            async with pool.acquire() as conn:
                assert await pg.migrate(conn) == [name for _, name, _ in pg.migrations()]
                assert await pg.migrate(conn) == []  # applied once
            yield pool
        finally:
            await pool.close()
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


async def test_the_schema_is_in_step_with_the_sqlite_store(pool: asyncpg.Pool, tmp_path: Path) -> None:
    """Every server-state table and column of the SQLite store after all its migrations exists in PostgreSQL."""
    store = await Store.open(tmp_path / "s.db")
    try:
        tables = await store._rows("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
        sqlite = {}
        for (table,) in tables:
            if table in LOCAL or table.startswith("search_index"):
                continue
            sqlite[table] = {row["name"] for row in await store._rows(f"PRAGMA table_info({table})")}
    finally:
        await store.close()
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        )
    postgres: dict[str, set[str]] = {}
    for row in rows:
        if row["table_name"] not in LOCAL:
            postgres.setdefault(row["table_name"], set()).add(row["column_name"])
    assert postgres == sqlite


async def _pg_poll(conn: asyncpg.Connection, guild: int, hours: float = 24) -> int:
    poll_id: int = await conn.fetchval(
        "INSERT INTO polls (guild_id, channel_id, author_id, hidden, created_at, closes_at) "
        "VALUES ($1, 1, 1, 0, $2, $3) RETURNING id",
        guild,
        T0.isoformat(timespec="microseconds"),
        (T0 + timedelta(hours=hours)).isoformat(timespec="microseconds"),
    )
    await conn.executemany(
        "INSERT INTO poll_options (poll_id, position, theory_key, title, spoiler, guild_id) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        [(poll_id, i, k, t, int(lv), guild) for i, (k, t, lv) in enumerate(OPTIONS, start=1)],
    )
    return poll_id


def _outcome(row: asyncpg.Record | None, position: int) -> VoteOutcome:
    if row is None:
        return VoteOutcome.CLOSED
    if row["previous"] is None:
        return VoteOutcome.RECORDED
    return VoteOutcome.KEPT if row["previous"] == position else VoteOutcome.MOVED


async def _pg_vote(pool: asyncpg.Pool, poll: int, user: int, position: int, now: datetime) -> VoteOutcome:
    row = await pool.fetchrow(pg.VOTE, poll, now.isoformat(timespec="microseconds"), user, position)
    return _outcome(row, position)


async def _pg_close(pool: asyncpg.Pool, poll: int, now: datetime) -> bool:
    async with pool.acquire() as conn, conn.transaction():
        if await conn.execute(pg.CLOSE, poll, now.isoformat(timespec="microseconds")) != "UPDATE 1":
            return False
        await conn.execute(pg.ADD_TO_STANDINGS, poll)
    return True


async def test_votes_withdrawals_and_standings_match_the_sqlite_store(pool: asyncpg.Pool, store: Store) -> None:
    """The same presses on both backends: the same outcomes, counts and standings."""
    at = T0 + timedelta(minutes=1)
    presses = [(user, (user * 7) % 3 + 1) for user in range(60)] + [(user, 1) for user in range(20)]
    withdrawals = list(range(40, 50))
    results = {}
    for backend in ("sqlite", "postgres"):
        if backend == "sqlite":
            polls = [
                (
                    await store.create_poll(
                        g, 1, 1, hidden=False, created_at=T0, closes_at=T0 + timedelta(hours=24), options=OPTIONS
                    )
                ).id
                for g in (10, 10, 11)
            ]
            vote = lambda p, u, n: store.vote(p, u, n, at)  # noqa: E731
            withdraw = lambda p, u: store.withdraw(p, u, at)  # noqa: E731
            close = lambda p: store.close_poll(p, at)  # noqa: E731
        else:
            async with pool.acquire() as conn:
                polls = [await _pg_poll(conn, g) for g in (10, 10, 11)]
            vote = lambda p, u, n: _pg_vote(pool, p, u, n, at)  # noqa: E731

            async def withdraw(p: int, u: int) -> int | None:
                row = await pool.fetchrow(pg.WITHDRAW, p, at.isoformat(timespec="microseconds"), u)
                return None if row is None else row["position"]

            close = lambda p: _pg_close(pool, p, at)  # noqa: E731
        outcomes = []
        for index, poll in enumerate(polls):
            for user, position in presses[: 30 + index * 20]:
                outcomes.append(await vote(poll, user, (position + index) % 3 + 1))
        taken = [await withdraw(polls[0], user) for user in withdrawals]
        closed = [await close(polls[0]), await close(polls[0]), await close(polls[2])]
        late = await vote(polls[0], 999, 1)
        if backend == "sqlite":
            counts = [await store.tallies(p) for p in polls]
            totals = {g: rank_totals(await store.theory_totals(g)) for g in (10, 11)}
            oracle = {g: rank_standings(await store.closed_option_votes(g)) for g in (10, 11)}
            assert totals == oracle
        else:
            counts = []
            for p in polls:
                rows = await pool.fetch("SELECT position, votes FROM poll_options WHERE poll_id = $1 AND votes > 0", p)
                counts.append({r["position"]: r["votes"] for r in rows})
                recount = await pool.fetch("SELECT position, COUNT(*) AS n FROM votes WHERE poll_id = $1 GROUP BY 1", p)
                assert counts[-1] == {r["position"]: r["n"] for r in recount}
            totals = {}
            for g in (10, 11):
                rows = await pool.fetch(
                    "SELECT theory_key, title, spoiler, votes, polls, wins FROM theory_standings WHERE guild_id = $1",
                    g,
                )
                from bot.models import TheoryTotal

                totals[g] = rank_totals(
                    TheoryTotal(r["theory_key"], r["title"], Level(r["spoiler"]), r["votes"], r["polls"], r["wins"])
                    for r in rows
                )
        results[backend] = (outcomes, taken, closed, late, counts, totals)
    assert results["postgres"] == results["sqlite"]
    outcomes, taken, closed, late, counts, totals = results["postgres"]
    assert VoteOutcome.KEPT in outcomes and VoteOutcome.MOVED in outcomes and late is VoteOutcome.CLOSED
    assert closed == [True, False, True] and totals[10] and totals[11]


async def test_concurrent_votes_and_a_close_count_exactly(pool: asyncpg.Pool) -> None:
    """Many connections voting while the poll closes: every vote is either counted in the standings or refused."""
    async with pool.acquire() as conn:
        poll = await _pg_poll(conn, 42)
    at = T0 + timedelta(minutes=1)
    presses = [_pg_vote(pool, poll, user, user % 3 + 1, at) for user in range(400)]
    presses.insert(200, _pg_close(pool, poll, at))
    results = await asyncio.gather(*presses)
    outcomes = [r for r in results if isinstance(r, VoteOutcome)]
    recorded = outcomes.count(VoteOutcome.RECORDED)
    assert recorded + outcomes.count(VoteOutcome.CLOSED) == 400 and results[200] is True
    stored = await pool.fetchval("SELECT COUNT(*) FROM votes WHERE poll_id = $1", poll)
    kept = await pool.fetchval("SELECT SUM(votes) FROM poll_options WHERE poll_id = $1", poll)
    standing = await pool.fetchval("SELECT SUM(votes) FROM theory_standings WHERE guild_id = 42")
    assert stored == kept == standing == recorded


def test_numbered_placeholders() -> None:
    assert pg.numbered("SELECT ? FROM t WHERE a = ? AND b = '?'") == "SELECT $1 FROM t WHERE a = $2 AND b = '?'"
