"""Theory polls as plain values: picking theories, checking suggestions, counting, ranking and bars.

No discord, no SQL: the cog feeds this module rows from the store; ``bot.render.theories`` turns the results into
text. A member's mistake raises ``UserError`` with a message from ``bot.render.errors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import UserError
from .models import OPEN, Level, OptionVotes, Policy, PollOption
from .render import errors
from .render.limits import CHOICE_NAME_LIMIT, CHOICES_LIMIT, shorten
from .render.markup import Name
from .search import fold

MIN_OPTIONS = 2
MAX_OPTIONS = 10
MIN_HOURS = 1
MAX_HOURS = 768  # 32 days, like Discord's own polls
DEFAULT_HOURS = 24
BUTTONS_PER_ROW = 5
TITLE_MIN, TITLE_MAX = 3, 80
CLAIM_MIN, CLAIM_MAX = 10, 400
OPTION_TITLE_LIMIT = 100  # a poll's copy of a theory title; 10 of them and their bars fit one embed description
BAR_WIDTH = 12
MEMBER_PREFIX = "member:"


@dataclass(frozen=True, slots=True)
class TheoryEntry:
    """A theory a server can vote on: a curated one from the facts file or an approved member's suggestion."""

    key: str  # the curated theory's id, or 'member:<id>'
    title: str
    level: Level
    claim: str = ""
    evidence: tuple[str, ...] = ()  # moment ids
    source: str = ""
    author_id: int | None = None  # set for members' theories
    title_level: Level | None = None  # how much the title alone gives away (None: as much as the claim)

    @property
    def curated(self) -> bool:
        return self.author_id is None

    @property
    def name_level(self) -> Level:
        return self.level if self.title_level is None else self.title_level


def theory_name(entry: TheoryEntry, number: int) -> Name:
    """A theory's title with its level; ``number`` is its place in /theory list ("Theory 5 (ending)" where hidden)."""
    return Name(entry.title, entry.name_level, f"Theory {number} ({entry.level.label})")


def option_name(option: PollOption) -> Name:
    """A poll option's title; hidden, it is told apart by its number, which its button carries."""
    return Name(option.title, option.spoiler, hidden_title(option.spoiler))


def hidden_title(level: Level) -> str:
    """What stands for a title left out beside its number (the private style): the number is its name there."""
    return f"(title hidden: spoiler level {level.label})"


def _number(item: str) -> int | None:
    text = item.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 6 else None


def _texts(entry: TheoryEntry, number: int, policy: Policy) -> list[str]:
    """What a typed piece of text may match: the title and id only where the reader may see the title."""
    texts = [fold(theory_name(entry, number).safe)]
    if policy.shows(entry.name_level):
        texts += [entry.key.casefold(), fold(entry.title)]
    return texts


def member_key(theory_id: int) -> str:
    return f"{MEMBER_PREFIX}{theory_id}"


def member_id(key: str) -> int | None:
    """The member theory id in a 'member:<id>' key, or None for a curated key."""
    if key.startswith(MEMBER_PREFIX) and key[len(MEMBER_PREFIX) :].isdigit():
        return int(key[len(MEMBER_PREFIX) :])
    return None


# -- choosing theories --------------------------------------------------------------------------------------------


def split_items(text: str) -> list[str]:
    """Comma-separated items, trimmed, empty ones dropped."""
    return [item.strip() for item in text.split(",") if item.strip()]


def find_theory(item: str, entries: Sequence[TheoryEntry], policy: Policy = OPEN) -> TheoryEntry:
    """The theory ``item`` names: its number in the list, its id or key, its exact title, or a piece of text only one
    title or id contains. Pieces of text are matched only against what ``policy`` lets the reader see (a title above
    it is matched by its spoiler-free form), so typing a guess never finds a hidden theory."""
    wanted = fold(item)
    number = _number(item)
    if number is not None and 1 <= number <= len(entries):
        return entries[number - 1]
    for index, entry in enumerate(entries, start=1):
        if wanted in (entry.key.casefold(), fold(entry.title), fold(theory_name(entry, index).safe)):
            return entry
    matches = [(i, e) for i, e in enumerate(entries, start=1) if any(wanted in t for t in _texts(e, i, policy))]
    if len(matches) == 1:
        return matches[0][1]
    if not matches:
        raise UserError(errors.no_such_theory(item))
    raise UserError(errors.ambiguous_theory(item, [theory_name(e, i).shown(policy) for i, e in matches]))


def choose_theories(text: str | None, entries: Sequence[TheoryEntry], policy: Policy = OPEN) -> list[TheoryEntry]:
    """The poll's theories: the ones ``text`` names (comma-separated), or by default every approved one up to 10."""
    if text is None or not text.strip():
        chosen = list(entries[:MAX_OPTIONS])
        if len(chosen) < MIN_OPTIONS:
            raise UserError(errors.too_few_theories(MIN_OPTIONS, len(chosen)))
        return chosen
    chosen = []
    for item in split_items(text):
        entry = find_theory(item, entries, policy)
        if entry in chosen:
            raise UserError(errors.theory_twice(theory_name(entry, entries.index(entry) + 1).shown(policy)))
        chosen.append(entry)
    if not MIN_OPTIONS <= len(chosen) <= MAX_OPTIONS:
        raise UserError(errors.poll_size(MIN_OPTIONS, MAX_OPTIONS, len(chosen)))
    return chosen


def complete_last(text: str, entries: Sequence[TheoryEntry], policy: Policy = OPEN) -> list[tuple[str, str]]:
    """Autocomplete for a comma-separated list: (name, value) pairs that complete its last item.

    Items already chosen are kept as typed; the completed one is written as its key (short and exact), or as its
    number where its title is above ``policy`` (a curated key such as "the-ghosts-are-real" says as much as the
    title). Names follow ``policy`` too, and only what the reader may see is matched. Pairs whose value would pass
    Discord's 100-character limit are left out: the member can keep typing.
    """
    parts = text.split(",")
    done, last = [p.strip() for p in parts[:-1] if p.strip()], fold(parts[-1])
    taken: set[str] = set()
    for item in done:
        try:
            taken.add(find_theory(item, entries, policy).key)
        except UserError:
            continue
    out: list[tuple[str, str]] = []
    for number, entry in enumerate(entries, start=1):
        if entry.key in taken:
            continue
        if last and last.lstrip("#") != str(number) and not any(last in t for t in _texts(entry, number, policy)):
            continue
        shown = policy.shows(entry.name_level)
        value = ", ".join([*done, entry.key if shown or not entry.curated else str(number)])
        if len(value) > CHOICE_NAME_LIMIT:
            continue
        prefix = f"{len(done)} chosen + " if done else ""
        out.append((shorten(prefix + theory_name(entry, number).shown(policy), CHOICE_NAME_LIMIT), value))
        if len(out) == CHOICES_LIMIT:
            break
    return out


# -- suggestions ----------------------------------------------------------------------------------------------------


def check_suggestion(title: str, claim: str, existing_titles: Iterable[str]) -> tuple[str, str]:
    """A member's suggestion with its spacing tidied, or a polite refusal (lengths, duplicate titles)."""
    title, claim = " ".join(title.split()), " ".join(claim.split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise UserError(errors.title_length(TITLE_MIN, TITLE_MAX, len(title)))
    if not CLAIM_MIN <= len(claim) <= CLAIM_MAX:
        raise UserError(errors.claim_length(CLAIM_MIN, CLAIM_MAX, len(claim)))
    if fold(title) in {fold(t) for t in existing_titles}:
        raise UserError(errors.TITLE_TAKEN)
    return title, claim


# -- counting and ranking -------------------------------------------------------------------------------------------


def competition_ranks(sort_keys: Sequence[object]) -> list[int]:
    """Ranks for items already sorted best first: equal keys share a rank, and the next rank skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for index, key in enumerate(sort_keys):
        ranks.append(ranks[-1] if index and key == sort_keys[index - 1] else index + 1)
    return ranks


def option_ranks(counts: Sequence[int]) -> list[int]:
    """Each option's place in a poll (same order as ``counts``); options with equal votes share their place."""
    return [1 + sum(1 for other in counts if other > count) for count in counts]


def leaders(counts: Sequence[int]) -> list[int]:
    """Indexes of the options with the most votes (all of them when tied); none when nobody voted."""
    top = max(counts, default=0)
    return [i for i, count in enumerate(counts) if top and count == top]


def percent(count: int, total: int) -> str:
    """``count`` of ``total`` as a whole percentage, each share rounded on its own (the one rule for a poll's text and
    its picture): the nearest whole number, half up, except that a share that is neither none nor all never reads as
    0% or 100% ("<1%", ">99%"). Equal counts always read the same, so a column may add up to 99 or 101."""
    if total <= 0 or count <= 0:
        return "0%"
    if count >= total:
        return "100%"
    whole = (200 * count + total) // (2 * total)  # round half up, in integers
    if whole == 0:
        return "<1%"
    if whole == 100:
        return ">99%"
    return f"{whole}%"


def bar(count: int, total: int, width: int = BAR_WIDTH) -> str:
    """A fixed-width bar, filled in proportion to ``count`` of ``total`` (rounded; any vote shows at least one cell)."""
    if total <= 0 or count <= 0:
        filled = 0
    else:
        filled = max(1, min(width, round(width * count / total)))
    return "█" * filled + "░" * (width - filled)


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    theory_key: str
    title: str
    level: Level  # the highest level any poll gave its title
    votes: int
    polls: int
    wins: int  # polls it led outright or shared the lead of


def rank_standings(rows: Iterable[OptionVotes]) -> list[Standing]:
    """All-time standings across closed polls, by theory: most votes first, then most wins, then fewest polls.

    Ties on all three share a rank; their order is then by title and key, so the same rows always give the same
    list. A theory's title is the one its most recent poll used.
    """
    by_poll: dict[int, list[OptionVotes]] = {}
    for row in rows:
        by_poll.setdefault(row.poll_id, []).append(row)
    votes: dict[str, int] = {}
    polls: dict[str, set[int]] = {}
    wins: dict[str, int] = {}
    titles: dict[str, tuple[int, str]] = {}
    levels: dict[str, Level] = {}
    for poll_id, options in by_poll.items():
        top = max(o.votes for o in options)
        for option in options:
            key = option.theory_key
            votes[key] = votes.get(key, 0) + option.votes
            polls.setdefault(key, set()).add(poll_id)
            wins[key] = wins.get(key, 0) + (1 if top and option.votes == top else 0)
            levels[key] = max(levels.get(key, Level.NONE), option.level)
            if poll_id >= titles.get(key, (-1, ""))[0]:
                titles[key] = (poll_id, option.title)
    order = sorted(votes, key=lambda k: (-votes[k], -wins[k], len(polls[k]), titles[k][1].casefold(), k))
    ranks = competition_ranks([(votes[k], wins[k], len(polls[k])) for k in order])
    return [
        Standing(r, k, titles[k][1], levels[k], votes[k], len(polls[k]), wins[k])
        for r, k in zip(ranks, order, strict=True)
    ]


def button_rows(count: int, per_row: int = BUTTONS_PER_ROW) -> list[int]:
    """Which row each of ``count`` buttons goes on: as few rows as possible, filled evenly (7 -> 4 + 3)."""
    rows = max(1, -(-count // per_row))
    size = -(-count // rows)
    return [i // size for i in range(count)]
