"""A cluster end to end (issue 15): two ``python -m bot`` processes, shards 0-1 and 2-3 of four, against a stand-in
with 5,000 servers, sharing one backend: commands answered in servers of both, a poll in each closed exactly once by
the process that owns it, settings kept across a restart of one process.

The backend is a parameter: the shared SQLite file (``DATABASE_PATH``), and PostgreSQL (``DATABASE_URL``) in a fresh
database on 127.0.0.1:5432 dropped afterwards. The PostgreSQL run is skipped until the bot's settings have a
``database_url`` (it then turns on by itself), or when no PostgreSQL answers (a failure with ``CI=true``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest
from bot_under_test import bot_env, bot_process
from conftest import POSTGRES_URL, postgres_admin

from bot.settings import Settings
from bot.store import postgres as pg
from standin import Guild, Reply, StandIn, World, message_buttons, message_text, shard_of
from standin.process import ChildProcess

SERVERS = 5_000
SHARDS = 4
RANGES = ("0-1", "2-3")  # SHARD_IDS of the two processes
READY = "Ready as "
START_TIMEOUT = 120.0  # 2,500 servers a process on a loaded 2-core machine
PG_URL = POSTGRES_URL
BOT_SPEAKS_POSTGRES = "database_url" in {f.name for f in dataclasses.fields(Settings)}


class Shared(Protocol):
    """The backend both processes share, as the test reaches it for setup and checks: a few statements in SQLite's
    ``?`` form (turned into ``$1...`` for PostgreSQL), on the server-state tables whose columns both have."""

    env: dict[str, str]  # the settings that point a process at it

    async def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]: ...

    async def execute(self, sql: str, *params: object) -> int:
        """Run a write; how many rows it changed."""
        ...


class SharedSqlite:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {"DATABASE_PATH": str(path)}

    def _run(self, sql: str, params: Sequence[object], write: bool) -> Any:
        with closing(sqlite3.connect(self.path, timeout=5)) as conn, conn:  # closed, after a commit
            cursor = conn.execute(sql, tuple(params))
            return cursor.rowcount if write else [tuple(r) for r in cursor.fetchall()]

    async def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return await asyncio.to_thread(self._run, sql, params, False)

    async def execute(self, sql: str, *params: object) -> int:
        return await asyncio.to_thread(self._run, sql, params, True)


class SharedPostgres:
    def __init__(self, url: str, conn: Any) -> None:
        self.conn = conn
        self.env = {"DATABASE_URL": url}

    async def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.conn.fetch(pg.numbered(sql), *params)]

    async def execute(self, sql: str, *params: object) -> int:
        status = await self.conn.execute(pg.numbered(sql), *params)
        return int(status.rsplit(" ", 1)[-1])


@asynccontextmanager
async def postgres_database() -> AsyncIterator[SharedPostgres]:
    """A new database for this run only, dropped afterwards (with any connection a killed bot left)."""
    admin = await postgres_admin(PG_URL)
    import asyncpg

    name = f"cluster_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        conn = await asyncpg.connect(url, timeout=3)
        try:
            yield SharedPostgres(url, conn)
        finally:
            await conn.close()
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


@asynccontextmanager
async def shared_backend(kind: str, folder: Path) -> AsyncIterator[Shared]:
    if kind == "sqlite":
        yield SharedSqlite(folder / "cluster.db")
        return
    async with postgres_database() as database:
        yield database


def process_env(api: StandIn, shared: Shared, folder: Path, shard_ids: str) -> dict[str, str]:
    # Each process's own local file (the film's facts with PostgreSQL, everything with SQLite where it is shared).
    env = bot_env(folder / f"local-{shard_ids}.db", api, SHARD_COUNT=str(SHARDS), SHARD_IDS=shard_ids)
    return env | shared.env


async def started(env: dict[str, str], cwd: Path) -> ChildProcess:
    child = await bot_process(env, cwd).start()
    await child.until(child.line_containing(READY), START_TIMEOUT, "on_ready")
    return child


def servers_ready(child: ChildProcess) -> int:
    """How many servers the process said it was ready in."""
    found = re.findall(r"Ready as .* in (\d+) server", child.output("err") + child.output("out"))
    assert found, child.tail()
    return int(found[-1])


def on_shard(world: World, shard: int, skip: int = 0) -> Guild:
    """A server Discord gives to ``shard`` (the added ones, not the demo server), the ``skip``-th such."""
    found = [g for g in world.guilds[1:] if shard_of(g.id, SHARDS) == shard]
    return found[skip]


def general(guild: Guild) -> Any:
    return guild.channel_named("general")


async def answered(api: StandIn, command: str, guild: Guild, **options: Any) -> Reply:
    reply = await api.slash(command, user=api.world.moderator, channel=general(guild), timeout=20, **options)
    assert reply.shards == [shard_of(guild.id, SHARDS)], reply.shards  # went to the owning shard only
    assert reply.text, f"/{command} in {guild.name} got no answer"
    return reply


def poll_id_of(message: dict) -> int:
    ids = {m.group(1) for b in message_buttons(message) if (m := re.match(r"poll:(\d+):", b.get("custom_id", "")))}
    assert len(ids) == 1, ids
    return int(ids.pop())


async def open_poll(api: StandIn, guild: Guild) -> dict:
    reply = await answered(api, "theory poll", guild, hours=1)
    assert reply.message is not None and not reply.ephemeral, reply.text
    return api.messages[int(reply.message["id"])]


def is_closed(message: dict) -> bool:
    votes = [b for b in message_buttons(message) if b["custom_id"].startswith("poll:")]
    return bool(votes) and all(b.get("disabled") for b in votes) and "final results" in message_text(message)


def edit_of(message: dict) -> tuple[str, str]:
    return ("PATCH", f"/channels/{message['channel_id']}/messages/{message['id']}")


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not BOT_SPEAKS_POSTGRES,
            reason="the bot does not run on PostgreSQL yet (bot.settings.Settings has no database_url field)",
        ),
    ),
]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_processes_share_5000_servers_on_4_shards(backend: str, tmp_path: Path) -> None:
    world = World.demo()
    world.add_guilds(SERVERS)
    # Two servers on each shard: the first of each for commands and polls, the second for a poll that wakes a closer.
    a1, a2, b1, b2 = on_shard(world, 0), on_shard(world, 1), on_shard(world, 2), on_shard(world, 3)
    async with shared_backend(backend, tmp_path) as shared, StandIn(world) as api:
        api.max_concurrency = 16  # a large bot's: its four IDENTIFYs need not wait 5 s for each other
        envs = [process_env(api, shared, tmp_path, ids) for ids in RANGES]
        # Both at the same moment, on a backend neither has seen: both prepare the schema at once.
        first, second = await asyncio.gather(started(envs[0], tmp_path), started(envs[1], tmp_path))
        cluster = [first, second]
        try:
            assert api.identified_shards() == set(range(SHARDS))
            for child, ids in zip(cluster, ((0, 1), (2, 3)), strict=True):  # each holds its shards' servers, all
                held = sum(1 for g in world.guilds if shard_of(g.id, SHARDS) in ids)
                assert servers_ready(child) == held > 2_000
            assert {shard for _, shard, count in api.identify_log if count == SHARDS} == set(range(SHARDS))

            # Commands answered in servers of both processes, each on the shard that holds its server.
            for guild in (a1, a2, b1, b2):
                assert "All of Us Strangers" in (await answered(api, "film", guild)).text
            await answered(api, "spoilers default", a1, allowed="ending")
            await answered(api, "spoilers default", b1, allowed="plot")
            assert "ending" in (await answered(api, "spoilers show", a1)).text.lower()

            # A poll in a server of each process, a vote in each (the press goes to the owning process too).
            polls = {"a": await open_poll(api, a1), "b": await open_poll(api, b1)}
            for message, guild in zip(polls.values(), (a1, b1), strict=True):
                reply = await api.click(message, 0, user=world.moderator, timeout=20)
                assert reply.shards == [shard_of(guild.id, SHARDS)] and reply.ephemeral
                await api.wait_until(lambda m=message: api.calls.count(edit_of(m)) >= 1, 20)  # its live count
            ids = {key: poll_id_of(message) for key, message in polls.items()}

            # The first process stops; both polls' deadlines are brought to a moment ago (setup in the shared
            # backend: what an hour's wait would do). The second process must close its own poll only.
            assert await first.stop() == 0
            since = len(api.calls)
            overdue = (datetime.now(UTC) - timedelta(seconds=1)).isoformat(timespec="microseconds")
            for poll_id in ids.values():
                assert await shared.execute("UPDATE polls SET closes_at = ? WHERE id = ?", overdue, poll_id) == 1
            # A new poll in the second process's other shard wakes its closer, which finds its overdue poll.
            woken = await open_poll(api, b2)
            await api.wait_until(lambda: is_closed(polls["b"]), 20)
            await asyncio.sleep(1.5)  # time enough to (wrongly) close the first process's poll too
            assert not is_closed(polls["a"])  # not its server: left to the process that owns it
            assert (await shared.rows("SELECT closed_at FROM polls WHERE id = ?", ids["a"]))[0][0] is None

            # The first process again: its settings are still there, and it closes its poll that fell due.
            first = cluster[0] = await started(envs[0], tmp_path)
            await api.wait_until(lambda: is_closed(polls["a"]), 20)
            shown = await answered(api, "spoilers show", a1)
            assert "ending" in shown.text.lower()
            assert "plot" in (await answered(api, "spoilers show", b1)).text.lower()
            assert "All of Us Strangers" in (await answered(api, "film", a2)).text
            await asyncio.sleep(1.0)  # any second close would show by now

            # Each poll closed exactly once: one edit into its final results, one closed row, counted once.
            assert [api.calls[since:].count(edit_of(m)) for m in polls.values()] == [1, 1]
            assert not is_closed(woken)
            for key, guild in (("a", a1), ("b", b1)):
                closed = await shared.rows("SELECT closed_at FROM polls WHERE id = ?", ids[key])
                assert closed[0][0] is not None
                counted = await shared.rows(
                    "SELECT MAX(polls), SUM(votes) FROM theory_standings WHERE guild_id = ?", guild.id
                )
                assert tuple(counted[0]) == (1, 1)
            settings = await shared.rows(
                "SELECT guild_id, allowed FROM guild_settings WHERE guild_id IN (?, ?) ORDER BY allowed", b1.id, a1.id
            )
            assert settings == [(b1.id, 1), (a1.id, 2)]
            for child in cluster:
                assert await child.stop() == 0
        finally:
            for child in cluster:
                await child.kill()
        assert api.problems == []
