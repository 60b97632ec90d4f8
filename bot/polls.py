"""Theory polls as plain values: picking theories, checking suggestions, counting, ranking and bars.

No discord, no SQL: the cog feeds this module rows from the store; ``bot.render.theories`` turns the results into
text. A member's mistake raises ``UserError`` with a message from ``bot.render.errors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import resolve
from .errors import UserError
from .models import Level, OptionVotes
from .render import errors
from .render.limits import CHOICE_NAME_LIMIT, CHOICES_LIMIT, shorten
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
# Members' theories carry no spoiler level of their own; they are about the ending, so they are hidden like it.
MEMBER_THEORY_LEVEL = Level.ENDING


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

    @property
    def curated(self) -> bool:
        return self.author_id is None


def member_key(theory_id: int) -> str:
    return f"{MEMBER_PREFIX}{theory_id}"


def member_id(key: str) -> int | None:
    """The member theory id in a 'member:<id>' key, or None for a curated key."""
    if key.startswith(MEMBER_PREFIX) and key[len(MEMBER_PREFIX) :].isdigit():
        return int(key[len(MEMBER_PREFIX) :])
    return None


# -- choosing theories --------------------------------------------------------------------------------------------


def choose_theories(text: str | None, entries: Sequence[TheoryEntry]) -> list[TheoryEntry]:
    """The poll's theories: the ones ``text`` names (comma-separated: numbers from /theory list, keys or names), or by
    default every approved one up to 10. An item that names no theory, or several, is refused with the choices."""
    if text is None or not text.strip():
        chosen = list(entries[:MAX_OPTIONS])
        if len(chosen) < MIN_OPTIONS:
            raise UserError(errors.too_few_theories(MIN_OPTIONS, len(chosen)))
        return chosen
    chosen = []
    for resolution in resolve.theory_list(entries, text):
        entry = resolution.found
        if entry is None:
            raise UserError(errors.unresolved_theory(resolution, entries))
        if entry in chosen:
            raise UserError(errors.theory_twice(entry.title))
        chosen.append(entry)
    if not MIN_OPTIONS <= len(chosen) <= MAX_OPTIONS:
        raise UserError(errors.poll_size(MIN_OPTIONS, MAX_OPTIONS, len(chosen)))
    return chosen


def complete_last(text: str, entries: Sequence[TheoryEntry]) -> list[tuple[str, str]]:
    """Autocomplete for a comma-separated list: (name, value) pairs that complete its last item.

    Items already chosen are kept as typed; the completed one is written as its key (short and exact). The last item
    is matched as ``resolve.filter_theories`` matches (numbers from /theory list, keys, names), so what is offered
    is what pressing Enter on the typed text would choose. Pairs whose value would pass Discord's 100-character limit
    are left out: the member can keep typing.
    """
    parts = text.split(",")
    done = [p.strip() for p in parts[:-1] if p.strip()]
    taken = {r.found.key for r in (resolve.theory(entries, item) for item in done) if r.found is not None}
    out: list[tuple[str, str]] = []
    for entry in resolve.filter_theories(entries, parts[-1]):
        if entry.key in taken:
            continue
        value = ", ".join([*done, entry.key])
        if len(value) > CHOICE_NAME_LIMIT:
            continue
        prefix = f"{len(done)} chosen + " if done else ""
        out.append((shorten(prefix + entry.title, CHOICE_NAME_LIMIT), value))
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

    A poll nobody voted in ranks nobody: it is left out, so a theory only ever in such polls is not ranked at all
    (rather than "1st with 0 votes"). Ties on all three share a rank; their order is then by title and key, so the
    same rows always give the same list. A theory's title is the one its most recent poll used.
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
        if not top:
            continue
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
