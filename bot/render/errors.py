"""Refusals and apologies: every sentence a member reads when the bot says no or something went wrong (pure).

Member text quoted back goes through ``phrases.echo`` (shortened and escaped), so it can never render as markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from ..models import Character
from ..permissions import Refusal, Shortfall
from ..search import character_label
from .phrases import channel, echo, either, plural

if TYPE_CHECKING:
    from ..resolve import Resolution, Topic

T = TypeVar("T")

LISTED = 5  # rows named in an ambiguity list; the rest are counted

# -- general ------------------------------------------------------------------------------------------------------

SORRY = "Something went wrong on our side while answering that. It has been logged; please try again in a moment."
MODERATORS_ONLY = "Only moderators (members who can Manage Channels) can use this."
SERVER_ONLY = "This only works inside a server the bot is in."
NOT_ALLOWED_HERE = "You can't use this command here."
NOT_A_CHOICE = "That isn't one of the values this option accepts. Please pick one from the list Discord offers."
UNAVAILABLE = "This part of the bot is not available right now; please try again in a moment."
ANSWER_GONE = "That answer is no longer available (the film's facts have changed since). Ask again?"

# -- buttons --------------------------------------------------------------------------------------------------------

BROKEN_BUTTON = "That button doesn't work: it isn't one this bot made, or it has been altered. Nothing was changed."
OTHER_SERVER = "That button belongs to another server, so it can't be used here. Nothing was changed."
NOT_THIS_POLL = (
    "That button doesn't belong to the poll on this message, so nothing was counted. Use the poll's own buttons."
)
POLL_NOT_READY = "This poll is still being posted; please press again in a moment."


def bad_character(what: str, problem: str, position: int) -> str:
    """A member's text holds a character that can't be stored or shown safely (see ``bot.member_text``)."""
    return f"Your {what} contains {problem} at character {position}. Please type it again without it."


def too_long(what: str, limit: int, length: int) -> str:
    return f"Please keep the {what} to {limit} characters or fewer (yours has {length})."


def empty(what: str) -> str:
    return f"The {what} is empty: please type something."


def missing_permissions(permissions: Sequence[str]) -> str:
    """Discord's own permission checks, in words (our moderator check says ``MODERATORS_ONLY``)."""
    return "Only members who can " + " and ".join(p.replace("_", " ").title() for p in permissions) + " can use this."


def slow_down(seconds: float) -> str:
    return f"Slow down a little: try again in {seconds:.0f} seconds."


# -- limits on writes and on heavy commands (the numbers live in bot.limits) ----------------------------------------


def wait_words(seconds: float) -> str:
    """A wait in words, rounded up: "1 second", "40 seconds", "3 minutes"."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return plural(whole, "second")
    return plural(math.ceil(whole / 60), "minute")


def suggesting_too_fast(times: int) -> Callable[[float], str]:
    def refusal(seconds: float) -> str:
        return (
            f"You have suggested {times} theories in a short while, the most one member can. "
            f"You can suggest another in {wait_words(seconds)}. Nothing was saved."
        )

    return refusal


def polling_too_fast(times: int) -> Callable[[float], str]:
    def refusal(seconds: float) -> str:
        return (
            f"You have opened {times} polls here within the hour, the most one moderator can. "
            f"You can open another in {wait_words(seconds)}. No poll was opened."
        )

    return refusal


def too_many_waiting_of_yours(cap: int) -> str:
    return (
        f"You already have {cap} suggestions waiting for the moderators' review, the most one member can have. "
        "You can suggest more once some of them are reviewed. Nothing was saved."
    )


def too_many_waiting_here(cap: int) -> str:
    return (
        f"This server already has {cap} suggestions waiting for the moderators' review, the most it can hold. "
        "Please suggest yours once some of them are reviewed. Nothing was saved."
    )


def still_answering(running: int) -> str:
    questions = "question" if running == 1 else f"{running} questions"
    return f"I'm still answering your {questions}; please wait for the answer before asking more."


# -- /plot, /character, /ask --------------------------------------------------------------------------------------

EMPTY_QUESTION = "Your question is empty. Ask me something about the film, like “who plays Harry?”"


def question_too_long(limit: int, length: int) -> str:
    return (
        f"Please keep questions to {limit} characters (yours has {length}). "
        "A few words are enough, like “what song plays at the end?”"
    )


def _did_you_mean(suggestions: Sequence[str]) -> str:
    return f" Did you mean {either(suggestions)}?" if suggestions else ""


def could_mean(names: Sequence[str]) -> str:
    """Rows a typed value could mean, named for the member to choose from: “a”, “b” or “c” (and N more)."""
    if len(names) <= LISTED:
        return either(names)
    return f"{', '.join(f'“{echo(n, 80)}”' for n in names[:LISTED])} and {len(names) - LISTED} more"


def unresolved_moment(resolution: Resolution[T], name: Callable[[T], str]) -> str:
    """/plot's refusal of a moment typed without the autocomplete that names none, or several; ``name`` gives each
    moment's name as the reader may see it (the resolver only lists moments matched by what they may see)."""
    typed = echo(resolution.typed)
    if resolution.ambiguous:
        names = could_mean([name(m) for m in resolution.could_mean])
        return f"“{typed}” matches several moments: {names}. Type more of its name, or its number."
    return (
        f"I couldn't find a moment called “{typed}”.{_did_you_mean([name(m) for m in resolution.near])} "
        "Use /plot without a moment to see them all, or pick one from the list as you type."
    )


def unresolved_character(resolution: Resolution[Character]) -> str:
    """/character's refusal of a name typed without the autocomplete that names nobody, or several."""
    typed = echo(resolution.typed)
    if resolution.ambiguous:
        names = could_mean([character_label(c) for c in resolution.could_mean])
        return f"“{typed}” matches several characters: {names}. Type more of the name."
    near = [character_label(c) for c in resolution.near]
    return f"I couldn't find a character called “{typed}”.{_did_you_mean(near)} Pick one from the list as you type."


# -- /quote ---------------------------------------------------------------------------------------------------------


def unresolved_topic(resolution: Resolution[Topic], topics: str) -> str:
    """/quote's refusal of a topic typed without the autocomplete; ``topics`` lists them all with their counts."""
    typed = echo(resolution.typed, 100)
    if resolution.ambiguous:
        return (
            f"“{typed}” could be more than one topic: {could_mean([t.name for t in resolution.could_mean])}. {topics}"
        )
    near = _did_you_mean([t.name for t in resolution.near])
    return f"There is no quote topic called “{typed}”.{near} {topics} Or choose “list” to see them with their counts."


def nothing_to_search(typed: str, topics: str) -> str:
    return (
        f"“{echo(typed, 100)}” has no words to look for (very common words are skipped). "
        f"Try a word Haigh might use, such as love or parents. {topics}"
    )


def no_quote_found(typed: str, topic: str | None, topics: str) -> str:
    where = f" about {topic}" if topic else ""
    return f"No quote{where} has all the words of “{echo(typed, 100)}”. {topics}"


# -- /spoilers ------------------------------------------------------------------------------------------------------

NOT_THIS_SERVER = "That channel is not in this server (or no longer exists), so its spoiler setting can't be used here."
CHANNEL_UNKNOWN = "Discord did not say which channel this is; name one with the channel option."


def category_refused(channel_id: int) -> str:
    return (
        f"<#{channel_id}> is a category: it holds channels but has no chat of its own. "
        "Spoiler settings belong to the channels inside it; pick one of those."
    )


# -- /theory --------------------------------------------------------------------------------------------------------

TITLE_TAKEN = "A theory with that title already exists here: see /theory list, or pick another title."
TITLE_JUST_TAKEN = "A theory with that title already exists here: pick another title."
POLL_GONE = "This poll no longer exists."
NO_SUCH_SUGGESTION = "This server has no such suggestion, so there is nothing to review. Nothing was changed."


def bad_level(typed: str) -> str:
    return f"“{echo(typed, 20)}” is not a spoiler level: pick none, plot or ending."


def unresolved_theory(resolution: Resolution[T], name: Callable[[T], str], count: int) -> str:
    """The refusal of a theory typed without the autocomplete that names none, or several; ``name`` gives each theory
    as /theory list numbers it at the reader's level, and ``count`` is how many it lists (their numbers work too)."""
    typed = echo(resolution.typed)
    if resolution.ambiguous:
        names = could_mean([name(e) for e in resolution.could_mean])
        return f"“{typed}” could mean several theories: {names}. Type more of the name, or its number."
    near = _did_you_mean([name(e) for e in resolution.near])
    return (
        f"No theory here is called or numbered “{typed}”.{near} "
        f"Type part of a name, or a number from /theory list (1 to {count})."
    )


def theory_twice(title: str) -> str:
    return f"“{echo(title)}” is listed twice: each theory can appear once."


def too_few_theories(minimum: int, available: int) -> str:
    return (
        f"A poll needs at least {minimum} theories and this server has {available}: "
        "approve some suggestions with /theory review first."
    )


def poll_size(minimum: int, maximum: int, listed: int) -> str:
    return (
        f"A poll holds {minimum} to {maximum} theories; you listed {listed}. "
        "Separate them with commas: their names, or their numbers from /theory list."
    )


def poll_hours(minimum: int, maximum: int) -> str:
    return f"A poll stays open {minimum} to {maximum} hours."


def title_length(minimum: int, maximum: int, length: int) -> str:
    return f"A theory's title needs {minimum} to {maximum} characters; yours has {length}."


def claim_length(minimum: int, maximum: int, length: int) -> str:
    return f"Say what the theory claims in {minimum} to {maximum} characters; yours has {length}."


def no_such_poll(poll_id: int) -> str:
    return f"This server has no poll #{poll_id}. Pick one from the suggestions."


def poll_already_closed(poll_id: int) -> str:
    return f"Poll #{poll_id} is already closed."


# -- the bot's own permissions in a channel ---------------------------------------------------------------------------

EDIT_PERMISSIONS = "Edit Channel > Permissions"
POLL_NEVER_POSTED = "it was never posted."


def _and(labels: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _lack(short: Shortfall) -> str:
    if short.cannot_see:
        return f"I can't see {channel(short.channel_id)}"
    return f"I don't have {_and([n.label for n in short.missing])} in {channel(short.channel_id)}"


def _grant(short: Shortfall) -> str:
    """How to give the bot what it lacks: a thread takes its parent channel's permissions, so that is where."""
    labels = _and([n.label for n in short.missing])
    where = channel(short.parent_id or short.channel_id)
    follows = f"; {channel(short.channel_id)} follows it" if short.parent_id else ""
    if short.named:
        return f"Allow {labels} on the overwrite with my own name in {where} ({EDIT_PERMISSIONS}{follows})"
    return f"Give my role {labels} in {where} ({EDIT_PERMISSIONS}{follows})"


def poll_cannot_close_here(short: Shortfall) -> str:
    """/theory poll refused before anything changed: the bot could not show the results when the poll closes."""
    return (
        f"{_lack(short)}, so I couldn't show this poll's final results when it closes. "
        f"{_grant(short)}, or run the poll in another channel."
    )


def no_thread(poll_id: int, short: Shortfall, refused: Refusal | None = None) -> str:
    """The moderator's note when a poll opened without its discussion thread."""
    why = _lack(short) if refused is None else f"Discord refused ({refused.value})"
    return f"Poll #{poll_id} is open, but without a discussion thread: {why}. {_grant(short)} for the next polls."


def poll_not_updated(refused: Refusal, short: Shortfall) -> str:
    """Why a closed poll's message could not be updated, and what to do about it (from Discord's own answer)."""
    if refused is Refusal.MESSAGE_DELETED:
        return "it was deleted."
    if refused is Refusal.CHANNEL_DELETED:
        return "its channel was deleted."
    if not refused.about_permissions or not short:
        return "Discord did not accept the edit (a problem on its side)."
    return (
        f"{_lack(short)} any more (Discord answered {refused.value}). {_grant(short)}. "
        "Votes are no longer counted, and the next press on one of its buttons shows the final results there."
    )
