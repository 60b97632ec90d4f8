"""The read-only commands work wherever a member installed the app; moderators' commands stay in servers."""

from __future__ import annotations

import pytest
from bot_under_test import module_bot
from test_progress_e2e import plain_and_hidden

from bot.render.markup import escape
from standin import StandIn
from standin.elsewhere import bot_dm, group_dm, other_server

pytestmark = pytest.mark.asyncio(loop_scope="module")


discord_api, db_path, bot, after_each = module_bot("anywhere")


PLACES = {
    "dm": lambda api: bot_dm(api.world.member),
    "group-dm": lambda api: group_dm(api.world.member, api.world.moderator),
    "other-server": lambda api: other_server(api.world.member),
}
ANYWHERE = {"film", "plot", "character", "ask", "ending", "quote", "progress"}
SERVERS_ONLY = {"spoilers", "theory"}


async def test_where_each_command_may_be_used(bot, discord_api: StandIn) -> None:
    commands = {c["name"]: c for c in discord_api.global_commands if c.get("type", 1) == 1}
    assert set(commands) == ANYWHERE | SERVERS_ONLY
    for name in ANYWHERE:
        assert sorted(commands[name]["integration_types"]) == [0, 1], name
        assert sorted(commands[name]["contexts"]) == [0, 1, 2], name
    for name in SERVERS_ONLY:
        assert commands[name]["integration_types"] == [0], name
        assert commands[name]["contexts"] == [0], name


@pytest.mark.parametrize("place", PLACES)
async def test_moderator_commands_are_not_offered_outside_servers(bot, discord_api: StandIn, place: str) -> None:
    where = PLACES[place](discord_api)
    with pytest.raises(LookupError, match="would not offer"):
        await discord_api.slash("spoilers show", where=where)
    with pytest.raises(LookupError, match="would not offer"):
        await discord_api.slash("theory list", where=where)


@pytest.mark.parametrize("place", PLACES)
async def test_read_only_commands_answer_everywhere_at_the_strictest_level(
    bot, discord_api: StandIn, place: str
) -> None:
    where = PLACES[place](discord_api)
    film = await discord_api.slash("film", where=where)
    assert "All of Us Strangers (2023)" in film.text and "||" not in film.text
    ending = await discord_api.slash("ending", where=where)
    plain, hidden = plain_and_hidden(ending.text)
    finale = next(m for m in bot.film.moments if m.spoiler.label == "ending")
    assert escape(finale.summary) in hidden and escape(finale.summary) not in plain
    character = await discord_api.slash("character", name="harry", where=where)
    assert "Paul Mescal" in character.text
    asked = await discord_api.slash("ask", question="who plays harry", where=where)
    assert "Mescal" in asked.text
    quote = await discord_api.slash("quote", where=where)
    assert "Andrew Haigh" in quote.text
    choices = await discord_api.autocomplete("plot", "moment", "diner", where=where)
    assert choices and choices[0]["value"] == "the-diner"


async def test_reveal_in_a_dm_between_friends_goes_to_the_presser_only(bot, discord_api: StandIn) -> None:
    where = group_dm(discord_api.world.member, discord_api.world.moderator)
    ending = await discord_api.slash("ending", where=where)
    assert not ending.ephemeral and ending.buttons == []  # wrap: one click per block, no reveal needed
