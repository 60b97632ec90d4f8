"""Plain rows shared by the facts loader, the store, the pure logic and rendering (no discord, no SQL).

Every value that crosses a layer is defined here, so the store depends on this module only and the pure modules
(search, polls, quotes, rendering) never need the store or discord to speak about the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum


class Level(IntEnum):
    """How much of the film a piece of text gives away, in increasing order."""

    NONE = 0
    PLOT = 1
    ENDING = 2

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"{name!r} is not a spoiler level (none, plot, ending)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards one process runs, of ``count`` in all: it owns the servers Discord sends to them, and only it
    answers there, closes their polls and caches their settings. ``ids`` None: every shard (a single process)."""

    count: int = 1
    ids: frozenset[int] | None = None

    @property
    def all(self) -> bool:
        return self.ids is None or len(self.ids) >= self.count

    @staticmethod
    def of(guild_id: int, count: int) -> int:
        """The shard that holds a server, as Discord computes it."""
        return (guild_id >> 22) % count

    def owns(self, guild_id: int) -> bool:
        return self.all or self.of(guild_id, self.count) in (self.ids or ())


@dataclass(frozen=True, slots=True)
class Film:
    title: str
    year: int
    writer_director: str
    based_on_title: str
    based_on_author: str
    based_on_year: int
    premise: str
    setting: str
    distributor: str
    director_known_for: tuple[str, ...]
    streaming: tuple[str, ...]
    recognition: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArcStep:
    text: str
    spoiler: Level


@dataclass(frozen=True, slots=True)
class Character:
    id: str
    name: str
    actor: str
    aliases: tuple[str, ...]
    summary: str
    arc: tuple[ArcStep, ...]


@dataclass(frozen=True, slots=True)
class Moment:
    id: str
    position: int
    title: str
    summary: str
    spoiler: Level
    keywords: tuple[str, ...]
    title_spoiler: Level = Level.ENDING  # how much the title alone gives away ("The Power of Love": the ending)

    @property
    def safe_name(self) -> str:
        """The spoiler-free form of its name, for places that cannot wrap one: its number and the level of the scene
        ("Moment 20 (ending)"), which the facts say openly anyway (a moment's footer names its level)."""
        return f"Moment {self.position} ({self.spoiler.label})"


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    topic: str
    question: str
    keywords: tuple[str, ...]
    answer: str
    spoiler: Level
    topic_spoiler: Level = Level.ENDING  # the level of its topic and question ("The song" gives nothing away)


@dataclass(frozen=True, slots=True)
class Theory:
    id: str
    title: str
    claim: str
    evidence: tuple[str, ...]
    source: str
    spoiler: Level
    title_spoiler: Level = Level.ENDING


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    speaker: str
    outlet: str
    text: str
    context: str
    topics: tuple[str, ...]
    spoiler: Level


@dataclass(frozen=True, slots=True)
class FilmData:
    """Everything in the facts file: read once at start-up, never changed while the bot runs."""

    film: Film
    characters: tuple[Character, ...]
    moments: tuple[Moment, ...]
    facts: tuple[Fact, ...]
    theories: tuple[Theory, ...]
    quotes: tuple[Quote, ...]
    # Every quote topic with its level, in the file's order ([quote_topics]); a topic is a name shown in lists.
    quote_topics: tuple[tuple[str, Level], ...] = ()

    def topic_level(self, topic: str) -> Level:
        return next((level for name, level in self.quote_topics if name == topic), Level.ENDING)

    def moment(self, moment_id: str) -> Moment | None:
        return next((m for m in self.moments if m.id == moment_id), None)

    def character(self, character_id: str) -> Character | None:
        return next((c for c in self.characters if c.id == character_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def theory(self, theory_id: str) -> Theory | None:
        return next((t for t in self.theories if t.id == theory_id), None)

    def quote(self, quote_id: str) -> Quote | None:
        return next((q for q in self.quotes if q.id == quote_id), None)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match of the full-text index: which entry, and how well (lower bm25 is better)."""

    kind: str
    ref: str
    score: float


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One entry of the full-text index, as the store writes it."""

    kind: str
    ref: str
    title: str
    keywords: str
    body: str


# -- spoiler policy -------------------------------------------------------------------------------------------------


class Style(StrEnum):
    WRAP = "wrap"  # text above the allowed level goes inside ||...||, click to reveal
    PRIVATE = "private"  # text above the allowed level is left out; a button reveals it to whoever asks


class Source(StrEnum):
    CHANNEL = "channel"
    PARENT = "parent"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Policy:
    """How much of the film a channel may show plainly, how the rest is hidden, and where that setting came from."""

    allowed: Level = Level.NONE
    style: Style = Style.WRAP
    source: Source = Source.DEFAULT
    # Only for one reader who said how far they have watched: the last moment they have seen (by position). Text about
    # a later moment stays hidden even at an allowed level. Channels never have one.
    horizon: int | None = None

    def shows(self, level: Level, moment: int = 0) -> bool:
        """Whether text of ``level`` (about the moment at position ``moment``, 0: no one moment) shows plainly."""
        return level <= self.allowed and (self.horizon is None or moment <= self.horizon)

    def bare(self) -> Policy:
        """The stored part of a policy (where a resolved policy came from is not stored)."""
        return Policy(self.allowed, self.style)


STRICTEST = Policy()
OPEN = Policy(allowed=Level.ENDING)


def resolve_policy(default: Policy, own: Policy | None = None, parent: Policy | None = None) -> Policy:
    """A channel's own setting wins, then its parent's (for a thread), then the server's default."""
    if own is not None:
        return Policy(own.allowed, own.style, Source.CHANNEL)
    if parent is not None:
        return Policy(parent.allowed, parent.style, Source.PARENT)
    return Policy(default.allowed, default.style, Source.DEFAULT)


@dataclass(frozen=True, slots=True)
class ChannelSetting:
    channel_id: int
    allowed: Level
    style: Style


@dataclass(frozen=True, slots=True)
class SettingChange:
    channel_id: int | None  # None: the server default
    actor_id: int
    old: str | None  # "plot/wrap", or None for no own setting
    new: str | None
    changed_at: datetime


class Kind(StrEnum):
    """What sort of place a channel is, as far as spoiler settings go."""

    TEXT = "text"
    VOICE = "voice"  # its settings apply to the chat inside the voice channel
    FORUM = "forum"  # its settings apply to its posts, which are threads
    CATEGORY = "category"  # holds channels, has no chat: it cannot have a setting
    THREAD = "thread"
    POST = "post"  # a thread in a forum

    @property
    def follows_parent(self) -> bool:
        return self in (Kind.THREAD, Kind.POST)


@dataclass(frozen=True, slots=True)
class Place:
    """A channel that can have a spoiler setting."""

    id: int
    kind: Kind
    parent_id: int | None = None  # threads and posts: the channel or forum they follow

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


# -- quotes ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pick:
    """The quote to show next in a channel, and whether the channel's round starts over with it."""

    quote_id: str
    new_round: bool = False


# -- members' theories and polls ------------------------------------------------------------------------------------


class Review(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class VoteOutcome(StrEnum):
    RECORDED = "recorded"  # a new vote
    MOVED = "moved"  # the member's vote moved here from another option
    KEPT = "kept"  # the member pressed the option their vote was already on: it stays there
    CLOSED = "closed"  # the poll is closed or past its deadline: nothing changed


@dataclass(frozen=True, slots=True)
class MemberTheory:
    id: int
    guild_id: int
    title: str
    claim: str
    author_id: int
    status: Review
    created_at: datetime
    reviewed_by: int | None = None
    reviewed_at: datetime | None = None
    spoiler: Level = Level.ENDING  # chosen by the suggester, changed by a moderator at review


@dataclass(frozen=True, slots=True)
class PollOption:
    position: int  # 1-based: the number on the option's button
    theory_key: str
    title: str  # the poll's own copy, so later edits never rewrite a poll's history
    spoiler: Level


@dataclass(frozen=True, slots=True)
class Poll:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    author_id: int
    hidden: bool
    created_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    options: tuple[PollOption, ...]

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.closes_at

    def option(self, position: int) -> PollOption | None:
        return next((o for o in self.options if o.position == position), None)


@dataclass(frozen=True, slots=True)
class PollSummary:
    """A line about a poll for pickers: no theory text, so it is safe anywhere."""

    id: int
    closes_at: datetime
    closed_at: datetime | None
    hidden: bool
    options: int
    voters: int


@dataclass(frozen=True, slots=True)
class OptionVotes:
    """One theory's votes in one closed poll (what the standings are made of)."""

    poll_id: int
    theory_key: str
    title: str
    level: Level
    votes: int


@dataclass(frozen=True, slots=True)
class TheoryInPoll:
    """One poll in a theory's history: where it placed (no theory text, so no spoilers)."""

    poll_id: int
    hidden: bool
    closes_at: datetime
    closed_at: datetime | None
    votes: int  # the theory's votes in this poll
    total: int  # every option's votes
    options: int
    place: int  # 1 + the options with more votes (equal votes share a place)


@dataclass(frozen=True, slots=True)
class TheoryTotal:
    """One theory's all-time totals over a server's closed polls (kept up to date as each poll closes)."""

    theory_key: str
    title: str  # the title its most recent closed poll used
    level: Level  # the highest level any of its polls gave it
    votes: int
    polls: int
    wins: int  # polls it led outright or shared the lead of


# -- members' own progress through the film -------------------------------------------------------------------------


class Watched(StrEnum):
    """How far a member says they have watched (the values are stored)."""

    NOT_SEEN = "not_seen"
    PART_WAY = "part_way"
    SEEN_ALL = "seen_all"


@dataclass(frozen=True, slots=True)
class Progress:
    """One member's progress, the same in every server and DM: kept until they run /progress clear."""

    user_id: int
    watched: Watched
    moment_id: str | None  # only with PART_WAY: the last moment they have seen
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HiddenMessage:
    """A member's message a moderator re-posted behind spoiler bars (its text is not kept)."""

    guild_id: int
    channel_id: int
    message_id: int
    repost_id: int
    author_id: int
    moderator_id: int
    hidden_at: datetime
