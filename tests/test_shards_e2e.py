"""Shards end to end: the bot on several shards of the stand-in, Discord's 4011 past 2,500 servers on one shard, and a
cluster of two bot processes sharing one SQLite file, each answering and closing polls only in its own servers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from bot_under_test import bot_env, bot_process, run_to_end, running_bot

from bot.models import Shards
from bot.settings import Settings
from bot.startup import GATEWAY_REFUSALS
from bot.store import Store
from standin import Guild, Reply, StandIn, World, message_buttons, message_text, shard_of
from standin.process import ChildProcess

READY = "Ready as "


def one_per_shard(world: World, count: int) -> list[Guild]:
    """A server on each shard (every one exists: ``add_guilds`` spreads ids over shards)."""
    return [next(g for g in world.guilds if shard_of(g.id, count) == shard) for shard in range(count)]


async def film_in(api: StandIn, guild: Guild) -> Reply:
    return await api.slash("film", user=api.world.moderator, channel=guild.channel_named("general"))


def is_closed(message: dict) -> bool:
    votes = [b for b in message_buttons(message) if b["custom_id"].startswith("poll:")]
    return bool(votes) and all(b.get("disabled") for b in votes) and "final results" in message_text(message)


async def test_recommended_shards_each_answer_their_own_servers(settings: Settings) -> None:
    world = World.demo()
    world.add_guilds(8)
    async with StandIn(world) as api:
        api.recommended_shards, api.max_concurrency = 3, 2  # shards 0 and 2 share a bucket: 5 s apart
        async with running_bot(api, settings) as bot:
            assert bot.shard_count == 3 and sorted(bot.shards) == [0, 1, 2]
            assert len(bot.guilds) == len(world.guilds)
            for guild in world.guilds:  # each server came on the connection of the shard that holds it
                found = bot.get_guild(guild.id)
                assert found is not None and found.shard_id == shard_of(guild.id, 3)
            for shard, guild in enumerate(one_per_shard(world, 3)):
                reply = await film_in(api, guild)
                assert reply.shards == [shard]  # the interaction went to the owning shard only
                assert "All of Us Strangers" in reply.text
                # a moderator's setting there, read back through the bot's cache
                await api.slash(
                    "spoilers default", user=world.moderator, channel=guild.channel_named("general"), allowed="plot"
                )
                shown = await api.slash("spoilers show", user=world.moderator, channel=guild.channel_named("general"))
                assert "plot" in shown.text.lower()
            assert bot.owned_shards() == Shards(3) and bot.owns(world.guild.id)
        log = {shard: at for at, shard, count in api.identify_log if count == 3}
        assert sorted(log) == [0, 1, 2]
        assert log[2] - log[0] >= 5.0 - 0.05  # one bucket: Discord's 5 s
        assert abs(log[1] - log[0]) < 4.0  # the other bucket did not wait for it
        assert api.problems == []


async def test_every_shard_resumes_as_itself_after_a_drop(settings: Settings) -> None:
    world = World.demo()
    world.add_guilds(6)
    async with StandIn(world) as api:
        api.recommended_shards, api.max_concurrency = 3, 16
        async with running_bot(api, settings):
            await api.drop_gateway(4000)  # Discord's "unknown error": every shard resumes its own session
            await api.wait_until(lambda: api.resumes == 3 and api.identified_shards() == {0, 1, 2}, 30)
            assert api.identifies == 3  # none had to start a new session
            for shard, guild in enumerate(one_per_shard(world, 3)):
                assert (await film_in(api, guild)).shards == [shard]
        assert api.problems == []


async def test_gateway_bot_tells_the_shards_and_the_session_start_limit() -> None:
    world = World.demo()
    world.add_guilds(2_600)
    async with StandIn(world) as api:
        headers = {"Authorization": f"Bot {api.token}"}
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{api.api_base}/gateway/bot", headers=headers) as response:
                data = await response.json()
            async with http.get(f"{api.api_base}/gateway") as response:
                plain = await response.json()
        assert data["shards"] == 3 and data["url"] == api.gateway_url == plain["url"]
        assert set(data["session_start_limit"]) == {"total", "remaining", "reset_after", "max_concurrency"}
        assert "shards" not in plain


async def test_more_than_2500_servers_on_one_shard_is_refused_with_4011(tmp_path: Path) -> None:
    world = World.demo()
    world.add_guilds(2_500)  # 2,501 servers with the demo one
    async with StandIn(world) as api:
        env = bot_env(tmp_path / "bot.db", api, SHARD_COUNT="1")
        code, _, err = await asyncio.wait_for(run_to_end(env, tmp_path), 120)
        assert code == 2, err
        assert f"Cannot start: {GATEWAY_REFUSALS[4011]}" in err
        assert "Traceback" not in err
        assert api.identifies == 0


async def test_more_than_2500_servers_start_on_the_recommended_shards(settings: Settings) -> None:
    world = World.demo()
    world.add_guilds(2_600)
    async with StandIn(world) as api:
        api.max_concurrency = 16
        async with running_bot(api, settings, timeout=90) as bot:
            assert bot.shard_count == 3 and len(bot.guilds) == 2_601
            for shard, guild in enumerate(one_per_shard(world, 3)):
                assert (await film_in(api, guild)).shards == [shard]
        assert api.problems == []


async def started(api: StandIn, env: dict[str, str], cwd: Path) -> ChildProcess:
    child = await bot_process(env, cwd).start()
    await child.until(child.line_containing(READY), 60, "on_ready")
    return child


async def open_poll(api: StandIn, guild: Guild) -> dict:
    reply = await api.slash("theory poll", user=api.world.moderator, channel=guild.channel_named("general"), hours=2)
    assert reply.message is not None and not reply.ephemeral, reply.text
    return api.messages[int(reply.message["id"])]


async def test_two_processes_split_the_shards_and_close_each_poll_once(tmp_path: Path) -> None:
    world = World.demo()
    world.add_guilds(5)
    database = tmp_path / "cluster.db"
    async with StandIn(world) as api:
        api.max_concurrency = 16
        first, second = one_per_shard(world, 2)
        envs = [bot_env(database, api, SHARD_COUNT="2", SHARD_IDS=str(n)) for n in (0, 1)]
        # One after the other the first time: the first creates the database.
        cluster = [await started(api, envs[0], tmp_path), await started(api, envs[1], tmp_path)]
        try:
            assert api.identified_shards() == {0, 1}
            assert (await film_in(api, first)).shards == [0]
            assert (await film_in(api, second)).shards == [1]
            polls = [await open_poll(api, first), await open_poll(api, second)]
            for child in cluster:
                assert await child.stop() == 0
        finally:
            for child in cluster:
                await child.kill()
        # While the cluster is down both deadlines pass (set through the store: setup, not a change to the bot).
        store = await Store.open(database)
        try:
            due = await store.due_polls(datetime.now(UTC) + timedelta(hours=3))
            assert len(due) == 2
            for poll in due:
                assert await store.reschedule_poll(poll.id, datetime.now(UTC) - timedelta(minutes=1))
            assert [p.guild_id for p in await store.due_polls(datetime.now(UTC), Shards(2, frozenset({1})))] == [
                second.id
            ]
        finally:
            await store.close()
        since = len(api.calls)
        edits = [("PATCH", f"/channels/{m['channel_id']}/messages/{m['id']}") for m in polls]
        one = await started(api, envs[0], tmp_path)
        try:
            await api.wait_until(lambda: is_closed(polls[0]), 20)
            await asyncio.sleep(1.0)  # time enough to (wrongly) close the other one too
            assert not is_closed(polls[1])  # not its server: left to the process that owns it
            two = await started(api, envs[1], tmp_path)
            try:
                await api.wait_until(lambda: is_closed(polls[1]), 20)
                await asyncio.sleep(0.5)
                # each poll's message edited into its results exactly once, by one process
                assert [api.calls[since:].count(edit) for edit in edits] == [1, 1]
                assert (await film_in(api, second)).shards == [1]
                assert await two.stop() == 0
            finally:
                await two.kill()
            assert await one.stop() == 0
        finally:
            await one.kill()
        store = await Store.open(database)
        try:
            assert await store.due_polls(datetime.now(UTC)) == []
            assert await store.next_deadline() is None
        finally:
            await store.close()
        assert api.problems == []


async def test_shard_settings_reach_the_client(settings: Settings) -> None:
    world = World.demo()
    world.add_guilds(3)
    async with StandIn(world) as api:
        api.max_concurrency = 4
        own = replace(settings, shard_count=4, shard_ids=(1, 3))
        holders = {shard_of(g.id, 4) for g in world.guilds}
        async with running_bot(api, own) as bot:
            assert bot.shard_count == 4 and sorted(bot.shards) == [1, 3]
            assert bot.owned_shards() == Shards(4, frozenset({1, 3}))
            assert {g.id for g in bot.guilds} == {g.id for g in world.guilds if shard_of(g.id, 4) in (1, 3)}
            assert holders  # the world spreads over the shards at all
        assert {shard for _, shard, _ in api.identify_log} == {1, 3}
