"""The stand-in's permissions: Discord's documented arithmetic, the demo server's overwrites, and REST calls refused
with Discord's codes, seen through a real discord.py client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from standin import INVITE_PERMISSIONS, StandIn, World
from standin.harness import running_client
from standin.permissions import (
    ALL_PERMS,
    MEMBER,
    SHAPES_A_MESSAGE,
    Overwrite,
    Perm,
    apply_overwrites,
    base_permissions,
    implicit,
    names,
)

GUILD, USER, ROLE_A, ROLE_B = 100, 200, 300, 400
VIEW, SEND, EMBED = Perm.VIEW_CHANNEL, Perm.SEND_MESSAGES, Perm.EMBED_LINKS


def in_channel(base: int, overwrites: list[Overwrite], roles: tuple[int, ...] = (ROLE_A, ROLE_B)) -> int:
    return apply_overwrites(base, guild_id=GUILD, user_id=USER, role_ids=roles, overwrites=overwrites)


# -- the arithmetic, against the examples and rules of Discord's "Permissions" topic ---------------------------------


def test_the_readme_invite_integer_is_the_eight_permissions_it_names() -> None:
    assert INVITE_PERMISSIONS == 309237771264
    assert sorted(names(INVITE_PERMISSIONS)) == [
        "ATTACH_FILES",
        "CREATE_PUBLIC_THREADS",
        "EMBED_LINKS",
        "MANAGE_MESSAGES",
        "READ_MESSAGE_HISTORY",
        "SEND_MESSAGES",
        "SEND_MESSAGES_IN_THREADS",
        "VIEW_CHANNEL",
    ]


def test_the_docs_example_of_flags() -> None:
    """Send Messages (0x800) and Add Reactions (0x40) make 2112; Kick Members (0x2) is not in it."""
    value = Perm.ADD_REACTIONS | Perm.SEND_MESSAGES
    assert value == 2112 and value & Perm.KICK_MEMBERS == 0


def test_base_permissions_are_everyone_or_the_roles_and_the_owner_and_administrator_have_all() -> None:
    assert base_permissions(owner=False, everyone=VIEW, roles=[SEND, EMBED]) == VIEW | SEND | EMBED
    assert base_permissions(owner=True, everyone=0, roles=[]) == ALL_PERMS
    assert base_permissions(owner=False, everyone=VIEW, roles=[Perm.ADMINISTRATOR]) == ALL_PERMS


def test_the_docs_example_two_roles_one_denies_view_the_other_allows_it() -> None:
    """Role A denies View Channel on #coolstuff, role B allows it: the member sees #coolstuff, whatever their order."""
    overwrites = [Overwrite(ROLE_A, deny=VIEW), Overwrite(ROLE_B, allow=VIEW)]
    assert in_channel(0, overwrites) & VIEW
    assert in_channel(0, list(reversed(overwrites))) & VIEW


@pytest.mark.parametrize(
    ("overwrites", "expected"),
    [
        # @everyone's deny, then its allow
        ([Overwrite(GUILD, deny=SEND)], VIEW),
        ([Overwrite(GUILD, deny=SEND, allow=SEND)], VIEW | SEND),
        # a role's allow beats @everyone's deny
        ([Overwrite(GUILD, deny=SEND), Overwrite(ROLE_A, allow=SEND)], VIEW | SEND),
        # a role's deny beats @everyone's allow
        ([Overwrite(GUILD, allow=EMBED), Overwrite(ROLE_A, deny=EMBED)], VIEW | SEND),
        # the member's own deny beats a role's allow; their allow beats a role's deny
        ([Overwrite(ROLE_A, allow=EMBED), Overwrite(USER, MEMBER, deny=EMBED)], VIEW | SEND),
        ([Overwrite(ROLE_A, deny=SEND), Overwrite(USER, MEMBER, allow=SEND)], VIEW | SEND),
        # a role the member does not have changes nothing; neither does another member's overwrite
        ([Overwrite(999, deny=SEND), Overwrite(998, MEMBER, deny=SEND)], VIEW | SEND),
    ],
)
def test_overwrites_apply_in_discords_order(overwrites: list[Overwrite], expected: int) -> None:
    assert in_channel(VIEW | SEND, overwrites) == expected


def test_a_role_overwrite_with_the_members_id_is_not_a_member_overwrite() -> None:
    assert in_channel(VIEW | SEND, [Overwrite(USER, deny=SEND)], roles=()) == VIEW | SEND


def test_administrator_bypasses_overwrites() -> None:
    assert in_channel(Perm.ADMINISTRATOR, [Overwrite(GUILD, deny=VIEW), Overwrite(ROLE_A, deny=VIEW)]) == ALL_PERMS


def test_implicit_denials_without_view_nothing_without_send_nothing_that_shapes_a_message() -> None:
    everything = VIEW | SEND | EMBED | Perm.SEND_MESSAGES_IN_THREADS | Perm.MENTION_EVERYONE
    assert implicit(everything & ~VIEW) == 0
    assert implicit(everything & ~SEND) == (everything & ~SEND) & ~SHAPES_A_MESSAGE
    # in a thread, Send Messages in Threads is what sending needs; Send Messages does not count there
    assert implicit(everything & ~SEND, thread=True) == everything & ~SEND
    assert implicit(everything & ~Perm.SEND_MESSAGES_IN_THREADS, thread=True) & EMBED == 0
    assert implicit(ALL_PERMS) == ALL_PERMS


# -- the demo server -------------------------------------------------------------------------------------------------


def bot_in(world: World, channel: str) -> int:
    guild = world.guild
    me = guild.member(world.bot.id)
    assert me is not None
    return guild.permissions_in(me, guild.channel_named(channel))


def test_the_bot_holds_exactly_its_invite_permissions_and_everyone_gives_nothing_more() -> None:
    world = World.demo()
    me = world.guild.member(world.bot.id)
    assert me is not None
    assert world.guild.everyone.permissions == 0
    assert world.guild.permissions_of(me) == INVITE_PERMISSIONS
    role = world.guild.bot_role(world.bot)
    assert role.permissions == INVITE_PERMISSIONS
    assert role.payload()["managed"] is True and role.payload()["tags"] == {"bot_id": str(world.bot.id)}
    assert bot_in(world, "general") == INVITE_PERMISSIONS


def test_the_demo_servers_overwrites_stand_in_the_bots_way() -> None:
    world = World.demo()
    assert bot_in(world, "hidden") == 0
    read_only = bot_in(world, "read-only")
    assert read_only & VIEW and read_only & Perm.READ_MESSAGE_HISTORY and not read_only & (SEND | EMBED)
    assert not bot_in(world, "no-threads") & Perm.CREATE_PUBLIC_THREADS
    in_thread = bot_in(world, "no-threads-thread")  # inherits its parent's overwrites
    assert not in_thread & Perm.CREATE_PUBLIC_THREADS and in_thread & Perm.SEND_MESSAGES_IN_THREADS
    member = world.guild.member(world.member.id)
    assert member is not None
    assert world.guild.permissions_in(member, world.guild.channel_named("hidden")) & VIEW
    assert not world.guild.permissions_in(member, world.guild.channel_named("read-only")) & SEND
    payload = world.guild.channel_named("hidden").payload()
    assert payload["permission_overwrites"] == [
        {"id": str(world.guild.bot_role(world.bot).id), "type": 0, "allow": "0", "deny": str(int(VIEW))}
    ]


# -- REST refusals, seen through discord.py ---------------------------------------------------------------------------


@pytest.fixture
async def client() -> AsyncIterator[tuple[StandIn, discord.Client]]:
    async with StandIn() as standin:
        make = lambda: discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.01)  # noqa: E731
        async with running_client(standin, make) as running:
            yield standin, running
        assert standin.problems == []


def channel_of(standin: StandIn, running: discord.Client, name: str) -> discord.TextChannel | discord.Thread:
    found = running.get_channel(standin.channel(name).id)
    assert isinstance(found, discord.TextChannel | discord.Thread)
    return found


async def edit_and_hear(standin: StandIn, running: discord.Client, channel: str, **change: int) -> None:
    """A moderator edits the bot role's overwrite in ``channel``; wait until discord.py has taken in the update."""
    heard = asyncio.ensure_future(running.wait_for("guild_channel_update"))
    await standin.edit_permissions(channel, standin.world.guild.bot_role(standin.world.bot), **change)
    await asyncio.wait_for(heard, 10)


async def forbidden(action) -> int:
    with pytest.raises(discord.Forbidden) as caught:
        await action
    return caught.value.code


async def test_discord_py_sees_the_bots_permissions_from_the_overwrites(client) -> None:
    """The overwrites reach discord.py in GUILD_CREATE, so its own permissions_for agrees with the stand-in."""
    standin, running = client
    for name in ("general", "read-only", "hidden", "no-threads", "no-threads-thread"):
        channel = channel_of(standin, running, name)
        assert channel.permissions_for(channel.guild.me).value == standin.bot_permissions(channel.id), name


async def test_refusals_carry_discords_codes(client) -> None:
    standin, running = client
    hidden, read_only = channel_of(standin, running, "hidden"), channel_of(standin, running, "read-only")
    no_threads, thread = channel_of(standin, running, "no-threads"), channel_of(standin, running, "no-threads-thread")
    general = channel_of(standin, running, "general")

    assert await forbidden(hidden.send("hello")) == 50001
    assert await forbidden(running.fetch_channel(hidden.id)) == 50001
    assert await forbidden(hidden.fetch_message(1)) == 50001
    assert await forbidden(read_only.send("hello")) == 50013
    assert await forbidden(read_only.send(embed=discord.Embed(title="x"))) == 50013

    kept = await general.send("a poll, say")
    assert (await general.fetch_message(kept.id)).id == kept.id
    # an overwrite changed afterwards: the bot no longer sees #general, and cannot edit or read its own message
    await edit_and_hear(standin, running, "general", deny=Perm.VIEW_CHANNEL)
    assert not general.permissions_for(general.guild.me).view_channel
    assert await forbidden(kept.edit(content="edited")) == 50001
    assert await forbidden(general.fetch_message(kept.id)) == 50001
    await edit_and_hear(standin, running, "general", deny=Perm.EMBED_LINKS)
    assert await forbidden(kept.edit(embed=discord.Embed(title="x"))) == 50013
    assert (await kept.edit(content="words are fine")).content == "words are fine"
    await edit_and_hear(standin, running, "general", deny=Perm.READ_MESSAGE_HISTORY)
    assert await forbidden(general.fetch_message(kept.id)) == 50001
    assert await forbidden(kept.create_thread(name="talk")) == 50001  # a thread from a message it cannot read
    await edit_and_hear(standin, running, "general")  # the overwrite removed: all is well again
    assert (await general.fetch_message(kept.id)).id == kept.id

    starter = await no_threads.send("no threads here")
    assert await forbidden(starter.create_thread(name="talk")) == 50013
    assert (await thread.send("but its thread takes messages")).channel.id == thread.id


async def test_deleting_another_persons_message_needs_manage_messages() -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        channel = standin.channel("general")
        theirs = standin._new_message(channel.id, {"content": "a member wrote this"})
        theirs["author"] = standin.world.member.payload()
        bot_role = next(r for r in standin.guild.roles if r.bot_id == standin.world.bot.id)
        bot_role.permissions &= ~Perm.MANAGE_MESSAGES  # the invite grants it ("Hide spoilers"): taken away here
        url = f"{standin.api_base}/channels/{channel.id}/messages/{theirs['id']}"
        async with http.delete(url, headers={"Authorization": f"Bot {standin.token}"}) as resp:
            assert resp.status == 403 and (await resp.json())["code"] == 50013
        assert int(theirs["id"]) in standin.messages


class Answering(discord.Client):
    """A client with one slash command that answers, follows up and edits its answer: all through the interaction."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.01)
        self.tree = discord.app_commands.CommandTree(self)
        self.seen: list[discord.Permissions] = []

        @self.tree.command(name="hello", description="Say hello")
        async def hello(interaction: discord.Interaction) -> None:
            self.seen.append(interaction.app_permissions)
            await interaction.response.send_message(embed=discord.Embed(title="hello"))
            await interaction.followup.send("and a follow-up")
            await interaction.edit_original_response(content="edited")

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def test_interactions_answer_where_the_bot_cannot_see_and_carry_its_permissions_there() -> None:
    async with StandIn() as standin, running_client(standin, Answering) as running:
        reply = await standin.slash("hello", channel="hidden")
        await reply.wait(lambda r: bool(r.followups) and r.edits > 0)
        assert reply.text.startswith("edited") and reply.followups[0]["content"] == "and a follow-up"
        for name in ("read-only", "general"):
            done = await standin.slash("hello", channel=name)
            await done.wait(lambda r: r.edits > 0)
        # as Discord sends them: after the overwrites, before the implicit denials (its docs: "checked separately")
        assert [p.value for p in running.seen] == [
            INVITE_PERMISSIONS & ~Perm.VIEW_CHANNEL,
            INVITE_PERMISSIONS & ~Perm.SEND_MESSAGES,
            INVITE_PERMISSIONS,
        ]
        assert standin.problems == []


async def test_a_member_who_cannot_see_a_channel_cannot_use_it() -> None:
    async with StandIn() as standin, running_client(standin, Answering):
        guild = standin.world.guild
        guild.set_overwrite(standin.channel("hidden"), guild.role_named("Members"), deny=Perm.VIEW_CHANNEL)
        with pytest.raises(LookupError, match="cannot see #hidden"):
            await standin.slash("hello", channel="hidden")
        # the moderator is a Member too, but one role's allow beats another's deny
        guild.set_overwrite(standin.channel("hidden"), guild.role_named("Moderators"), allow=Perm.VIEW_CHANNEL)
        as_moderator = await standin.slash("hello", channel="hidden", user=standin.world.moderator)
        await as_moderator.wait(lambda r: r.edits > 0)


async def test_a_member_without_use_application_commands_cannot_run_one() -> None:
    async with StandIn() as standin, running_client(standin, Answering):
        guild = standin.world.guild
        guild.set_overwrite(standin.channel("general"), guild.role_named("Members"), deny=Perm.USE_APPLICATION_COMMANDS)
        with pytest.raises(LookupError, match="may not use application commands in #general"):
            await standin.slash("hello", channel="general")
