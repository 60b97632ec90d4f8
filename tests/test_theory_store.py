"""The theory store on a temporary database: suggestions and review, polls, votes, deadlines and standings rows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Level, Review, VoteOutcome
from bot.store import Store

GUILD, OTHER_GUILD, CHANNEL, MOD = 1001, 2002, 3003, 4004
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
OPTIONS = [
    ("adams-screenplay", "It was all Adam's screenplay", Level.ENDING),
    ("the-ghosts-are-real", "The ghosts are real", Level.ENDING),
    ("member:1", "Harry is a memory", Level.ENDING),
]


async def _poll(store: Store, *, hours: float = 24, hidden: bool = False, guild: int = GUILD, options=OPTIONS):
    return await store.create_poll(
        guild,
        CHANNEL,
        MOD,
        hidden=hidden,
        created_at=T0,
        closes_at=T0 + timedelta(hours=hours),
        options=options,
    )


async def test_suggestions_are_unique_per_server_whatever_the_case(store: Store) -> None:
    first = await store.add_member_theory(GUILD, "Harry is a memory", "Harry is what Adam remembers.", 7, T0)
    assert first is not None and first.status is Review.PENDING
    assert await store.add_member_theory(GUILD, "HARRY IS A MEMORY", "Same title, other case.", 8, T0) is None
    other = await store.add_member_theory(OTHER_GUILD, "Harry is a memory", "Another server may.", 9, T0)
    assert other is not None
    assert await store.member_theory_titles(GUILD) == ["Harry is a memory"]
    assert await store.member_theory(GUILD, first.id) == first
    assert await store.member_theory(OTHER_GUILD, first.id) is None


async def test_review_happens_once_and_queue_is_oldest_first(store: Store) -> None:
    a = await store.add_member_theory(GUILD, "First idea", "The first idea, in full.", 7, T0)
    b = await store.add_member_theory(GUILD, "Second idea", "The second idea, in full.", 7, T0 + timedelta(minutes=1))
    assert a and b
    assert [t.id for t in await store.member_theories(GUILD, Review.PENDING, limit=1)] == [a.id]
    assert await store.count_member_theories(GUILD, Review.PENDING) == 2
    assert await store.review_member_theory(GUILD, a.id, Review.APPROVED, MOD, T0) is True
    assert await store.review_member_theory(GUILD, a.id, Review.REJECTED, MOD, T0) is False  # already reviewed
    assert await store.review_member_theory(OTHER_GUILD, b.id, Review.APPROVED, MOD, T0) is False  # wrong server
    approved = await store.member_theories(GUILD, Review.APPROVED)
    assert [(t.id, t.reviewed_by, t.reviewed_at) for t in approved] == [(a.id, MOD, T0)]
    assert [t.id for t in await store.member_theories(GUILD, Review.PENDING)] == [b.id]
    with pytest.raises(ValueError):
        await store.review_member_theory(GUILD, b.id, Review.PENDING, MOD, T0)


async def test_poll_round_trip(store: Store) -> None:
    poll = await _poll(store, hidden=True)
    await store.set_poll_message(poll.id, 555)
    loaded = await store.poll(poll.id)
    assert loaded is not None
    assert loaded.message_id == 555 and loaded.hidden and loaded.closed_at is None
    assert loaded.closes_at == T0 + timedelta(hours=24)
    assert [(o.position, o.theory_key, o.title, o.spoiler) for o in loaded.options] == [
        (i, k, t, lv) for i, (k, t, lv) in enumerate(OPTIONS, start=1)
    ]
    assert loaded.option(2).theory_key == "the-ghosts-are-real"
    assert loaded.option(9) is None
    assert await store.poll(poll.id + 100) is None


async def test_vote_move_withdraw(store: Store) -> None:
    poll = await _poll(store)
    at = T0 + timedelta(minutes=5)
    assert await store.vote(poll.id, 1, 1, at) is VoteOutcome.RECORDED
    assert await store.vote(poll.id, 2, 1, at) is VoteOutcome.RECORDED
    assert await store.tallies(poll.id) == {1: 2}
    assert await store.vote(poll.id, 1, 3, at) is VoteOutcome.RECORDED  # moved
    assert await store.tallies(poll.id) == {1: 1, 3: 1}
    assert await store.vote(poll.id, 1, 3, at) is VoteOutcome.WITHDRAWN  # pressed the same one again
    assert await store.tallies(poll.id) == {1: 1}
    assert await store.voter_count(poll.id) == 1


async def test_votes_are_refused_once_closed_or_past_the_deadline(store: Store) -> None:
    poll = await _poll(store, hours=1)
    assert await store.vote(poll.id, 1, 1, T0 + timedelta(minutes=59)) is VoteOutcome.RECORDED
    late = T0 + timedelta(hours=1)
    assert await store.vote(poll.id, 2, 2, late) is VoteOutcome.CLOSED  # at the deadline: closed, even if not marked
    assert await store.vote(poll.id, 1, 1, late) is VoteOutcome.CLOSED  # no withdrawing either
    assert await store.tallies(poll.id) == {1: 1}
    other = await _poll(store)
    assert await store.close_poll(other.id, T0) is True
    assert await store.close_poll(other.id, T0) is False  # only one closer wins
    assert await store.vote(other.id, 1, 1, T0) is VoteOutcome.CLOSED
    assert await store.tallies(other.id) == {}


async def test_concurrent_votes_are_all_counted(store: Store) -> None:
    poll = await _poll(store)
    at = T0 + timedelta(minutes=1)
    await asyncio.gather(*(store.vote(poll.id, user, user % 3 + 1, at) for user in range(60)))
    assert await store.tallies(poll.id) == {1: 20, 2: 20, 3: 20}
    # users 0-19 move to option 1 (those already there withdraw instead), users 20-29 withdraw
    outcomes = await asyncio.gather(
        *(store.vote(poll.id, user, 1, at) for user in range(20)),
        *(store.vote(poll.id, user, user % 3 + 1, at) for user in range(20, 30)),
    )
    assert outcomes.count(VoteOutcome.WITHDRAWN) == 7 + 10  # users 0,3,...,18 were on option 1
    expected = {1: 0, 2: 0, 3: 0}
    for user in range(30, 60):
        expected[user % 3 + 1] += 1
    expected[1] += 20 - 7
    assert await store.tallies(poll.id) == expected


async def test_deadlines_due_and_next(store: Store) -> None:
    assert await store.next_deadline() is None
    soon = await _poll(store, hours=1)
    later = await _poll(store, hours=5)
    assert await store.next_deadline() == soon.closes_at
    assert await store.due_polls(T0 + timedelta(minutes=30)) == []
    assert [p.id for p in await store.due_polls(T0 + timedelta(hours=2))] == [soon.id]
    assert await store.close_poll(soon.id, soon.closes_at)
    assert await store.next_deadline() == later.closes_at
    assert await store.reschedule_poll(later.id, T0 - timedelta(minutes=1)) is True
    assert [p.id for p in await store.due_polls(T0)] == [later.id]
    assert await store.reschedule_poll(soon.id, T0) is False  # closed polls keep their deadline


async def test_summaries_results_and_standing_rows(store: Store) -> None:
    first = await _poll(store)
    second = await _poll(store, hidden=True, options=OPTIONS[:2])
    elsewhere = await _poll(store, guild=OTHER_GUILD)
    at = T0 + timedelta(minutes=1)
    for user, choice in [(1, 1), (2, 1), (3, 2)]:
        await store.vote(first.id, user, choice, at)
    await store.vote(second.id, 1, 2, at)
    await store.vote(elsewhere.id, 1, 1, at)
    await store.close_poll(first.id, at)

    summaries = await store.poll_summaries(GUILD)
    assert [(s.id, s.options, s.voters, s.hidden, s.closed_at) for s in summaries] == [
        (second.id, 2, 1, True, None),
        (first.id, 3, 3, False, at),
    ]
    assert [s.id for s in await store.poll_summaries(GUILD, open_only=True)] == [second.id]

    results = await store.poll_results(GUILD)
    assert [(p.id, counts) for p, counts in results] == [(first.id, {1: 2, 2: 1}), (second.id, {2: 1})]
    with_member = await store.poll_results(GUILD, theory_key="member:1")
    assert [p.id for p, _ in with_member] == [first.id]

    rows = await store.closed_option_votes(GUILD)  # only closed polls, only this server
    assert [(r.poll_id, r.theory_key, r.votes, r.level) for r in rows] == [
        (first.id, "adams-screenplay", 2, Level.ENDING),
        (first.id, "the-ghosts-are-real", 1, Level.ENDING),
        (first.id, "member:1", 0, Level.ENDING),
    ]


async def test_delete_poll_takes_options_and_votes(store: Store) -> None:
    poll = await _poll(store)
    await store.vote(poll.id, 1, 1, T0)
    await store.delete_poll(poll.id)
    assert await store.poll(poll.id) is None
    assert await store.tallies(poll.id) == {}
    assert await store.integrity_check() == "ok"


async def test_times_must_carry_a_zone(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone"):
        await store.vote(1, 1, 1, datetime(2026, 1, 1))
