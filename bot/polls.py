"""Theory polls as plain values: picking theories, checking suggestions, counting, ranking and bars.

No discord, no SQL: the cog feeds this module rows from the store; ``bot.render.theories`` turns the results into
text. A member's mistake raises ``UserError`` with a message from ``bot.render.errors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import resolve
from .errors import UserError
from .models import OPEN, Level, OptionVotes, Policy, PollOption, TheoryTotal
from .render import errors
from .render.limits import CHOICE_NAME_LIMIT, CHOICES_LIMIT, shorten
from .render.markup import Name
from .resolve import Resolution
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


def listed_name(entry: TheoryEntry, number: int, policy: Policy) -> str:
    """A theory as /theory list numbers it, at ``policy``: "3. The ghosts are real", or "Theory 3 (ending)" hidden."""
    name = theory_name(entry, number)
    return f"{number}. {entry.title}" if policy.shows(name.level) else name.safe


def option_name(option: PollOption) -> Name:
    """A poll option's title; hidden, it is told apart by its number, which its button carries."""
    return Name(option.title, option.spoiler, hidden_title(option.spoiler))


def hidden_title(level: Level) -> str:
    """What stands for a title left out beside its number (the private style): the number is its name there."""
    return f"(title hidden: spoiler level {level.label})"


def _texts(entry: TheoryEntry, number: int, policy: Policy) -> list[str]:
    """What a typed piece of text may match: the spoiler-free name ("theory 5 (ending)"), and the title and a curated
    theory's id as words only where the reader may see the title. A member theory's key (``member:7``) is matched
    only whole, so "7" never finds it by accident."""
    texts = [fold(theory_name(entry, number).safe)]
    if policy.shows(entry.name_level):
        texts.append(fold(entry.title))
        if entry.curated:
            texts.append(entry.key.replace("-", " "))
    return texts


def member_key(theory_id: int) -> str:
    return f"{MEMBER_PREFIX}{theory_id}"


def member_id(key: str) -> int | None:
    """The member theory id in a 'member:<id>' key, or None for a curated key."""
    if key.startswith(MEMBER_PREFIX) and key[len(MEMBER_PREFIX) :].isdigit():
        return int(key[len(MEMBER_PREFIX) :])
    return None


# -- choosing theories --------------------------------------------------------------------------------------------


def filter_theories(entries: Sequence[TheoryEntry], typed: str, policy: Policy = OPEN) -> list[tuple[int, TheoryEntry]]:
    """The theories the autocomplete offers for ``typed``, with their numbers, in /theory list order: by number (as
    /theory list numbers them), by whole key, or by a name the reader may see (words starting with it first)."""
    numbered = list(enumerate(entries, start=1))
    needle = fold(typed)
    if not needle:
        return numbered
    wanted = resolve.number(typed)
    if wanted is not None:
        return [numbered[wanted - 1]] if 1 <= wanted <= len(entries) else []
    exact = [(n, e) for n, e in numbered if e.key.casefold() == needle]
    return exact or resolve.word_then_inside(needle, numbered, lambda ne: _texts(ne[1], ne[0], policy))


def resolve_theory(entries: Sequence[TheoryEntry], typed: str, policy: Policy = OPEN) -> Resolution[TheoryEntry]:
    """The theory meant: its number in /theory list, its key (what the autocomplete sends), its exact title or
    spoiler-free name, else the one theory whose visible name matches; the nearest visible names when none does."""
    needle = fold(typed)
    if not needle:
        return Resolution(typed)
    for number, entry in enumerate(entries, start=1):
        if needle in (entry.key.casefold(), fold(entry.title), fold(theory_name(entry, number).safe)):
            return Resolution(typed, entry)
    matches = [entry for _, entry in filter_theories(entries, typed, policy)]
    visible = [(n, e) for n, e in enumerate(entries, start=1) if policy.shows(e.name_level)]
    return resolve.one_of(
        typed, matches, lambda: [e for _, e in resolve.nearest(typed, visible, lambda ne: _texts(ne[1], ne[0], policy))]
    )


def find_theory(item: str, entries: Sequence[TheoryEntry], policy: Policy = OPEN) -> TheoryEntry:
    """The theory ``item`` names (see ``resolve_theory``), or a refusal naming what it could mean at ``policy``."""
    resolution = resolve_theory(entries, item, policy)
    if resolution.found is None:
        numbers = {e.key: n for n, e in enumerate(entries, start=1)}
        raise UserError(
            errors.unresolved_theory(resolution, lambda e: listed_name(e, numbers[e.key], policy), len(entries))
        )
    return resolution.found


def choose_theories(text: str | None, entries: Sequence[TheoryEntry], policy: Policy = OPEN) -> list[TheoryEntry]:
    """The poll's theories: the ones ``text`` names (comma-separated: numbers from /theory list, keys or names), or by
    default every approved one up to 10. An item that names no theory, or several, is refused with the choices."""
    if text is None or not text.strip():
        chosen = list(entries[:MAX_OPTIONS])
        if len(chosen) < MIN_OPTIONS:
            raise UserError(errors.too_few_theories(MIN_OPTIONS, len(chosen)))
        return chosen
    chosen = []
    for item in resolve.split_items(text):
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
    title). The last item is matched as ``filter_theories`` matches (numbers from /theory list, keys, names the
    reader may see), so what is offered is what pressing Enter on the typed text would choose. Pairs whose value
    would pass Discord's 100-character limit are left out: the member can keep typing.
    """
    parts = text.split(",")
    done = [p.strip() for p in parts[:-1] if p.strip()]
    taken = {r.found.key for r in (resolve_theory(entries, item, policy) for item in done) if r.found is not None}
    out: list[tuple[str, str]] = []
    for number, entry in filter_theories(entries, parts[-1], policy):
        if entry.key in taken:
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


def theory_totals(rows: Iterable[OptionVotes]) -> list[TheoryTotal]:
    """Each theory's totals over closed polls' options: what the store keeps per server, computed from scratch.

    A poll nobody voted in counts for nobody: it is left out, so a theory only ever in such polls is not ranked at all
    (rather than "1st with 0 votes").
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
    return [TheoryTotal(k, titles[k][1], levels[k], votes[k], len(polls[k]), wins[k]) for k in votes]


def rank_totals(totals: Iterable[TheoryTotal]) -> list[Standing]:
    """All-time standings by theory: most votes first, then most wins, then fewest polls.

    Ties on all three share a rank; their order is then by title and key, so the same totals always give the same
    list.
    """
    order = sorted(totals, key=lambda t: (-t.votes, -t.wins, t.polls, t.title.casefold(), t.theory_key))
    ranks = competition_ranks([(t.votes, t.wins, t.polls) for t in order])
    return [
        Standing(r, t.theory_key, t.title, t.level, t.votes, t.polls, t.wins) for r, t in zip(ranks, order, strict=True)
    ]


def rank_standings(rows: Iterable[OptionVotes]) -> list[Standing]:
    """The standings from closed polls' options (a theory's title is the one its most recent poll used)."""
    return rank_totals(theory_totals(rows))


def button_rows(count: int, per_row: int = BUTTONS_PER_ROW) -> list[int]:
    """Which row each of ``count`` buttons goes on: as few rows as possible, filled evenly (7 -> 4 + 3)."""
    rows = max(1, -(-count // per_row))
    size = -(-count // rows)
    return [i // size for i in range(count)]
