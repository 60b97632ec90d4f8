"""Every custom id the bot puts on a button: built here and checked here when pressed (pure, discord-free).

A pressed button's id comes from Discord, but nothing stops a client from sending any id at all, so each one is
read strictly: the right prefix, whole numbers without leading zeros and within range (no database id or Discord
snowflake is larger than 2**63 - 1), a known kind of answer, and, where the id names a server, the server the
button is pressed in. A refusal is a ``UserError``: answered politely and privately, and nothing changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UserError
from .models import Level
from .polls import MAX_OPTIONS
from .render import errors

VOTE_PREFIX = "poll:"
REVIEW_PREFIX = "theory:review:"
REVEAL_PREFIX = "reveal:"
PREFIXES = (VOTE_PREFIX, REVIEW_PREFIX, REVEAL_PREFIX)
CUSTOM_ID_LIMIT = 100  # Discord's limit on a custom id
HIGHEST = 2**63 - 1  # SQLite's INTEGER, and every Discord snowflake

_NUMBER = r"[1-9][0-9]{0,18}"
_SLUG = r"[a-z0-9][a-z0-9-]{0,39}"  # an id in the facts file (bot.facts.ID_PATTERN)
_ASK_REF = rf"[fcmtq]\.{_SLUG}"
# What follows "reveal:<kind>:" for each kind of answer a "Reveal to me" button can rebuild.
_REVEAL_ARGUMENTS = {
    "moment": re.compile(_SLUG),
    "character": re.compile(_SLUG),
    "quote": re.compile(_SLUG),
    "ending": re.compile("all"),
    "plot": re.compile("all"),
    "ask": re.compile(rf"{_ASK_REF}(?:,{_ASK_REF})*"),
    "poll": re.compile(rf"(?P<poll>{_NUMBER})"),
    "theories": re.compile(rf"(?P<guild>{_NUMBER})"),
    "standings": re.compile(rf"(?P<guild>{_NUMBER})"),
    "theory": re.compile(rf"(?P<guild>{_NUMBER}):(?:{_SLUG}|member:(?P<member>{_NUMBER}))"),
}
_VOTE = re.compile(rf"poll:(?P<poll>{_NUMBER}):(?:(?P<position>{_NUMBER})|(?P<withdraw>withdraw))")
WITHDRAW = "withdraw"
_REVIEW = re.compile(rf"theory:review:(?P<id>{_NUMBER}):(?P<action>approve|reject|none|plot|ending)")


@dataclass(frozen=True, slots=True)
class VoteId:
    poll_id: int
    position: int | None  # None: the poll's Withdraw button

    @property
    def withdraw(self) -> bool:
        return self.position is None


@dataclass(frozen=True, slots=True)
class ReviewId:
    theory_id: int
    approve: bool
    level: Level | None = None  # set: the button sets the suggestion's spoiler level instead of deciding on it


@dataclass(frozen=True, slots=True)
class RevealKey:
    """What a "Reveal to me" button rebuilds: a kind of answer and its argument ("moment" and "the-diner")."""

    kind: str
    argument: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.argument}"


def _whole(text: str) -> int:
    value = int(text)
    if value > HIGHEST:
        raise UserError(errors.BROKEN_BUTTON)
    return value


def vote_id(poll_id: int, position: int) -> str:
    return f"{VOTE_PREFIX}{poll_id}:{position}"


def withdraw_id(poll_id: int) -> str:
    """The id of a poll's Withdraw button: withdrawing is its own press, never a second press on a number."""
    return f"{VOTE_PREFIX}{poll_id}:{WITHDRAW}"


def review_id(theory_id: int, approve: bool) -> str:
    return f"{REVIEW_PREFIX}{theory_id}:{'approve' if approve else 'reject'}"


def review_level_id(theory_id: int, level: Level) -> str:
    return f"{REVIEW_PREFIX}{theory_id}:{level.label}"


def reveal_id(key: str) -> str:
    """The id of a "Reveal to me" button for an answer's reveal key; our own keys must always read back."""
    custom_id = f"{REVEAL_PREFIX}{key}"
    if len(custom_id) > CUSTOM_ID_LIMIT or _reveal_match(key) is None:
        raise ValueError(f"bad reveal key {key!r}")
    return custom_id


def parse_vote(custom_id: str) -> VoteId:
    match = _VOTE.fullmatch(custom_id)
    if match is None:
        raise UserError(errors.BROKEN_BUTTON)
    poll_id = _whole(match["poll"])
    if match["withdraw"] is not None:
        return VoteId(poll_id, None)
    position = _whole(match["position"])
    if position > MAX_OPTIONS:
        raise UserError(errors.BROKEN_BUTTON)
    return VoteId(poll_id, position)


def parse_review(custom_id: str) -> ReviewId:
    match = _REVIEW.fullmatch(custom_id)
    if match is None:
        raise UserError(errors.BROKEN_BUTTON)
    action = match["action"]
    level = None if action in ("approve", "reject") else Level.parse(action)
    return ReviewId(_whole(match["id"]), action == "approve", level)


def _reveal_match(key: str) -> re.Match[str] | None:
    kind, _, argument = key.partition(":")
    pattern = _REVEAL_ARGUMENTS.get(kind)
    return None if pattern is None else pattern.fullmatch(argument)


def parse_reveal(custom_id: str, pressed_in: int | None) -> RevealKey:
    """The key of a "Reveal to me" button pressed in server ``pressed_in`` (None: outside a server).

    A key naming a server (a theory, the theory list, the standings) is refused anywhere but in that server.
    """
    if not custom_id.startswith(REVEAL_PREFIX):
        raise UserError(errors.BROKEN_BUTTON)
    key = custom_id.removeprefix(REVEAL_PREFIX)
    match = _reveal_match(key)
    if match is None:
        raise UserError(errors.BROKEN_BUTTON)
    numbers = {name: _whole(text) for name, text in match.groupdict().items() if text is not None}
    guild = numbers.get("guild")
    if guild is not None and guild != pressed_in:
        raise UserError(errors.OTHER_SERVER)
    kind, _, argument = key.partition(":")
    return RevealKey(kind, argument)
