"""The bot's own permissions: what it needs in a channel to keep a promise, what it lacks there, and why Discord
refused a call (pure: permission integers and Discord's error codes in, plain values out; wording is in
``bot.render.errors``).

Answers to interactions (replies, follow-ups, button updates, "Reveal to me") need no channel permission at all:
Discord delivers them through the interaction, even in a channel the bot cannot see. Only what the bot does later,
on its own, needs the channel: editing a poll's message when it closes, and opening a discussion thread on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Need:
    """One permission: its bit (Discord's API), its attribute on ``discord.Permissions``, its name in the client."""

    bit: int
    flag: str
    label: str

    def held(self, permissions: int) -> bool:
        return bool(permissions & self.bit)


VIEW_CHANNEL = Need(1 << 10, "view_channel", "View Channel")
SEND_MESSAGES = Need(1 << 11, "send_messages", "Send Messages")
EMBED_LINKS = Need(1 << 14, "embed_links", "Embed Links")
ATTACH_FILES = Need(1 << 15, "attach_files", "Attach Files")
READ_MESSAGE_HISTORY = Need(1 << 16, "read_message_history", "Read Message History")
MANAGE_MESSAGES = Need(1 << 13, "manage_messages", "Manage Messages")  # "Hide spoilers" removes the original
CREATE_PUBLIC_THREADS = Need(1 << 35, "create_public_threads", "Create Public Threads")
SEND_MESSAGES_IN_THREADS = Need(1 << 38, "send_messages_in_threads", "Send Messages in Threads")

# What the README's invite link asks for, and nothing more: its permissions integer is INVITE.
INVITED_WITH = (
    VIEW_CHANNEL,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    CREATE_PUBLIC_THREADS,
    EMBED_LINKS,
    ATTACH_FILES,
    READ_MESSAGE_HISTORY,
    MANAGE_MESSAGES,
)
INVITE = sum(need.bit for need in INVITED_WITH)


class Job(Enum):
    """Something the bot promises to do later in a channel, on its own."""

    UPDATE_POLL = "show a poll's final results on its message when it closes"
    OPEN_THREAD = "open a discussion thread on a poll"


def needs(job: Job, *, in_thread: bool) -> tuple[Need, ...]:
    """What ``job`` needs in a channel (a thread takes its parent channel's overwrites).

    Editing a message's embeds needs Embed Links, which Discord ignores where the bot cannot send messages at all
    (its "implicit permissions"): so Send Messages too, or Send Messages in Threads in a thread."""
    if job is Job.OPEN_THREAD:  # a thread started from the poll's message, which the bot must be able to read
        return (VIEW_CHANNEL, READ_MESSAGE_HISTORY, CREATE_PUBLIC_THREADS)
    return (VIEW_CHANNEL, SEND_MESSAGES_IN_THREADS if in_thread else SEND_MESSAGES, EMBED_LINKS)


def missing(permissions: int, job: Job, *, in_thread: bool) -> tuple[Need, ...]:
    """What ``job`` needs that ``permissions`` (an interaction's ``app_permissions``, or the bot's permissions in the
    channel) lack; empty when the bot can keep its promise."""
    return tuple(need for need in needs(job, in_thread=in_thread) if not need.held(permissions))


@dataclass(frozen=True)
class Shortfall:
    """What the bot lacks in a channel, and where a moderator grants it."""

    channel_id: int
    missing: tuple[Need, ...]
    parent_id: int | None = None  # a thread takes its parent channel's permissions: they are granted there
    named: bool = False  # an overwrite for the bot itself (not its role) denies some of it: granting the role won't do

    def __bool__(self) -> bool:
        return bool(self.missing)

    @property
    def cannot_see(self) -> bool:
        return VIEW_CHANNEL in self.missing


class Refusal(Enum):
    """Why Discord refused a call on a channel or a message, as a moderator can act on it."""

    MISSING_ACCESS = "Missing Access"  # 403, 50001: the bot cannot see the channel (or read its history)
    MISSING_PERMISSIONS = "Missing Permissions"  # 403, 50013: it sees the channel but lacks a permission there
    MESSAGE_DELETED = "Unknown Message"  # 404, 10008
    CHANNEL_DELETED = "Unknown Channel"  # 404, 10003
    OTHER = "other"  # anything else: trouble on Discord's side, a rate limit given up on

    @property
    def about_permissions(self) -> bool:
        return self in (Refusal.MISSING_ACCESS, Refusal.MISSING_PERMISSIONS)


CODES = {
    (403, 50001): Refusal.MISSING_ACCESS,
    (403, 50013): Refusal.MISSING_PERMISSIONS,
    (404, 10008): Refusal.MESSAGE_DELETED,
    (404, 10003): Refusal.CHANNEL_DELETED,
}


def refusal(status: int, code: int) -> Refusal:
    """The real cause of a refused call, from Discord's HTTP status and JSON error code."""
    return CODES.get((status, code), Refusal.OTHER)
