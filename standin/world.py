"""The pretend Discord the stand-in serves: users, a server with roles, channels and members, and snowflakes."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum

DISCORD_EPOCH_MS = 1_420_070_400_000
_counter = itertools.count()


def snowflake() -> int:
    """A new id shaped like Discord's: milliseconds since 2015 in the high bits, a counter in the low ones."""
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(_counter) & 0x3FFFFF)


def fixed_ids(start: int = 1_180_000_000_000_000_000) -> Callable[[], int]:
    """Ids that are the same on every run: for a demo server whose settings and polls persist between runs."""
    counter: Iterator[int] = itertools.count(start)
    return lambda: next(counter)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


class Perm(IntEnum):
    """The permission bits the bot and its tests care about (values from Discord's API)."""

    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38


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
ALL_PERMS = (1 << 51) - 1
# What the bot asks for when invited (the README's invite link): View Channels, Send Messages, Send Messages in
# Threads, Create Public Threads, Embed Links, Read Message History, and Manage Messages for "Hide spoilers".
INVITE_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.EMBED_LINKS
    | Perm.READ_MESSAGE_HISTORY
    | Perm.MANAGE_MESSAGES
)


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

    def payload(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }


@dataclass
class Channel:
    id: int
    name: str
    type: ChannelType = ChannelType.TEXT
    parent_id: int | None = None
    position: int = 0
    guild_id: int = 0

    def payload(self) -> dict:
        data: dict = {
            "id": str(self.id),
            "name": self.name,
            "type": int(self.type),
            "position": self.position,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [],
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
        if member.user.id == self.owner_id:
            return ALL_PERMS
        value = self.everyone.permissions
        for role in self.roles:
            if role.id in member.roles:
                value |= role.permissions
        return ALL_PERMS if value & Perm.ADMINISTRATOR else value

    def member_payload(self, member: Member, *, with_permissions: bool = False) -> dict:
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
        if with_permissions:
            data["permissions"] = str(self.permissions_of(member))
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
        guild.members.append(Member(user, list(roles or [])))
        return user

    def add_guild(self, name: str) -> Guild:
        """Another server, with the bot and one text channel in it."""
        gid = snowflake()
        guild = Guild(
            gid,
            name,
            owner_id=self.moderator.id,
            roles=[Role(gid, "@everyone", EVERYONE_PERMS)],
            channels=[Channel(snowflake(), "general", guild_id=gid)],
            members=[Member(self.bot), Member(self.moderator)],
        )
        self.guilds.append(guild)
        return guild

    def find_channel(self, channel_id: int) -> tuple[Guild, Channel] | None:
        for guild in self.guilds:
            channel = guild.channel(channel_id)
            if channel is not None:
                return guild, channel
        return None

    @classmethod
    def demo(cls, new_id: Callable[[], int] = snowflake) -> World:
        """Pass ``new_id`` (e.g. ``fixed_ids()``) for a server with the same ids on every run (the playground)."""
        gid = new_id()
        bot = User(new_id(), "strangers-bot", bot=True)
        owner = User(new_id(), "owner")
        moderator = User(new_id(), "moderator")
        member = User(new_id(), "member")
        mod_role = Role(new_id(), "Moderators", Perm.MANAGE_CHANNELS | Perm.MANAGE_MESSAGES | Perm.MANAGE_THREADS, 1)
        bot_role = Role(new_id(), "Strangers Bot", INVITE_PERMISSIONS, 2)
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
        guild = Guild(
            gid,
            "All of Us Strangers fans",
            owner_id=owner.id,
            roles=[Role(gid, "@everyone", EVERYONE_PERMS), mod_role, bot_role],
            channels=channels,
            members=[Member(bot, [bot_role.id]), Member(owner), Member(moderator, [mod_role.id]), Member(member)],
        )
        return cls(bot=bot, application_id=bot.id, guilds=[guild], moderator=moderator, member=member)
