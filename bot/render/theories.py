"""What /theory says: the list, one theory, the review queue, polls, votes and standings (pure).

Theory titles and claims carry their spoiler levels; everything else here (numbers, counts, times) is spoiler-free,
so it can go in titles, footers and autocomplete names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ..models import Level, MemberTheory, Poll, PollOption, PollSummary, TheoryInPoll, VoteOutcome
from ..polls import (
    Standing,
    TheoryEntry,
    bar,
    hidden_title,
    leaders,
    option_name,
    percent,
    theory_name,
)
from .answer import Answer, bold
from .limits import CHOICE_NAME_LIMIT, shorten
from .markup import Block, Name, Segment, raw
from .phrases import member, ordinal, plural, stamp
from .pictures import ChartTheory, ResultBar, ResultsChart, StandingRow, StandingsChart

NOT_RANKED = "not ranked yet: no closed poll with votes here has included it"
NO_STANDINGS = "No theory is ranked yet: no closed poll here has any votes. Moderators can open one with /theory poll."
HISTORY_SHOWN = 15  # polls listed by /theory show; older ones are counted
THREAD_NAME = "Theory poll #{id}: discussion"


def thread_name(poll_id: int) -> str:
    return THREAD_NAME.format(id=poll_id)


# -- /theory list, /theory show, /theory results ---------------------------------------------------------------------


def list_answer(guild_id: int, entries: Sequence[TheoryEntry], standings: Mapping[str, Standing]) -> Answer:
    blocks: list[Block] = []
    for number, entry in enumerate(entries, start=1):
        standing = standings.get(entry.key)
        if standing is None:
            where = NOT_RANKED
        else:
            where = (
                f"{ordinal(standing.rank)} of {len(standings)} all-time, "
                f"{plural(standing.votes, 'vote')} in {plural(standing.polls, 'poll')}"
            )
        origin = "" if entry.curated else " (a member's theory)"
        name = theory_name(entry, number)
        title = Segment(name.text, name.level, safe=hidden_title(name.level))
        blocks.append([raw(f"**{number}.**"), title, Segment(f"— {where}{origin}")])
    return Answer(
        title="Theories about the film",
        blocks=blocks,
        footer="/theory show explains one (its number will do); /theory suggest adds yours to the moderators' queue.",
        reveal_key=f"theories:{guild_id}",
    )


def history_line(poll: TheoryInPoll) -> str:
    """One poll in a theory's history: where it placed (no theory text, so no spoilers)."""
    if poll.closed_at is not None and not poll.total:
        return f"• Poll #{poll.poll_id}, closed {stamp(poll.closed_at, 'd')}: nobody voted, so it ranks nobody."
    if poll.closed_at is not None:
        return (
            f"• Poll #{poll.poll_id}, closed {stamp(poll.closed_at, 'd')}: {ordinal(poll.place)} of {poll.options} "
            f"with {plural(poll.votes, 'vote')} of {poll.total}."
        )
    if poll.hidden:
        return f"• Poll #{poll.poll_id}, open until {stamp(poll.closes_at)}: results hidden until it closes."
    return (
        f"• Poll #{poll.poll_id}, open until {stamp(poll.closes_at)}: {plural(poll.votes, 'vote')} of {poll.total} "
        "so far."
    )


def theory_answer(
    guild_id: int,
    entry: TheoryEntry,
    evidence: Sequence[Name],
    standings: Mapping[str, Standing],
    history: Sequence[TheoryInPoll],
    earlier: int = 0,
) -> Answer:
    """One theory: its claim, the moments it cites (their titles), its source or author, its polls here (the
    ``history`` given, oldest first, and how many ``earlier`` ones there were besides)."""
    level = entry.level
    blocks: list[Block] = [
        [bold("Theory:"), Segment(entry.title, entry.name_level)],
        [bold("Claim:"), Segment(entry.claim, level)],
    ]
    if evidence:
        # The moments it cites, named as plainly as the claim and their own titles allow together.
        cited = max((level, *(n.level for n in evidence)))
        blocks.append([bold("Evidence:"), Segment("; ".join(n.text for n in evidence), cited)])
    if entry.author_id is None:
        blocks.append([bold("Source:"), Segment(entry.source)])
    else:
        blocks.append([bold("Suggested by:"), raw(member(entry.author_id))])
    blocks.append([])
    standing = standings.get(entry.key)
    if standing is None:
        blocks.append([bold("All-time here:"), Segment(f"{NOT_RANKED}.")])
    else:
        blocks.append(
            [
                bold("All-time here:"),
                Segment(
                    f"{ordinal(standing.rank)} of {len(standings)}, {plural(standing.votes, 'vote')} in "
                    f"{plural(standing.polls, 'closed poll')}, {plural(standing.wins, 'win')}."
                ),
            ]
        )
    if not history:
        blocks.append([bold("Polls here:"), Segment("none yet.")])
    else:
        blocks.append([bold("Polls here:")])
        shown = history[-HISTORY_SHOWN:]
        for poll in reversed(shown):
            blocks.append([raw(history_line(poll))])
        earlier += len(history) - len(shown)
        if earlier > 0:
            blocks.append([Segment(f"…and {plural(earlier, 'earlier poll')}.")])
    origin = "Curated from interviews and reviews" if entry.curated else "A member's theory, approved here"
    return Answer(
        title="A theory about the film",
        blocks=blocks,
        footer=f"{origin}. Vote on it when a moderator opens a /theory poll.",
        reveal_key=f"theory:{guild_id}:{entry.key}",
        layout=True,
    )


def standings_answer(guild_id: int, standings: Sequence[Standing], numbers: Mapping[str, int] | None = None) -> Answer:
    """The all-time standings as text and as a picture; ``numbers`` are the theories' numbers in /theory list (their
    spoiler-free names in the picture), by key."""
    blocks: list[Block] = [
        [
            raw(f"**{ordinal(s.rank)}**"),
            Segment(s.title, s.level),
            Segment(f"— {plural(s.votes, 'vote')} in {plural(s.polls, 'poll')}, {plural(s.wins, 'win')}"),
        ]
        for s in standings
    ]
    if not blocks:
        blocks.append([Segment(NO_STANDINGS)])
    return Answer(
        title="All-time theory standings",
        blocks=blocks,
        footer="Votes from every closed poll here; theories with equal votes, wins and polls share a place.",
        reveal_key=f"standings:{guild_id}",
        chart=standings_chart(standings, numbers or {}) if standings else None,
    )


def standings_chart(standings: Sequence[Standing], numbers: Mapping[str, int]) -> StandingsChart:
    """The standings' picture: a theory missing from ``numbers`` is named by its rank when it must not be read."""
    rows = tuple(
        StandingRow(ChartTheory(numbers.get(s.theory_key, s.rank), s.title, s.level), s.rank, s.votes, s.wins, s.polls)
        for s in standings
    )
    return StandingsChart(
        "All-time theory standings",
        "Votes from every closed poll in this server; equal votes, wins and polls share a place.",
        rows,
    )


def hidden_results(poll: Poll, voters: int) -> str:
    return (
        f"Poll #{poll.id}'s results stay hidden until it closes {stamp(poll.closes_at, 'R')}; "
        f"{plural(voters, 'member')} voted so far."
    )


def poll_choice_name(summary: PollSummary) -> str:
    """A poll in a picker, described without any theory text."""
    if summary.closed_at is None:
        state = f"open until {summary.closes_at:%d %b %H:%M} UTC"
        votes = "results hidden" if summary.hidden else plural(summary.voters, "vote")
    else:
        state, votes = f"closed {summary.closed_at:%d %b %Y}", plural(summary.voters, "vote")
    return shorten(f"#{summary.id} · {state} · {summary.options} theories · {votes}", CHOICE_NAME_LIMIT)


# -- suggestions and their review -------------------------------------------------------------------------------------


def suggestion_thanks(theory_id: int) -> str:
    return (
        f"Thank you! Your theory is suggestion #{theory_id}; the moderators will review it, and once approved "
        "it can be picked for polls."
    )


def review_answer(theory: MemberTheory, waiting: int) -> Answer:
    """The oldest waiting suggestion, as the moderator reviewing it reads it."""
    return Answer(
        title=f"Suggestion #{theory.id} ({waiting} waiting)",
        blocks=[
            [bold("Title:"), Segment(theory.title, theory.spoiler)],
            [bold("Claim:"), Segment(theory.claim, theory.spoiler)],
            [bold("Spoiler level:"), Segment(f"{theory.spoiler.label} (as the suggester chose; change it below)")],
            [raw(f"Suggested by {member(theory.author_id)} {stamp(theory.created_at, 'R')}.")],
        ],
        footer="Approve to make it available for polls, reject to drop it; the spoiler buttons set its level.",
    )


def review_empty(note: str = "") -> str:
    return (f"{note}\n" if note else "") + "No suggestions are waiting for review."


def level_note(theory_id: int, level: Level, done: bool) -> str:
    if not done:
        return f"Suggestion #{theory_id} was already reviewed."
    return f"Suggestion #{theory_id} is now at spoiler level {level.label}."


def review_note(theory_id: int, approve: bool, done: bool) -> str:
    if not done:
        return f"Suggestion #{theory_id} was already reviewed."
    if approve:
        return f"Approved suggestion #{theory_id}: it can now be picked for polls."
    return f"Rejected suggestion #{theory_id}."


# -- polls ---------------------------------------------------------------------------------------------------------


def poll_title(poll: Poll) -> str:
    """The embed title: spoiler-free, no theory text."""
    return f"Theory poll #{poll.id}: final results" if poll.closed else f"Theory poll #{poll.id}"


def poll_blocks(poll: Poll, counts: Mapping[int, int] | None, *, instructions: bool = True) -> list[Block]:
    """The poll's text: each theory at its own spoiler level, with bars and counts when ``counts`` is given.

    ``instructions`` (how to vote) is for the poll message itself, which carries the buttons.
    """
    blocks: list[Block] = []
    if not poll.closed and instructions:
        blocks.append([Segment("Which reading of the film convinces you most? Press a number to vote.")])
        blocks.append([])
    votes = [counts.get(o.position, 0) for o in poll.options] if counts is not None else None
    total = sum(votes) if votes is not None else 0
    winners = set(leaders(votes)) if votes is not None and poll.closed else set()
    for index, option in enumerate(poll.options):
        mark = " \N{TROPHY}" if index in winners else ""
        blocks.append([raw(f"**{option.position}.**{mark}"), option_name(option).segment()])
        if votes is not None:
            blocks.append(
                [raw(f"`{bar(votes[index], total)}` {plural(votes[index], 'vote')} · {percent(votes[index], total)}")]
            )
    blocks.append([])
    if poll.closed_at is not None:
        if votes is not None and not total:
            blocks.append([Segment("Nobody voted in this poll.")])
        elif votes is not None:
            blocks.append([Segment(f"{plural(total, 'member')} voted.")])
        blocks.append([raw(f"Closed {stamp(poll.closed_at)}.")])
    else:
        how = "Results are hidden until it closes." if poll.hidden else "Results update as people vote."
        blocks.append([raw(f"Closes {stamp(poll.closes_at, 'R')} ({stamp(poll.closes_at)}). {how}")])
        if instructions:
            blocks.append(
                [Segment("One vote each: press another number to move your vote, or Withdraw my vote to take it back.")]
            )
    return blocks


def poll_footer(poll: Poll) -> str:
    if poll.closed:
        return "This poll is closed. /theory results shows the server's all-time standings."
    return "One vote per member. /theory show explains each theory."


def visible_counts(poll: Poll, counts: Mapping[int, int]) -> Mapping[int, int] | None:
    """The counts a poll may show now: none while an open poll hides its results."""
    return None if poll.hidden and poll.closed_at is None else counts


def poll_message(poll: Poll, counts: Mapping[int, int]) -> Answer:
    """The poll message itself (its buttons go with it); counts appear unless hidden until it closes."""
    return Answer(
        title=poll_title(poll),
        blocks=poll_blocks(poll, visible_counts(poll, counts)),
        footer=poll_footer(poll),
        reveal_key=f"poll:{poll.id}",
        chart=poll_chart(poll, counts) if poll.closed else None,
    )


def poll_results(poll: Poll, counts: Mapping[int, int]) -> Answer:
    """A poll's results as /theory results and the reveal button show them."""
    title = poll_title(poll) if poll.closed else f"Theory poll #{poll.id}: votes so far"
    return Answer(
        title=title,
        blocks=poll_blocks(poll, visible_counts(poll, counts), instructions=False),
        footer=poll_footer(poll),
        reveal_key=f"poll:{poll.id}",
        chart=poll_chart(poll, counts) if visible_counts(poll, counts) is not None else None,
    )


def day(moment: datetime) -> str:
    """A date as the pictures write it (they cannot show Discord's timestamps): "4 Nov 2026", in UTC."""
    return f"{moment.day} {moment:%b %Y}"


def poll_chart(poll: Poll, counts: Mapping[int, int]) -> ResultsChart:
    """A poll's picture: one bar per option in the poll's order, winners marked once it is closed. Pass only counts
    the poll may show (``visible_counts``). The title and the caption (number and dates) are spoiler-free."""
    votes = [counts.get(o.position, 0) for o in poll.options]
    winners = set(leaders(votes)) if poll.closed else set()
    bars = tuple(
        ResultBar(ChartTheory(o.position, o.title, o.spoiler), v, i in winners)
        for i, (o, v) in enumerate(zip(poll.options, votes, strict=True))
    )
    opened = f"Poll #{poll.id} · opened {day(poll.created_at)}"
    if poll.closed_at is not None:
        return ResultsChart(
            poll.id, poll_title(poll), f"{opened} · closed {day(poll.closed_at)} {poll.closed_at:%H:%M} UTC", bars
        )
    return ResultsChart(
        poll.id,
        f"Theory poll #{poll.id}: votes so far",
        f"{opened} · closes {day(poll.closes_at)} {poll.closes_at:%H:%M} UTC",
        bars,
    )


WITHDRAW_HINT = "Press another number to move it, or Withdraw my vote to take it back."


def vote_note(option: PollOption, outcome: VoteOutcome, hidden: bool) -> list[Block]:
    """The private confirmation of a press: what it did to the member's vote, and how to change it.

    Pressing the number one's vote is already on keeps it there and says so: a press repeated after "This
    interaction failed" never undoes the vote it may have recorded.
    """
    title = option_name(option).segment()
    position = option.position
    if outcome is VoteOutcome.KEPT:
        blocks: list[Block] = [
            [raw(f"Your vote was already on **{position}**, and it stays there:"), title],
            [Segment("To take it back, press Withdraw my vote; to move it, press another number.")],
        ]
    else:
        done = "moved to" if outcome is VoteOutcome.MOVED else "is on"
        blocks = [[raw(f"Your vote {done} **{position}**:"), title], [Segment(WITHDRAW_HINT)]]
    if hidden:
        blocks.append([Segment("Results stay hidden until the poll closes.")])
    return blocks


def withdraw_note(option: PollOption | None) -> list[Block]:
    """The private confirmation of the Withdraw button: the vote it took back, or that there was none."""
    if option is None:
        return [[Segment("You have no vote in this poll to withdraw. Press a number to vote.")]]
    return [
        [raw(f"You withdrew your vote for **{option.position}**:"), Segment(option.title, option.spoiler)],
        [Segment("Press a number to vote again.")],
    ]


def closed_refusal(poll: Poll) -> str:
    assert poll.closed_at is not None
    return (
        f"Poll #{poll.id} closed {stamp(poll.closed_at, 'R')}, so votes are no longer counted. "
        "Its final results are on the poll."
    )


def close_note(poll_id: int, *, closed: bool, failure: str | None = None) -> str:
    """The moderator's confirmation of /theory close; ``failure`` says why its message could not be updated."""
    if not closed:
        return f"Poll #{poll_id} was already closed."
    if failure is None:
        return f"Closed poll #{poll_id}; its message now shows the final results."
    return (
        f"Closed poll #{poll_id}, but its message could not be updated: {failure} "
        f"/theory results poll:{poll_id} shows the results."
    )
