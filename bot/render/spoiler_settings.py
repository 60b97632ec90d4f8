"""What the /spoilers commands say: settings, reasons and changes in words (pure, no discord).

Channels and members appear as mention markup (``<#id>``, ``<@id>``), which Discord shows as names and which never
pings (the bot sends every message with no allowed mentions), so no user-written text is ever echoed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..models import Kind, Level, Place, Policy, SettingChange, Source, Style
from .phrases import channel as mention
from .phrases import member, stamp

# (value, the name members see in Discord's option picker); names stay under Discord's 100 characters.
LEVEL_CHOICES: tuple[tuple[str, str], ...] = (
    (Level.NONE.label, "None: no spoilers shown plainly"),
    (Level.PLOT.label, "Plot: the story, but not the ending"),
    (Level.ENDING.label, "Ending: everything, the ending included"),
)
STYLE_CHOICES: tuple[tuple[str, str], ...] = (
    (Style.WRAP.value, "Wrap: hide spoilers inside spoiler bars (click to reveal)"),
    (Style.PRIVATE.value, "Private: leave spoilers out; a button shows them privately"),
)

_SHOWS = {
    Level.NONE: "nothing about the plot or the ending",
    Level.PLOT: "the plot, but not the ending",
    Level.ENDING: "everything, the ending included",
}
_HIDES = {
    Style.WRAP: "Anything beyond that is hidden inside spoiler bars: click to reveal.",
    Style.PRIVATE: (
        "Anything beyond that is left out of the public answer; a “Reveal to me” button shows it privately to "
        "whoever presses it."
    ),
}


def setting(policy: Policy) -> str:
    """A setting in a few words: ``**plot**, wrap``."""
    return f"**{policy.allowed.label}**, {policy.style.value}"


def label_text(label: str | None) -> str:
    """A setting as the change log keeps it (``plot/wrap``, or None for no own setting), in words."""
    if label is None:
        return "no own setting"
    allowed, _, style = label.partition("/")
    return f"{allowed}, {style}" if style else allowed


def shows(policy: Policy) -> str:
    """What a policy lets answers show plainly, and what happens to the rest."""
    text = f"It shows {_SHOWS[policy.allowed]} plainly."
    if policy.allowed is Level.ENDING:
        return text + " Nothing is hidden."
    return f"{text} {_HIDES[policy.style]}"


def kind_note(place: Place) -> str | None:
    if place.kind is Kind.VOICE:
        return "This is a voice channel: the setting applies to the text chat inside it."
    if place.kind is Kind.FORUM:
        return "This is a forum: the setting applies to every post in it, unless a post has its own."
    if place.kind is Kind.POST:
        return "This is a forum post: it follows its forum unless it has its own setting."
    return None


def source_text(place: Place, policy: Policy) -> str:
    """Why a place has the policy it has."""
    what = {Kind.THREAD: "thread", Kind.POST: "post", Kind.FORUM: "forum"}.get(place.kind, "channel")
    if policy.source is Source.CHANNEL:
        return f"Why: this {what} has its own setting."
    if policy.source is Source.PARENT and place.parent_id is not None:
        parent = "forum" if place.kind is Kind.POST else "channel"
        return f"Why: a {what} follows its {parent}, and {mention(place.parent_id)} has its own setting."
    if place.kind.follows_parent and place.parent_id is not None:
        return (
            f"Why: neither this {what} nor {mention(place.parent_id)} has its own setting, "
            "so the server default applies."
        )
    return f"Why: this {what} has no own setting, so the server default applies."


def explain(place: Place, policy: Policy) -> list[str]:
    """The answer of `/spoilers show`: what a place allows, what happens to the rest, and why."""
    lines = [f"{place.mention} allows {setting(policy)}.", shows(policy), source_text(place, policy)]
    note = kind_note(place)
    if note:
        lines.append(note)
    return lines


def origin(place: Place, policy: Policy) -> str:
    """Where a resolved policy comes from, in a few words."""
    if policy.source is Source.CHANNEL:
        return "its own setting"
    if policy.source is Source.PARENT and place.parent_id is not None:
        return f"from {mention(place.parent_id)}"
    return "the server default"


def set_text(place: Place, new: Policy, before: Policy) -> list[str]:
    """The confirmation of `/spoilers set`; ``before`` is the policy that applied until now (resolved)."""
    lines = [f"{place.mention} now allows {setting(new)}.", shows(new)]
    lines.append(f"Before: {setting(before)} ({origin(place, before)}).")
    note = kind_note(place)
    if note:
        lines.append(note)
    return lines


def reset_text(place: Place, old: Policy, now: Policy) -> list[str]:
    """The confirmation of `/spoilers reset`; ``now`` is what applies after it (resolved)."""
    return [
        f"{place.mention} no longer has its own setting (it was {setting(old)}).",
        f"It now follows {_follows(place, now)}: {setting(now)}.",
        shows(now),
    ]


def _follows(place: Place, policy: Policy) -> str:
    if policy.source is Source.PARENT and place.parent_id is not None:
        return mention(place.parent_id)
    return "the server default"


def default_text(new: Policy, old: Policy, own_settings: int) -> list[str]:
    """The confirmation of `/spoilers default`."""
    lines = [f"The server default is now {setting(new)} (it was {setting(old)}).", shows(new)]
    if own_settings:
        plural = "channel keeps its" if own_settings == 1 else "channels keep their"
        lines.append(f"{own_settings} {plural} own setting: `/spoilers list` shows them.")
    else:
        lines.append("No channel has its own setting, so this applies everywhere.")
    return lines


def setting_line(channel_id: int, policy: Policy, place: Place | None) -> str:
    """A line of `/spoilers list`; ``place`` is None when the channel cannot be found any more."""
    if place is None:
        return f"channel {channel_id} (not found: deleted while the bot was away, or an archived thread): " + setting(
            policy
        )
    where = {Kind.VOICE: " (its chat)", Kind.FORUM: " (its posts)"}.get(place.kind, "")
    return f"{place.mention}{where}: {setting(policy)}"


def change_line(
    channel_id: int | None, actor_id: int, old: str | None, new: str | None, when: datetime, *, bot_id: int
) -> str:
    """A line of the change log in `/spoilers list`: when, who, where, and from what to what."""
    where = "server default" if channel_id is None else mention(channel_id)
    if new is None and actor_id == bot_id:
        change = f"{label_text(old)} → removed, the channel was deleted"
    elif new is None:
        change = f"{label_text(old)} → reset (no own setting)"
    else:
        change = f"{label_text(old)} → {label_text(new)}"
    return f"{stamp(when, 'R')} {member(actor_id)} {where}: {change}"


def already_set(place: Place, policy: Policy) -> list[str]:
    return [f"{place.mention} already has {setting(policy)} as its own setting."]


def default_unchanged(policy: Policy) -> list[str]:
    return [f"The server default is already {setting(policy)}."]


def nothing_to_reset(place: Place, policy: Policy) -> list[str]:
    return [f"{place.mention} has no own setting, so there is nothing to reset.", *explain(place, policy)[:3]]


def list_text(
    default: Policy,
    settings: Sequence[tuple[int, Policy, Place | None]],
    changes: Sequence[SettingChange],
    *,
    shown: int,
    bot_id: int,
) -> list[str]:
    """The answer of `/spoilers list`: the default, each own setting (sidebar order), the last changes."""
    lines = [f"**Server default:** {setting(default)}", "**Channels with their own setting**"]
    lines += [setting_line(channel_id, policy, place) for channel_id, policy, place in settings]
    if not settings:
        lines.append("None: every channel follows the server default (threads follow their channel).")
    lines.append(f"**Last changes** (newest first, up to {shown})")
    lines += [change_line(c.channel_id, c.actor_id, c.old, c.new, c.changed_at, bot_id=bot_id) for c in changes]
    if not changes:
        lines.append("No changes yet.")
    return lines
