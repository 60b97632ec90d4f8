"""/spoilers end to end through the stand-in: who may change what, what each kind of channel says, and the log."""

from __future__ import annotations

import asyncio
import re

from bot_under_test import running_bot

from bot.models import Level, Policy, Source, Style
from bot.render.errors import MODERATORS_ONLY as MODERATOR_ONLY
from bot.settings import Settings
from playground.session import Playground
from standin import Channel, ChannelType, StandIn, User
from standin.world import snowflake


def second_moderator(discord_api: StandIn, name: str = "moderator-two") -> User:
    role = next(r for r in discord_api.guild.roles if r.name == "Moderators")
    return discord_api.world.add_member(name, roles=[role.id])


async def own_setting(bot, channel: Channel) -> Policy | None:
    return await bot.store.channel_setting(channel.id)


async def test_the_group_is_guild_only_with_exactly_the_issues_subcommands(bot, discord_api: StandIn) -> None:
    cmd = discord_api.find_command("spoilers", discord_api.guild)
    assert cmd["dm_permission"] is False or cmd.get("contexts") == [0]
    # Discord applies default_member_permissions to the whole group; it would hide `show` from members.
    assert cmd["default_member_permissions"] is None
    subs = {o["name"]: o for o in cmd["options"]}
    assert list(subs) == ["set", "default", "reset", "show", "list"]
    assert [o["name"] for o in subs["set"]["options"]] == ["channel", "allowed", "style"]
    assert [o["name"] for o in subs["default"]["options"]] == ["allowed", "style"]
    assert [o["name"] for o in subs["reset"]["options"]] == ["channel"]
    assert [(o["name"], o.get("required", False)) for o in subs["show"]["options"]] == [("channel", False)]
    assert [c["value"] for c in subs["set"]["options"][1]["choices"]] == ["none", "plot", "ending"]
    assert [c["value"] for c in subs["set"]["options"][2]["choices"]] == ["wrap", "private"]
    # Discord's channel picker offers places with a chat, never a category.
    assert 4 not in subs["set"]["options"][0]["channel_types"]
    assert {0, 2, 11, 15} <= set(subs["set"]["options"][0]["channel_types"])


async def test_a_moderator_sets_a_channel_and_anyone_can_see_it_and_why(bot, discord_api: StandIn) -> None:
    mod = discord_api.world.moderator
    reply = await discord_api.slash(
        "spoilers set", user=mod, channel="general", channel_="ending-talk", allowed="ending"
    )
    assert not reply.ephemeral
    ending_talk = discord_api.channel("ending-talk")
    assert f"<#{ending_talk.id}> now shows everything plainly, the ending included (**ending**, wrap)." in reply.text
    assert "Before: **none**, wrap (the server default)." in reply.text
    assert await own_setting(bot, ending_talk) == Policy(Level.ENDING, Style.WRAP)

    shown = await discord_api.slash("spoilers show", channel="ending-talk")
    assert shown.ephemeral
    assert "(**ending**, wrap)" in shown.text and "this channel has its own setting" in shown.text

    elsewhere = await discord_api.slash("spoilers show", channel="general", channel_="ending-talk")
    assert "(**ending**," in elsewhere.text

    here = await discord_api.slash("spoilers show", channel="general")
    assert "(**none**, wrap)" in here.text and "server default applies" in here.text


async def test_a_plain_member_is_refused_every_moderator_command_and_nothing_changes(bot, discord_api: StandIn) -> None:
    member = discord_api.world.member
    attempts = [
        ("spoilers set", {"channel_": "ending-talk", "allowed": "ending", "style": "private"}),
        ("spoilers default", {"allowed": "plot"}),
        ("spoilers reset", {"channel_": "general"}),
        ("spoilers list", {}),
    ]
    await discord_api.slash("spoilers set", user=discord_api.world.moderator, channel_="general", allowed="plot")
    before = len(discord_api.messages)
    for command, options in attempts:
        reply = await discord_api.slash(command, user=member, channel="spoilers", **options)
        assert reply.ephemeral and reply.content == MODERATOR_ONLY, command
    assert len(discord_api.messages) == before  # nothing public was said either
    assert await own_setting(bot, discord_api.channel("ending-talk")) is None
    assert await own_setting(bot, discord_api.channel("general")) == Policy(Level.PLOT)
    assert await bot.store.guild_default(discord_api.guild.id) == Policy()
    assert len(await bot.store.recent_changes(discord_api.guild.id)) == 1


async def test_threads_follow_their_channel_unless_set_themselves(bot, discord_api: StandIn) -> None:
    mod = discord_api.world.moderator
    general, thread = discord_api.channel("general"), discord_api.channel("general-thread")
    await discord_api.slash("spoilers set", user=mod, channel_="general", allowed="plot", style="private")

    reply = await discord_api.slash("spoilers show", channel="general-thread")
    assert "(**plot**, private)" in reply.text
    assert f"a thread follows its channel, and <#{general.id}> has its own setting" in reply.text
    assert await bot.store.policy(discord_api.guild.id, thread.id, general.id) == Policy(
        Level.PLOT, Style.PRIVATE, Source.PARENT
    )

    reply = await discord_api.slash("spoilers set", user=mod, channel="spoilers", channel_=thread.id, allowed="none")
    now = f"<#{thread.id}> now shows nothing past the premise plainly; spoilers are left out"
    assert now in reply.text  # the style it followed is kept
    assert "(**none**, private)." in reply.text and f"(from <#{general.id}>)" in reply.text
    reply = await discord_api.slash("spoilers show", channel="general-thread")
    assert "(**none**, private)" in reply.text and "this thread has its own setting" in reply.text

    reply = await discord_api.slash("spoilers reset", user=mod, channel="general-thread", channel_=thread.id)
    assert not reply.ephemeral
    assert f"It now follows <#{general.id}>: **plot**, private." in reply.text
    reply = await discord_api.slash("spoilers reset", user=mod, channel="general-thread", channel_=thread.id)
    assert reply.ephemeral and "nothing to reset" in reply.text


async def test_default_applies_where_nothing_else_does_and_keeps_its_style_unless_told(
    bot, discord_api: StandIn
) -> None:
    mod = discord_api.world.moderator
    await discord_api.slash("spoilers set", user=mod, channel_="ending-talk", allowed="ending")
    reply = await discord_api.slash("spoilers default", user=mod, channel="general", allowed="plot", style="private")
    assert not reply.ephemeral
    assert "The server default is now **plot**, private (it was **none**, wrap)." in reply.text
    assert "1 channel keeps its own setting" in reply.text

    reply = await discord_api.slash("spoilers default", user=mod, channel="general", allowed="none")
    assert "now **none**, private" in reply.text
    again = await discord_api.slash("spoilers default", user=mod, channel="general", allowed="none")
    assert again.ephemeral and "already **none**, private" in again.text

    shown = await discord_api.slash("spoilers show", channel="spoilers")
    assert "(**none**, private)" in shown.text and "server default applies" in shown.text
    shown = await discord_api.slash("spoilers show", channel="general-thread")
    assert "neither this thread nor" in shown.text
    assert len(await bot.store.recent_changes(discord_api.guild.id)) == 3  # the no-op was not logged


async def test_voice_forum_and_category_say_what_applies(discord_api: StandIn, settings: Settings) -> None:
    forum = discord_api.channel("theories-forum")
    post = Channel(snowflake(), "who-is-harry", ChannelType.PUBLIC_THREAD, forum.id, guild_id=discord_api.guild.id)
    discord_api.guild.channels.append(post)
    mod = discord_api.world.moderator
    async with running_bot(discord_api, settings) as bot:
        reply = await discord_api.slash(
            "spoilers set", user=mod, channel="general", channel_="watch-party", allowed="plot"
        )
        assert "voice channel: the setting applies to the text chat inside it" in reply.text
        # Run from the voice channel's own chat, the setting is the one that applies.
        shown = await discord_api.slash("spoilers show", channel="watch-party")
        assert "(**plot**," in shown.text and "text chat" in shown.text

        reply = await discord_api.slash(
            "spoilers set", user=mod, channel="general", channel_="theories-forum", allowed="ending"
        )
        assert "forum: the setting applies to every post in it" in reply.text
        shown = await discord_api.slash("spoilers show", channel="who-is-harry")
        assert "(**ending**," in shown.text
        assert f"a post follows its forum, and <#{forum.id}> has its own setting" in shown.text

        category = discord_api.channel("film-talk")
        for command, options in [
            ("spoilers show", {}),
            ("spoilers set", {"allowed": "ending"}),
            ("spoilers reset", {}),
        ]:
            reply = await discord_api.slash(
                command, user=mod, channel="general", channel_="film-talk", past_the_client=True, **options
            )
            assert reply.ephemeral and "is a category" in reply.content, command
        assert await own_setting(bot, category) is None


async def test_a_channel_of_another_server_is_refused(discord_api: StandIn, settings: Settings) -> None:
    other = discord_api.world.add_guild("Another server")
    foreign = other.channels[0]
    mod = discord_api.world.moderator
    async with running_bot(discord_api, settings) as bot:
        # A thread there that the bot has not cached: Discord is asked, and says it belongs to the other server.
        thread = Channel(snowflake(), "elsewhere", ChannelType.PUBLIC_THREAD, foreign.id, guild_id=other.id)
        other.channels.append(thread)
        commands = [("spoilers set", {"allowed": "ending"}), ("spoilers show", {}), ("spoilers reset", {})]
        for target in (foreign, thread):
            for command, options in commands:
                reply = await discord_api.slash(command, user=mod, channel_=str(target.id), **options)
                assert reply.ephemeral and "not in this server" in reply.content, (command, target.name)
            assert await own_setting(bot, target) is None
        assert await bot.store.recent_changes(discord_api.guild.id) == []
        assert await bot.store.recent_changes(other.id) == []


async def test_list_shows_own_settings_and_the_last_changes(bot, discord_api: StandIn) -> None:
    mod, mod2 = discord_api.world.moderator, second_moderator(discord_api)
    await discord_api.slash("spoilers set", user=mod, channel_="ending-talk", allowed="ending")
    await discord_api.slash("spoilers set", user=mod2, channel_="watch-party", allowed="plot", style="private")
    await discord_api.slash("spoilers default", user=mod2, channel="general", allowed="plot")
    await discord_api.slash("spoilers reset", user=mod, channel="general", channel_="watch-party")

    reply = await discord_api.slash("spoilers list", user=mod, channel="general")
    assert reply.ephemeral
    text = reply.text
    ending_talk, voice = discord_api.channel("ending-talk"), discord_api.channel("watch-party")
    assert "**Server default:** **plot**, wrap" in text
    assert f"<#{ending_talk.id}>: **ending**, wrap" in text
    assert f"<#{voice.id}> (its chat)" not in text  # reset, so no longer its own
    changes = re.findall(r"^<t:\d+:R> <@(\d+)> (.+)$", text, flags=re.MULTILINE)
    assert changes == [
        (str(mod.id), f"<#{voice.id}>: plot, private → reset (no setting of its own)"),
        (str(mod2.id), "server default: none, wrap → plot, wrap"),
        (str(mod2.id), f"<#{voice.id}>: no setting of its own → plot, private"),
        (str(mod.id), f"<#{ending_talk.id}>: no setting of its own → ending, wrap"),
    ]
    # The stand-in fails the test if any of these mentions could ping (allowed_mentions must be none).


async def test_two_moderators_at_once_last_write_wins_and_both_are_logged(bot, discord_api: StandIn) -> None:
    mod, mod2 = discord_api.world.moderator, second_moderator(discord_api)
    first, second = await asyncio.gather(
        discord_api.slash("spoilers set", user=mod, channel_="spoilers", allowed="plot"),
        discord_api.slash("spoilers set", user=mod2, channel_="spoilers", allowed="ending", style="private"),
    )
    assert not first.ephemeral and not second.ephemeral
    changes = list(reversed(await bot.store.recent_changes(discord_api.guild.id)))
    assert {c.actor_id for c in changes} == {mod.id, mod2.id}
    assert changes[0].old is None and changes[1].old == changes[0].new
    winner = changes[1].new
    current = await own_setting(bot, discord_api.channel("spoilers"))
    assert current is not None and f"{current.allowed.label}/{current.style.value}" == winner
    shown = await discord_api.slash("spoilers show", channel="spoilers")
    assert f"(**{current.allowed.label}**, {current.style.value})" in shown.text


async def test_settings_of_deleted_channels_and_threads_are_removed(bot, discord_api: StandIn) -> None:
    mod = discord_api.world.moderator
    await discord_api.slash("spoilers set", user=mod, channel_="ending-talk", allowed="ending")
    await discord_api.slash("spoilers set", user=mod, channel_="general-thread", allowed="plot")
    for name in ("ending-talk", "general-thread"):
        channel = discord_api.channel(name)
        forgotten = asyncio.ensure_future(
            bot.wait_for("spoiler_channel_forgotten", check=lambda g, c, ch=channel: c == ch.id, timeout=10)
        )
        await discord_api.delete_channel(channel)
        await forgotten
        assert await own_setting(bot, channel) is None, name
        # Picked just before it was deleted: Discord still sends what it resolved, the bot no longer knows it.
        late = await discord_api.slash("spoilers set", user=mod, channel="general", channel_=channel, allowed="none")
        assert late.ephemeral and "no longer exists" in late.content
        assert await own_setting(bot, channel) is None, name
    changes = await bot.store.recent_changes(discord_api.guild.id)
    assert [(c.actor_id, c.new) for c in changes[:2]] == [(bot.user.id, None), (bot.user.id, None)]
    reply = await discord_api.slash("spoilers list", user=mod, channel="general")
    assert "None: every channel follows the server default" in reply.text
    assert reply.text.count("the channel was deleted") == 2


async def test_settings_survive_a_restart_and_a_channel_gone_meanwhile_is_labelled(
    discord_api: StandIn, settings: Settings
) -> None:
    mod = discord_api.world.moderator
    async with running_bot(discord_api, settings):
        await discord_api.slash("spoilers set", user=mod, channel_="ending-talk", allowed="ending", style="private")
        await discord_api.slash("spoilers set", user=mod, channel_="spoilers", allowed="plot")
        await discord_api.slash("spoilers default", user=mod, channel="general", allowed="plot", style="private")
    # Deleted while the bot was away: no event will ever say so.
    gone = discord_api.channel("spoilers")
    discord_api.guild.channels.remove(gone)
    async with running_bot(discord_api, settings):
        shown = await discord_api.slash("spoilers show", channel="ending-talk")
        assert "(**ending**, private)" in shown.text and "own setting" in shown.text
        shown = await discord_api.slash("spoilers show", channel="general")
        assert "(**plot**, private)" in shown.text and "server default" in shown.text
        listed = await discord_api.slash("spoilers list", user=mod, channel="general")
        assert f"channel {gone.id} (not found" in listed.text


async def test_settings_are_kept_while_the_bot_is_out_of_a_server(discord_api: StandIn, settings: Settings) -> None:
    other = discord_api.world.add_guild("Another server")
    room = other.channels[0]
    mod = discord_api.world.moderator
    async with running_bot(discord_api, settings) as bot:
        await discord_api.slash("spoilers set", user=mod, channel=room, channel_=room, allowed="ending")
        removed = asyncio.ensure_future(bot.wait_for("guild_remove", timeout=10))
        await discord_api.remove_guild(other)
        await removed
        assert await own_setting(bot, room) == Policy(Level.ENDING)
        # Invited back: the setting applies again.
        joined = asyncio.ensure_future(bot.wait_for("guild_join", timeout=10))
        discord_api.world.guilds.append(other)
        payload = other.create_payload()
        del payload["unavailable"]  # a join, not a server coming back from an outage
        await discord_api.dispatch("GUILD_CREATE", payload)
        await joined
        shown = await discord_api.slash("spoilers show", user=mod, channel=room)
        assert "(**ending**, wrap)" in shown.text and "own setting" in shown.text


async def test_the_playground_can_set_a_channel_option_named_channel(bot, discord_api: StandIn) -> None:
    playground = Playground(discord_api)
    await playground.execute("as moderator")
    out = await playground.execute("/spoilers set channel: #ending-talk allowed: ending style: private")
    assert "now shows" in out and "ending" in out
    assert await own_setting(bot, discord_api.channel("ending-talk")) == Policy(Level.ENDING, Style.PRIVATE)


async def test_an_archived_thread_the_bot_has_not_cached_can_be_set(bot, discord_api: StandIn) -> None:
    general = discord_api.channel("general")
    # Added behind the bot's back, as an archived thread is: no event, not in the gateway's cache.
    archived = Channel(snowflake(), "old-thread", ChannelType.PUBLIC_THREAD, general.id, guild_id=discord_api.guild.id)
    discord_api.guild.channels.append(archived)
    mod = discord_api.world.moderator
    reply = await discord_api.slash("spoilers set", user=mod, channel="general", channel_=archived, allowed="plot")
    assert not reply.ephemeral and f"<#{archived.id}> now shows the story plainly" in reply.text
    assert ("GET", f"/channels/{archived.id}") in discord_api.calls
    assert await own_setting(bot, archived) == Policy(Level.PLOT)
