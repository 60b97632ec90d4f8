"""Every limit on what one member can make the bot do, in one place (pure: no discord, no store).

Writes are rate-limited per member (a sliding window: so many in so long, refused with how long to wait) and the
review queue is capped per member and per server; heavy commands (/ask and "Ask about this": a full-text search)
are limited to a few at once per member, so that one member's flood waits on itself and not on everyone else.
The README's "Limits" table lists these values; a refusal is a ``UserError``, answered privately, and nothing changed.

Discord's own deadlines for an interaction are here too: the bot must acknowledge it within 3 seconds and may follow
up for 15 minutes; past either, Discord has forgotten the interaction and answering it only adds load.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .errors import UserError
from .render import errors

# -- the limits (the README's table) -------------------------------------------------------------------------------

SUGGESTIONS = 3  # /theory suggest: at most this many per member and server ...
SUGGESTIONS_WINDOW = timedelta(minutes=10)  # ... in any window this long
POLLS = 6  # /theory poll: at most this many opened per moderator and server ...
POLLS_WINDOW = timedelta(hours=1)  # ... in any window this long
WAITING_PER_MEMBER = 5  # suggestions of one member waiting for review in a server
WAITING_PER_SERVER = 50  # suggestions waiting for review in a server, from everyone
HEAVY_AT_ONCE = 2  # heavy commands (a search) one member may have in progress at once

# -- Discord's deadlines -------------------------------------------------------------------------------------------

ANSWER_WITHIN = timedelta(seconds=3)  # the first response (a message, an update, or a deferral)
FOLLOW_UP_WITHIN = timedelta(minutes=15)  # edits and follow-ups through the interaction's token

Key = tuple[int, int]  # (server, member)
SWEEP_AT = 10_000  # keys kept before the stale ones are swept out


@dataclass
class Rate:
    """At most ``times`` actions per key in any window of ``per``; ``refusal`` words the wait (in seconds)."""

    times: int
    per: timedelta
    refusal: Callable[[float], str]
    _taken: dict[Key, deque[datetime]] = field(default_factory=dict, repr=False)

    def take(self, key: Key, now: datetime) -> datetime:
        """Count one action now, or refuse it (``UserError``) saying how long to wait; returns the stamp counted,
        which ``give_back`` returns if the action did not happen after all."""
        stamps = self._current(key, now)
        if len(stamps) >= self.times:
            raise UserError(self.refusal((stamps[0] + self.per - now).total_seconds()))
        stamps.append(now)
        return now

    def give_back(self, key: Key, stamp: datetime) -> None:
        stamps = self._taken.get(key)
        if stamps is not None and stamp in stamps:
            stamps.remove(stamp)

    def _current(self, key: Key, now: datetime) -> deque[datetime]:
        if len(self._taken) > SWEEP_AT:
            self._sweep(now)
        stamps = self._taken.setdefault(key, deque())
        while stamps and stamps[0] <= now - self.per:
            stamps.popleft()
        return stamps

    def _sweep(self, now: datetime) -> None:
        stale = [k for k, stamps in self._taken.items() if not stamps or stamps[-1] <= now - self.per]
        for key in stale:
            del self._taken[key]


@dataclass
class Gate:
    """At most ``at_once`` heavy commands in progress per member; the rest are refused at once (cheaply)."""

    at_once: int
    refusal: Callable[[int], str]
    _running: dict[int, int] = field(default_factory=dict, repr=False)

    @contextmanager
    def slot(self, member: int) -> Iterator[None]:
        running = self._running.get(member, 0)
        if running >= self.at_once:
            raise UserError(self.refusal(running))
        self._running[member] = running + 1
        try:
            yield
        finally:
            left = self._running[member] - 1
            if left:
                self._running[member] = left
            else:
                del self._running[member]

    def running(self, member: int) -> int:
        return self._running.get(member, 0)


@dataclass
class Limits:
    """The bot's limits and what they counted (one per bot: ``StrangersBot.limits``)."""

    suggestions: Rate = field(
        default_factory=lambda: Rate(SUGGESTIONS, SUGGESTIONS_WINDOW, errors.suggesting_too_fast(SUGGESTIONS))
    )
    polls: Rate = field(default_factory=lambda: Rate(POLLS, POLLS_WINDOW, errors.polling_too_fast(POLLS)))
    heavy: Gate = field(default_factory=lambda: Gate(HEAVY_AT_ONCE, errors.still_answering))
    waiting_per_member: int = WAITING_PER_MEMBER
    waiting_per_server: int = WAITING_PER_SERVER
    expired: int = 0  # interactions that expired before the bot answered them (not answered, logged once)
    refused_heavy: int = 0  # heavy commands refused because the member had enough in progress


def waiting_refusal(mine: int, everyone: int, limits: Limits) -> str | None:
    """Why another suggestion can't wait for review now (the member's own cap first), or None if it can."""
    if mine >= limits.waiting_per_member:
        return errors.too_many_waiting_of_yours(limits.waiting_per_member)
    if everyone >= limits.waiting_per_server:
        return errors.too_many_waiting_here(limits.waiting_per_server)
    return None
