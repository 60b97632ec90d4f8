"""The bot starts against the stand-in, registers valid commands, and answers a slash command."""

from __future__ import annotations

from dataclasses import replace

import discord
from bot_under_test import running_bot

from bot.settings import Settings
from standin import StandIn


async def test_bot_registers_commands_and_answers_film(bot, discord_api: StandIn) -> None:
    names = {c["name"] for c in discord_api.global_commands}
    assert "film" in names
    reply = await discord_api.slash("film")
    assert not reply.ephemeral
    assert "All of Us Strangers (2023)" in reply.text
    assert "Andrew Haigh" in reply.text
    assert "Paul Mescal as Harry" in reply.text
    assert reply.message["allowed_mentions"] == {"parse": []} or reply.message["allowed_mentions"]["parse"] == []


async def test_commands_sync_only_when_changed(discord_api: StandIn, settings: Settings) -> None:
    async with running_bot(discord_api, settings) as first:
        assert first.synced is True
    puts = [c for c in discord_api.calls if c[0] == "PUT"]
    async with running_bot(discord_api, settings) as second:
        assert second.synced is False
    assert [c for c in discord_api.calls if c[0] == "PUT"] == puts


async def test_dev_guild_gets_the_commands_at_once(discord_api: StandIn, settings: Settings) -> None:
    guild = discord_api.guild.id
    async with running_bot(discord_api, replace(settings, dev_guild_id=guild)) as running:
        assert running.synced is True
        assert discord_api.global_commands == []
        assert {c["name"] for c in discord_api.guild_commands[guild]} >= {"film", "plot", "ask", "theory", "spoilers"}
        reply = await discord_api.slash("film")
        assert "All of Us Strangers (2023)" in reply.text


async def test_only_the_guilds_intent_is_asked_for(bot, discord_api: StandIn) -> None:
    assert bot.intents.value == discord.Intents(guilds=True).value
    assert not (bot.intents.members or bot.intents.presences or bot.intents.message_content)
