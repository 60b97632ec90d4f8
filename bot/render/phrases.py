"""Small pieces of wording every feature uses: counted words, places, Discord timestamps, member text echoed back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .limits import shorten
from .markup import escape

ECHO_LIMIT = 60  # how much of a member's text is repeated back inside one of our sentences


def plural(count: int, word: str) -> str:
    """``1 vote``, ``3 votes``: a count with its word."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def stamp(moment: datetime, style: str = "f") -> str:
    """Discord's timestamp markup: every reader sees it in their own language and time zone (``R``: "in 3 hours")."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def channel(channel_id: int) -> str:
    """A channel as Discord shows it, by name (mention markup; the bot never pings)."""
    return f"<#{channel_id}>"


def member(user_id: int) -> str:
    return f"<@{user_id}>"


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """A member's text shown back inside our own sentence: one line, shortened, escaped (no markup, no pings)."""
    return escape(shorten(text, limit))


def either(options: Sequence[str]) -> str:
    """Names offered as alternatives: “a”, “b” or “c” (escaped: names may come from what a member typed)."""
    quoted = [f"“{escape(o)}”" for o in options]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
