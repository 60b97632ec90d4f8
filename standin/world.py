"""The pretend Discord the stand-in serves: users, a server with roles, channels and members, and snowflakes."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum

from .permissions import MEMBER, ROLE, Overwrite, Perm, apply_overwrites, base_permissions, implicit

DISCORD_EPOCH_MS = 1_420_070_400_000
_counter = itertools.count()


def snowflake() -> int:
    """A new id shaped like Discord's: milliseconds since 2015 in the high bits, a counter in the low ones."""
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(_counter) & 0x3FFFFF)


def spread_snowflake(index: int) -> int:
    """An id made ``index`` + 1 milliseconds ago: servers given these spread over shards one by one, as servers
    made over the years do (ids made within one millisecond would all fall on the same shard)."""
    made_at = int(time.time() * 1000) - DISCORD_EPOCH_MS - 1 - index
    return (made_at << 22) | (next(_counter) & 0x3FFFFF)


def fixed_ids(start: int = 1_180_000_000_000_000_000) -> Callable[[], int]:
    """Ids that are the same on every run: for a demo server whose settings and polls persist between runs."""
    counter: Iterator[int] = itertools.count(start)
    return lambda: next(counter)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


# The permissions integer of the README's invite link: the bot's own role holds exactly this (issue 19), so the
# end-to-end tests prove it is enough. View Channels, Send Messages, Send Messages in Threads, Create Public Threads,
# Embed Links, Attach Files, Read Message History, Manage Messages.
INVITE_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.MANAGE_MESSAGES  # "Hide spoilers" removes the member's original message
)
# What Discord gives @everyone in a new server (the servers ``add_guild`` makes).
EVERYONE_PERMS = (
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
)
# The demo server keeps @everyone bare and gives people a Members role instead, so that nothing the bot does rests
# on a permission @everyone happens to hold: the bot has what its invite gave it, and no more.
MEMBER_PERMS = EVERYONE_PERMS


class ChannelType(IntEnum):
    TEXT = 0
    VOICE = 2
    CATEGORY = 4
    PUBLIC_THREAD = 11
    FORUM = 15


@dataclass
class User:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None  # the role Discord makes for a bot when it joins, managed by that bot

    def payload(self) -> dict:
        data = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0},
            "hoist": False,
            "managed": self.bot_id is not None,
            "mentionable": False,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Channel:
    id: int
    name: str
    type: ChannelType = ChannelType.TEXT
    parent_id: int | None = None
    position: int = 0
    guild_id: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)  # a thread's are its parent's

    @property
    def is_thread(self) -> bool:
        return self.type == ChannelType.PUBLIC_THREAD

    def payload(self) -> dict:
        data: dict = {
            "id": str(self.id),
            "name": self.name,
            "type": int(self.type),
            "position": self.position,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "nsfw": False,
            "flags": 0,
        }
        if self.type == ChannelType.TEXT:
            data |= {"topic": None, "last_message_id": None, "rate_limit_per_user": 0}
        elif self.type == ChannelType.VOICE:
            data |= {"bitrate": 64000, "user_limit": 0, "rtc_region": None}
        elif self.type == ChannelType.FORUM:
            data |= {"topic": None, "available_tags": [], "default_reaction_emoji": None}
        elif self.type == ChannelType.PUBLIC_THREAD:
            data |= {
                "owner_id": "0",
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "last_message_id": None,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "locked": False,
                    "archive_timestamp": iso_now(),
                },
            }
            del data["permission_overwrites"]
        return data


@dataclass
class Member:
    user: User
    roles: list[int] = field(default_factory=list)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: list[Role]
    channels: list[Channel]
    members: list[Member]
    default_roles: list[int] = field(default_factory=list)  # what every new member gets (the Members role)

    @property
    def everyone(self) -> Role:
        return next(r for r in self.roles if r.id == self.id)

    def channel(self, channel_id: int) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def channel_named(self, name: str) -> Channel:
        found = next((c for c in self.channels if c.name == name.lstrip("#")), None)
        if found is None:
            raise KeyError(f"the stand-in server has no channel named {name!r}")
        return found

    def member(self, user_id: int) -> Member | None:
        return next((m for m in self.members if m.user.id == user_id), None)

    def permissions_of(self, member: Member) -> int:
        """Server-level permissions: @everyone's and the member's roles'."""
        values = {r.id: r.permissions for r in self.roles}
        return base_permissions(
            owner=member.user.id == self.owner_id,
            everyone=self.everyone.permissions,
            roles=[values[r] for r in member.roles if r in values and r != self.id],
        )

    def permissions_in(self, member: Member, channel: Channel, *, with_implicit: bool = True) -> int:
        """The member's permissions in ``channel`` after its overwrites, as Discord computes them; a thread takes
        its parent channel's overwrites. ``with_implicit=False``: before the implicit denials, as interactions carry
        them (Discord's docs: "This does not include implicit permissions, which may need to be checked
        separately")."""
        source = channel
        if channel.is_thread and channel.parent_id is not None:
            source = self.channel(channel.parent_id) or channel
        value = apply_overwrites(
            self.permissions_of(member),
            guild_id=self.id,
            user_id=member.user.id,
            role_ids=member.roles,
            overwrites=source.overwrites,
        )
        return implicit(value, thread=channel.is_thread) if with_implicit else value

    def set_overwrite(self, channel: Channel, target: Role | User, *, allow: int = 0, deny: int = 0) -> Overwrite:
        """Give ``channel`` an overwrite for a role or a member (replacing theirs); allow and deny both 0 removes it."""
        kind = MEMBER if isinstance(target, User) else ROLE
        channel.overwrites = [o for o in channel.overwrites if (o.type, o.id) != (kind, target.id)]
        overwrite = Overwrite(target.id, kind, allow, deny)
        if allow or deny:
            channel.overwrites.append(overwrite)
        return overwrite

    def role_named(self, name: str) -> Role:
        found = next((r for r in self.roles if r.name == name), None)
        if found is None:
            raise KeyError(f"the stand-in server has no role named {name!r}")
        return found

    def bot_role(self, bot: User) -> Role:
        """The role Discord made for ``bot`` when it was invited."""
        return next(r for r in self.roles if r.bot_id == bot.id)

    def member_payload(self, member: Member, *, permissions: int | None = None) -> dict:
        """A member as Discord sends it; in an interaction, with their ``permissions`` in its channel."""
        data = {
            "user": member.user.payload(),
            "roles": [str(r) for r in member.roles],
            "nick": None,
            "avatar": None,
            "joined_at": iso_now(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data

    def create_payload(self) -> dict:
        """The GUILD_CREATE event's data."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "roles": [r.payload() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "joined_at": iso_now(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "members": [self.member_payload(m) for m in self.members],
            "channels": [c.payload() for c in self.channels if c.type != ChannelType.PUBLIC_THREAD],
            "threads": [c.payload() for c in self.channels if c.type == ChannelType.PUBLIC_THREAD],
        }


@dataclass
class World:
    """Everything the stand-in pretends exists. ``demo()`` builds the server the tests and the playground use."""

    bot: User
    application_id: int
    guilds: list[Guild]
    moderator: User
    member: User

    @property
    def guild(self) -> Guild:
        return self.guilds[0]

    def add_member(self, name: str, *, guild: Guild | None = None, roles: list[int] | None = None) -> User:
        guild = guild or self.guild
        user = User(snowflake(), name)
        guild.members.append(Member(user, [*guild.default_roles, *(roles or [])]))
        return user

    def add_guild(self, name: str, *, guild_id: int | None = None) -> Guild:
        """Another server, with the bot and one text channel in it."""
        gid = guild_id or snowflake()
        bot_role = Role(snowflake(), self.bot.name, INVITE_PERMISSIONS, 1, bot_id=self.bot.id)
        guild = Guild(
            gid,
            name,
            owner_id=self.moderator.id,
            roles=[Role(gid, "@everyone", EVERYONE_PERMS), bot_role],
            channels=[Channel(snowflake(), "general", guild_id=gid)],
            members=[Member(self.bot, [bot_role.id]), Member(self.moderator)],
        )
        self.guilds.append(guild)
        return guild

    def add_guilds(self, count: int, prefix: str = "server") -> list[Guild]:
        """``count`` more servers (``add_guild``), with ids that spread evenly over any number of shards."""
        return [self.add_guild(f"{prefix}-{i}", guild_id=spread_snowflake(i)) for i in range(count)]

    def find_channel(self, channel_id: int) -> tuple[Guild, Channel] | None:
        for guild in self.guilds:
            channel = guild.channel(channel_id)
            if channel is not None:
                return guild, channel
        return None

    @classmethod
    def demo(cls, new_id: Callable[[], int] = snowflake) -> World:
        """The server the tests and the playground use: text channels, a thread, a voice channel and a forum; a
        bare @everyone with people in a Members role; the bot's own role holding exactly ``INVITE_PERMISSIONS``; and
        three channels whose overwrites stand in the bot's way: #read-only (it can read, not send), #hidden (it cannot
        see it; members can) and #no-threads (it cannot open threads there; its #no-threads-thread inherits that).

        Pass ``new_id`` (e.g. ``fixed_ids()``) for a server with the same ids on every run (the playground)."""
        gid = new_id()
        bot = User(new_id(), "strangers-bot", bot=True)
        owner = User(new_id(), "owner")
        moderator = User(new_id(), "moderator")
        member = User(new_id(), "member")
        mod_role = Role(new_id(), "Moderators", Perm.MANAGE_CHANNELS | Perm.MANAGE_MESSAGES | Perm.MANAGE_THREADS, 1)
        bot_role = Role(new_id(), "Strangers Bot", INVITE_PERMISSIONS, 2, bot_id=bot.id)
        category = Channel(new_id(), "film-talk", ChannelType.CATEGORY, guild_id=gid)
        general = Channel(new_id(), "general", parent_id=category.id, position=1, guild_id=gid)
        channels = [
            category,
            general,
            Channel(new_id(), "spoilers", parent_id=category.id, position=2, guild_id=gid),
            Channel(new_id(), "ending-talk", parent_id=category.id, position=3, guild_id=gid),
            Channel(new_id(), "general-thread", ChannelType.PUBLIC_THREAD, parent_id=general.id, guild_id=gid),
            Channel(new_id(), "watch-party", ChannelType.VOICE, position=4, guild_id=gid),
            Channel(new_id(), "theories-forum", ChannelType.FORUM, position=5, guild_id=gid),
        ]
        # Made after the rest so that the ids above stay what they were before these were added (the playground keeps
        # its settings and polls by id between runs).
        members_role = Role(new_id(), "Members", MEMBER_PERMS, 1)
        read_only = Channel(new_id(), "read-only", position=6, guild_id=gid)
        read_only.overwrites = [
            Overwrite(members_role.id, deny=Perm.SEND_MESSAGES),
            Overwrite(bot_role.id, deny=Perm.SEND_MESSAGES),
        ]
        hidden = Channel(new_id(), "hidden", position=7, guild_id=gid)
        hidden.overwrites = [Overwrite(bot_role.id, deny=Perm.VIEW_CHANNEL)]
        no_threads = Channel(new_id(), "no-threads", position=8, guild_id=gid)
        no_threads.overwrites = [Overwrite(bot_role.id, deny=Perm.CREATE_PUBLIC_THREADS)]
        no_threads_thread = Channel(
            new_id(), "no-threads-thread", ChannelType.PUBLIC_THREAD, parent_id=no_threads.id, guild_id=gid
        )
        channels += [read_only, hidden, no_threads, no_threads_thread]
        people = [members_role.id]
        guild = Guild(
            gid,
            "All of Us Strangers fans",
            owner_id=owner.id,
            roles=[Role(gid, "@everyone", 0), mod_role, bot_role, members_role],
            channels=channels,
            members=[
                Member(bot, [bot_role.id]),
                Member(owner, people),
                Member(moderator, [*people, mod_role.id]),
                Member(member, people),
            ],
            default_roles=people,
        )
        return cls(bot=bot, application_id=bot.id, guilds=[guild], moderator=moderator, member=member)
