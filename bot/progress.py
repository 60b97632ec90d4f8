"""How far a member has watched, and what that lets them read in answers only they see (pure, discord-free).

The mapping, in one place:

- not seen it: ``none`` (the premise only);
- part way, up to moment N: the highest level among moments 1..N, and text about a moment after N stays hidden
  whatever its level (the moment's position travels with its text); part way without a moment: ``none``, since we
  do not know how far;
- seen it all: ``ending``.

A member's progress only ever raises what a private answer shows: the channel's own level still applies when it is
higher, and public answers follow the channel alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Level, Moment, Policy, Progress, Watched
from .search import fold

WATCHED_NAMES = {Watched.NOT_SEEN: "not seen it", Watched.PART_WAY: "part way", Watched.SEEN_ALL: "seen it all"}


def moment_safe_name(moment: Moment) -> str:
    """A moment's name for a member who may not have seen it (the progress picker): its title only when the title
    gives nothing away (its ``title_spoiler`` is none), else its spoiler-free form ("Moment 20 (ending)")."""
    if moment.title_spoiler > Level.NONE:
        return moment.safe_name
    return f"{moment.position}. {moment.title}"


def moment_value(moment: Moment) -> str:
    """What picking a moment sends: its id where its name is shown, else its number (an id such as
    "the-power-of-love" says as much as the title)."""
    return moment.id if moment.title_spoiler is Level.NONE else str(moment.position)


def seen_level(progress: Progress | None, moments: Sequence[Moment]) -> Level | None:
    """The level a member's progress lets them read plainly; None without progress (nothing changes)."""
    if progress is None:
        return None
    if progress.watched is Watched.SEEN_ALL:
        return Level.ENDING
    if progress.watched is Watched.PART_WAY and progress.moment_id is not None:
        last = next((m for m in moments if m.id == progress.moment_id), None)
        if last is not None:
            return max((m.spoiler for m in moments if m.position <= last.position), default=Level.NONE)
    return Level.NONE


def seen_moment(progress: Progress | None, moments: Sequence[Moment]) -> int | None:
    """The position of the last moment a member part way has seen (None: no such limit)."""
    if progress is None or progress.watched is not Watched.PART_WAY:
        return None
    last = next((m for m in moments if m.id == progress.moment_id), None)
    return last.position if last is not None else None


def reader_policy(channel: Policy, seen: Level | None, horizon: int | None = None) -> Policy:
    """What an answer only this member reads may show: the channel's level or their progress, whichever is higher.

    When their progress wins and they are part way, text about a moment after theirs stays hidden too (``horizon``).
    """
    if seen is None or seen <= channel.allowed:
        return channel
    return Policy(seen, channel.style, channel.source, horizon)


def filter_progress_moments(moments: Sequence[Moment], typed: str) -> list[Moment]:
    """Moments whose spoiler-free name matches what was typed, in film order.

    Only the name shown is matched (never a summary or a hidden title), so typing "ghost" or "dead" reveals
    nothing about which moment is which.
    """
    words = fold(typed).split()
    return [m for m in moments if all(w in fold(moment_safe_name(m)) for w in words)]
