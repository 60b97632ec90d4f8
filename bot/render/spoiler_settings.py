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
    Level.NONE: "nothing past the premise plainly",
    Level.PLOT: "the story plainly, but not the ending",
    Level.ENDING: "everything plainly, the ending included",
}
NO_OWN_SETTING = "no setting of its own"


def in_words(policy: Policy) -> str:
    """What a setting does, as a member reads it: ``shows nothing past the premise plainly; spoilers are wrapped in
    bars (click to read)``."""
    shows = f"shows {_SHOWS[policy.allowed]}"
    if policy.allowed is Level.ENDING:
        return shows
    rest, them = ("spoilers are", "them") if policy.allowed is Level.NONE else ("the ending is", "it")
    if policy.style is Style.PRIVATE:
        return f"{shows}; {rest} left out, and a “Reveal to me” button shows {them} only to whoever presses it"
    return f"{shows}; {rest} wrapped in bars (click to read)"


def setting(policy: Policy) -> str:
    """A setting by the names moderators choose in `/spoilers set`: ``**plot**, wrap``."""
    return f"**{policy.allowed.label}**, {policy.style.value}"


def label_text(label: str | None) -> str:
    """A setting as the change log keeps it (``plot/wrap``, or None for no setting of its own), in words."""
    if label is None:
        return NO_OWN_SETTING
    allowed, _, style = label.partition("/")
    return f"{allowed}, {style}" if style else allowed


def shows(policy: Policy) -> str:
    """What a policy lets answers show plainly, and what happens to the rest, as a sentence."""
    return f"It {in_words(policy)}."


def kind_note(place: Place) -> str | None:
    if place.kind is Kind.VOICE:
        return "This is a voice channel: the setting applies to the text chat inside it."
    if place.kind is Kind.FORUM:
        return "This is a forum: the setting applies to every post in it, unless a post has its own."
    if place.kind is Kind.POST:
        return "This is a forum post: it follows its forum unless it has its own setting."
    return None


def source_text(place: Place, policy: Policy) -> str:
    """Why a place has the policy it has, with the setting by its names (``**plot**, wrap``)."""
    what = {Kind.THREAD: "thread", Kind.POST: "post", Kind.FORUM: "forum"}.get(place.kind, "channel")
    named = setting(policy)
    if policy.source is Source.CHANNEL:
        return f"Why: this {what} has its own setting ({named})."
    if policy.source is Source.PARENT and place.parent_id is not None:
        parent = "forum" if place.kind is Kind.POST else "channel"
        return f"Why: a {what} follows its {parent}, and {mention(place.parent_id)} has its own setting ({named})."
    if place.kind.follows_parent and place.parent_id is not None:
        return (
            f"Why: neither this {what} nor {mention(place.parent_id)} has a setting of its own, "
            f"so the server default applies ({named})."
        )
    return f"Why: this {what} has {NO_OWN_SETTING}, so the server default applies ({named})."


def explain(place: Place, policy: Policy) -> list[str]:
    """The answer of `/spoilers show`: what a place shows plainly, what happens to the rest, and why."""
    lines = [f"{place.mention} {in_words(policy)}.", source_text(place, policy)]
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
    lines = [f"{place.mention} now {in_words(new)} ({setting(new)})."]
    lines.append(f"Before: {setting(before)} ({origin(place, before)}).")
    note = kind_note(place)
    if note:
        lines.append(note)
    return lines


def reset_text(place: Place, old: Policy, now: Policy) -> list[str]:
    """The confirmation of `/spoilers reset`; ``now`` is what applies after it (resolved)."""
    return [
        f"{place.mention} no longer has a setting of its own (it was {setting(old)}).",
        f"It now follows {_follows(place, now)}: {setting(now)}.",
        shows(now),
    ]


def _follows(place: Place, policy: Policy) -> str:
    if policy.source is Source.PARENT and place.parent_id is not None:
        return mention(place.parent_id)
    return "the server default"


def default_text(new: Policy, old: Policy, own_settings: int) -> list[str]:
    """The confirmation of `/spoilers default`."""
    lines = [
        f"The server default is now {setting(new)} (it was {setting(old)}).",
        f"Every channel without a setting of its own {in_words(new)}.",
    ]
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
        change = f"{label_text(old)} → reset ({NO_OWN_SETTING})"
    else:
        change = f"{label_text(old)} → {label_text(new)}"
    return f"{stamp(when, 'R')} {member(actor_id)} {where}: {change}"


def already_set(place: Place, policy: Policy) -> list[str]:
    return [f"{place.mention} already has {setting(policy)} as its own setting."]


def default_unchanged(policy: Policy) -> list[str]:
    return [f"The server default is already {setting(policy)}."]


def nothing_to_reset(place: Place, policy: Policy) -> list[str]:
    return [f"{place.mention} has {NO_OWN_SETTING}, so there is nothing to reset.", *explain(place, policy)[:2]]


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
