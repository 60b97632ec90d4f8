"""The message menus end to end: "Ask about this" (anyone, anywhere, privately) and "Hide spoilers" (moderators)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bot_under_test import forget_progress, module_bot
from readers import plain_and_hidden

from bot.render import menus as text
from bot.render.markup import escape
from standin import Perm, StandIn
from standin.elsewhere import bot_dm, group_dm
from standin.world import INVITE_PERMISSIONS

pytestmark = pytest.mark.asyncio(loop_scope="module")


discord_api, db_path, bot, after_each = module_bot("menus", forget_progress)


def bot_messages_in(api: StandIn, channel: str) -> list[dict]:
    channel_id = str(api.channel(channel).id)
    bot_id = str(api.world.bot.id)
    return [m for m in api.messages.values() if m["channel_id"] == channel_id and m["author"]["id"] == bot_id]


# ---------------------------------------------------------------- as Discord sees them


async def test_menus_are_registered_where_they_belong(bot, discord_api: StandIn) -> None:
    ask = discord_api.find_menu("Ask about this")
    assert sorted(ask["integration_types"]) == [0, 1] and sorted(ask["contexts"]) == [0, 1, 2]
    hide = discord_api.find_menu("Hide spoilers")
    assert hide["integration_types"] == [0] and hide["contexts"] == [0]
    assert int(hide["default_member_permissions"]) == Perm.MANAGE_MESSAGES
    assert int(INVITE_PERMISSIONS) == 309237763072 | Perm.MANAGE_MESSAGES == 309237771264
    with pytest.raises(LookupError, match="would not offer"):
        await discord_api.menu("Hide spoilers", discord_api.post("hi"), where=bot_dm(discord_api.world.moderator))


# ---------------------------------------------------------------- Ask about this


async def test_ask_about_this_answers_the_message_privately(bot, discord_api: StandIn) -> None:
    message = discord_api.post("who plays harry in this?", user=discord_api.world.moderator)
    reply = await discord_api.menu("Ask about this", message)
    assert reply.ephemeral and "Mescal" in reply.text
    assert bot_messages_in(discord_api, "general") == []  # nothing public


async def test_ask_about_this_follows_the_askers_progress(bot, discord_api: StandIn) -> None:
    message = discord_api.post("what happened to harry at the end", user=discord_api.world.moderator)
    harry = escape(bot.film.character("harry").arc[-1].text)
    before = await discord_api.menu("Ask about this", message)
    plain, hidden = plain_and_hidden(before)
    assert before.ephemeral and harry not in plain
    await discord_api.slash("progress set", watched="seen_all")
    after = await discord_api.menu("Ask about this", message)
    plain, hidden = plain_and_hidden(after)
    assert "||" not in after.text and hidden == ""


@pytest.mark.parametrize(("content", "attachments"), [("", 1), ("   ", 0), ("", 2)])
async def test_ask_about_a_message_without_words_is_a_polite_no(
    bot, discord_api: StandIn, content: str, attachments: int
) -> None:
    reply = await discord_api.menu("Ask about this", discord_api.post(content, attachments=attachments))
    assert reply.ephemeral and reply.content == text.NOTHING_TO_ASK


async def test_ask_about_a_message_with_hostile_characters(bot, discord_api: StandIn) -> None:
    hostile = await discord_api.menu("Ask about this", discord_api.post("who plays \u202eharry"))
    assert hostile.ephemeral and "text-direction control" in hostile.content
    long = await discord_api.menu("Ask about this", discord_api.post("who plays harry " + "and more " * 200))
    assert long.ephemeral and "Mescal" in long.text


# ---------------------------------------------------------------- Hide spoilers


async def test_moderator_hides_a_message_behind_spoiler_bars(bot, discord_api: StandIn, db_path: Path) -> None:
    member, moderator = discord_api.world.member, discord_api.world.moderator
    words = "Harry is dead the whole time! @everyone ||already|| <@123> **bold**"
    original = discord_api.post(words, user=member, channel="spoilers")
    reply = await discord_api.menu("Hide spoilers", original, user=moderator)
    assert reply.ephemeral and f"<@{member.id}>" in reply.text and "original is removed" in reply.text
    assert int(original["id"]) not in discord_api.messages
    (repost,) = bot_messages_in(discord_api, "spoilers")
    header, body = repost["content"].split("\n", 1)
    assert header == text.REPOST_HEADER.format(author=f"<@{member.id}>")
    assert body == f"||{escape(words)}||"  # one bar; the member's own bars and mentions are only characters
    assert repost["allowed_mentions"]["parse"] == []  # nobody is pinged (the stand-in checks every message)
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT message_id, author_id, moderator_id FROM hidden_messages").fetchone()
    assert row == (int(original["id"]), member.id, moderator.id)
    (logged,) = await bot.store.hidden_messages(discord_api.guild.id)
    assert logged.repost_id == int(repost["id"])


async def test_a_long_message_is_hidden_over_several_messages(bot, discord_api: StandIn) -> None:
    words = "|*_ " * 499  # every character escaped: twice as long once shown safely
    original = discord_api.post(words, channel="ending-talk")
    reply = await discord_api.menu("Hide spoilers", original, user=discord_api.world.moderator)
    assert reply.ephemeral and "in 2 messages" in reply.text
    reposts = bot_messages_in(discord_api, "ending-talk")
    assert len(reposts) == 2 and all(len(m["content"]) <= 2000 for m in reposts)
    assert all(m["content"].rstrip().endswith("||") for m in reposts)


async def test_members_cannot_hide_messages(bot, discord_api: StandIn) -> None:
    original = discord_api.post("the ending is sad", user=discord_api.world.moderator)
    reply = await discord_api.menu("Hide spoilers", original, user=discord_api.world.member)
    assert reply.ephemeral and reply.content == text.HIDE_MODERATORS_ONLY
    assert int(original["id"]) in discord_api.messages and bot_messages_in(discord_api, "general") == []


async def test_the_bot_says_which_permission_it_lacks(bot, discord_api: StandIn) -> None:
    role = next(r for r in discord_api.guild.roles if r.name == "Strangers Bot")
    role.permissions &= ~Perm.MANAGE_MESSAGES
    try:
        original = discord_api.post("harry dies", channel="spoilers")
        reply = await discord_api.menu("Hide spoilers", original, user=discord_api.world.moderator)
    finally:
        role.permissions |= Perm.MANAGE_MESSAGES
    assert reply.ephemeral and "Manage Messages" in reply.content and "Nothing was changed" in reply.content
    assert int(original["id"]) in discord_api.messages


async def test_nothing_to_hide_and_the_bots_own_messages(bot, discord_api: StandIn) -> None:
    moderator = discord_api.world.moderator
    pictures = await discord_api.menu("Hide spoilers", discord_api.post("", attachments=1), user=moderator)
    assert pictures.ephemeral and pictures.content == text.NOTHING_TO_HIDE
    film = await discord_api.slash("film", channel="general")
    own = await discord_api.menu("Hide spoilers", film.message, user=moderator)
    assert own.ephemeral and own.content == text.OWN_MESSAGE
    assert int(film.message["id"]) in discord_api.messages


async def test_ask_about_this_in_a_group_dm(bot, discord_api: StandIn) -> None:
    friends = group_dm(discord_api.world.member, discord_api.world.moderator)
    said = dict(discord_api.post("what song plays at the end", user=discord_api.world.moderator))
    said["channel_id"] = str(friends.channel_id)
    del said["guild_id"]
    reply = await discord_api.menu("Ask about this", said, where=friends)
    plain, hidden = plain_and_hidden(reply)
    assert reply.ephemeral and "Power of Love" in hidden and "Power of Love" not in plain
