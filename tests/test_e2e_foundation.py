"""The bot starts against the stand-in, registers valid commands, and answers a slash command."""

from __future__ import annotations

from bot.settings import Settings
from bot.standin import StandIn
from bot.standin.harness import running_bot


async def test_bot_registers_commands_and_answers_film(bot, discord_api: StandIn) -> None:
    names = {c["name"] for c in discord_api.global_commands}
    assert "film" in names
    reply = await discord_api.slash("film")
    assert not reply.ephemeral
    assert reply.embeds[0]["title"] == "All of Us Strangers (2023)"
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
