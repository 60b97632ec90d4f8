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


async def test_vote_move_keep_withdraw(store: Store) -> None:
    poll = await _poll(store)
    at = T0 + timedelta(minutes=5)
    assert await store.vote(poll.id, 1, 1, at) is VoteOutcome.RECORDED
    assert await store.vote(poll.id, 2, 1, at) is VoteOutcome.RECORDED
    assert await store.tallies(poll.id) == {1: 2}
    assert await store.vote(poll.id, 1, 3, at) is VoteOutcome.MOVED
    assert await store.tallies(poll.id) == {1: 1, 3: 1}
    # pressed the same one again (say, after "This interaction failed"): the vote stays, nothing is undone
    assert await store.vote(poll.id, 1, 3, at) is VoteOutcome.KEPT
    assert await store.tallies(poll.id) == {1: 1, 3: 1}
    assert await store.withdraw(poll.id, 1, at) == 3  # only the Withdraw button takes a vote back
    assert await store.withdraw(poll.id, 1, at) is None  # nothing left to withdraw
    assert await store.tallies(poll.id) == {1: 1}
    assert await store.voter_count(poll.id) == 1
    assert await store.vote(poll.id, 1, 2, at) is VoteOutcome.RECORDED  # a vote again, after withdrawing
    assert await store.tallies(poll.id) == await _recount(store, poll.id) == {1: 1, 2: 1}


async def _recount(store: Store, poll_id: int) -> dict[int, int]:
    """The oracle for the kept counts: the votes themselves, counted."""
    rows = await store._rows("SELECT position, COUNT(*) FROM votes WHERE poll_id = ? GROUP BY position", (poll_id,))
    return {row[0]: row[1] for row in rows}


async def test_votes_are_refused_once_closed_or_past_the_deadline(store: Store) -> None:
    poll = await _poll(store, hours=1)
    assert await store.vote(poll.id, 1, 1, T0 + timedelta(minutes=59)) is VoteOutcome.RECORDED
    late = T0 + timedelta(hours=1)
    assert await store.vote(poll.id, 2, 2, late) is VoteOutcome.CLOSED  # at the deadline: closed, even if not marked
    assert await store.vote(poll.id, 1, 1, late) is VoteOutcome.CLOSED
    assert await store.withdraw(poll.id, 1, late) is None  # no withdrawing either
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
    # users 0-19 press option 1 (those already there keep it), users 20-29 withdraw, 30-39 press theirs again
    outcomes = await asyncio.gather(
        *(store.vote(poll.id, user, 1, at) for user in range(20)),
        *(store.vote(poll.id, user, user % 3 + 1, at) for user in range(30, 40)),
    )
    withdrawn = await asyncio.gather(*(store.withdraw(poll.id, user, at) for user in range(20, 30)))
    assert outcomes.count(VoteOutcome.KEPT) == 7 + 10  # users 0,3,...,18 were on option 1; 30-39 press their own
    assert outcomes.count(VoteOutcome.MOVED) == 13
    assert withdrawn == [user % 3 + 1 for user in range(20, 30)]
    expected = {1: 0, 2: 0, 3: 0}
    for user in range(30, 60):
        expected[user % 3 + 1] += 1
    expected[1] += 20
    assert await store.tallies(poll.id) == await _recount(store, poll.id) == expected


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
    with_member, total = await store.theory_history(GUILD, "member:1", latest=15)
    assert [(p.poll_id, p.votes, p.total, p.place, p.options) for p in with_member] == [(first.id, 0, 3, 3, 3)]
    assert total == 1 and with_member[0].closed_at == at
    history, total = await store.theory_history(GUILD, "adams-screenplay", latest=15)
    assert [(p.poll_id, p.votes, p.total, p.place, p.hidden) for p in history] == [
        (first.id, 2, 3, 1, False),
        (second.id, 0, 1, 2, True),
    ]
    latest, total = await store.theory_history(GUILD, "adams-screenplay", latest=1)
    assert [p.poll_id for p in latest] == [second.id] and total == 2
    assert await store.theory_history(GUILD, "no-such-theory", latest=15) == ([], 0)

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


async def test_standings_kept_at_close_equal_a_recount_of_closed_polls(store: Store) -> None:
    """The per-server totals added to as each poll closes match the standings computed from every closed option."""
    from bot.polls import rank_standings, rank_totals

    at = T0 + timedelta(minutes=1)
    polls = [await _poll(store) for _ in range(4)] + [await _poll(store, options=OPTIONS[1:])]
    elsewhere = await _poll(store, guild=OTHER_GUILD)
    for n, poll in enumerate(polls):
        for user in range(n * 3 + 1):
            await store.vote(poll.id, user, (user * (n + 1)) % len(poll.options) + 1, at)
    await store.vote(elsewhere.id, 1, 1, at)
    for poll in polls[:-1]:  # the last one stays open: it is not in the standings
        assert await store.close_poll(poll.id, at)
    assert await store.close_poll(polls[0].id, at) is False  # closing twice counts once
    await store.close_poll(elsewhere.id, at)
    kept = rank_totals(await store.theory_totals(GUILD))
    assert kept == rank_standings(await store.closed_option_votes(GUILD))
    assert sum(s.polls for s in kept) == 4 * len(OPTIONS)
    assert [t.votes for t in await store.theory_totals(OTHER_GUILD)] == [1, 0, 0]


async def test_migration_005_backfills_counts_and_standings(tmp_path) -> None:
    """A database at schema 3 with votes and closed polls: after 005, kept counts and standings equal recounts."""
    import sqlite3

    from bot.polls import rank_standings, rank_totals
    from bot.store.base import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, _, sql in migrations():
        if version <= 3:
            conn.executescript(sql)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO polls VALUES (1, 10, 20, 30, 40, 0, 'a', 'b', 'c'), (2, 10, 20, 31, 40, 0, 'a', 'b', NULL)"
    )
    conn.execute(
        "INSERT INTO polls VALUES (3, 11, 20, 32, 40, 0, 'a', 'b', 'c'), (4, 10, 20, 33, 40, 0, 'a', 'b', 'd')"
    )
    for poll in (1, 2, 3, 4):
        for position, (key, title, level) in enumerate(OPTIONS, start=1):
            conn.execute(
                "INSERT INTO poll_options VALUES (?, ?, ?, ?, ?)", (poll, position, key, f"{title} {poll}", level)
            )
    votes = [(p, u, (u * p) % 3 + 1, "t") for p in (1, 2, 3, 4) for u in range(p * 4)]
    conn.executemany("INSERT INTO votes VALUES (?, ?, ?, ?)", votes)
    conn.close()
    store = await Store.open(path)
    try:
        for poll in (1, 2, 3, 4):
            assert await store.tallies(poll) == await _recount(store, poll)
        for guild in (10, 11):
            kept = rank_totals(await store.theory_totals(guild))
            assert kept and kept == rank_standings(await store.closed_option_votes(guild))
        assert {s.title for s in rank_totals(await store.theory_totals(10))} == {t + " 4" for _, t, _ in OPTIONS}
    finally:
        await store.close()


async def test_a_burst_is_written_in_batches_and_a_bad_vote_fails_alone(store: Store) -> None:
    """Presses arriving together share a transaction; one that breaks a rule (an option the poll lacks) fails on its
    own, and every other vote of its batch is still written."""
    poll = await _poll(store)
    at = T0 + timedelta(minutes=1)
    presses = [store.vote(poll.id, user, user % 3 + 1, at) for user in range(300)]
    presses.insert(150, store.vote(poll.id, 999, 7, at))  # no option 7
    outcomes = await asyncio.gather(*presses, return_exceptions=True)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failed) == 1 and outcomes[150] is failed[0]
    assert outcomes.count(VoteOutcome.RECORDED) == 300
    assert await store.tallies(poll.id) == await _recount(store, poll.id) == {1: 100, 2: 100, 3: 100}
