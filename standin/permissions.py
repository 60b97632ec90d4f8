"""Discord's permission arithmetic, as its API documentation ("Permissions" topic) lays it out: pure functions of
integers, no server state.

1. Base permissions: the server owner has all; otherwise @everyone's permissions OR the member's roles'; Administrator
   means all.
2. Channel overwrites, in this order: @everyone's deny then allow; every role of the member's denies together, then
   their allows together; the member's own deny then allow. Administrator bypasses them.
3. Implicit permissions: without View Channel nothing else in the channel counts; without the permission to send
   (Send Messages in a channel, Send Messages in Threads in a thread) the ones that only shape a message (embeds,
   files, text-to-speech, @everyone) do not count either.
4. Threads have no overwrites of their own: they take their parent channel's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class Perm(IntEnum):
    """The permission bits the stand-in computes with and checks (values from Discord's API)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38


ALL_PERMS = (1 << 51) - 1
NONE = 0

# What only shapes a message: ignored where the member cannot send at all (Discord's "implicit permissions").
SHAPES_A_MESSAGE = Perm.SEND_TTS_MESSAGES | Perm.EMBED_LINKS | Perm.ATTACH_FILES | Perm.MENTION_EVERYONE

ROLE, MEMBER = 0, 1  # an overwrite's type


@dataclass(frozen=True)
class Overwrite:
    """One channel overwrite: for a role (``@everyone`` is the role whose id is the server's) or for one member."""

    id: int
    type: int = ROLE
    allow: int = NONE
    deny: int = NONE

    def payload(self) -> dict:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


def base_permissions(*, owner: bool, everyone: int, roles: Iterable[int]) -> int:
    """Server-level permissions: ``everyone`` is @everyone's value, ``roles`` the values of the member's other roles."""
    if owner:
        return ALL_PERMS
    value = everyone
    for role in roles:
        value |= role
    return ALL_PERMS if value & Perm.ADMINISTRATOR else value


def apply_overwrites(
    base: int, *, guild_id: int, user_id: int, role_ids: Iterable[int], overwrites: Iterable[Overwrite]
) -> int:
    """``base`` after a channel's overwrites, in Discord's order (Administrator bypasses them all)."""
    if base & Perm.ADMINISTRATOR:
        return ALL_PERMS
    by_target = {(o.type, o.id): o for o in overwrites}
    value = base
    everyone = by_target.get((ROLE, guild_id))
    if everyone is not None:
        value = (value & ~everyone.deny) | everyone.allow
    allow = deny = NONE
    for role_id in role_ids:
        overwrite = by_target.get((ROLE, role_id))
        if overwrite is not None and role_id != guild_id:
            allow |= overwrite.allow
            deny |= overwrite.deny
    value = (value & ~deny) | allow
    member = by_target.get((MEMBER, user_id))
    if member is not None:
        value = (value & ~member.deny) | member.allow
    return value


def implicit(value: int, *, thread: bool = False) -> int:
    """What is left once the permissions that depend on others are dropped: nothing without View Channel; nothing
    that shapes a message without the permission to send one (Send Messages in Threads, in a thread)."""
    if value == ALL_PERMS:  # the owner and Administrator
        return value
    if not value & Perm.VIEW_CHANNEL:
        return NONE
    sends = Perm.SEND_MESSAGES_IN_THREADS if thread else Perm.SEND_MESSAGES
    if not value & sends:
        value &= ~SHAPES_A_MESSAGE
    return value


def names(value: int) -> list[str]:
    """The named bits set in ``value``, for messages in tests and refusals."""
    return [p.name for p in Perm if value & p]
