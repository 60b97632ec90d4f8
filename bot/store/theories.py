"""Members' theories, theory polls and their votes: one server's state, changed by commands and buttons.

Votes live only here: a vote is one statement (an upsert, or a delete to withdraw) that also checks the poll is open.
Triggers keep each option's count in the same transaction as the vote (migration 005), and closing a poll adds its
results to the server's standings in the closing transaction, so no read here grows with the number of votes, and
every query names its server or its poll (no query reads another server's rows).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from ..models import (
    Level,
    MemberTheory,
    OptionVotes,
    Poll,
    PollOption,
    PollSummary,
    Review,
    Shards,
    TheoryInPoll,
    TheoryTotal,
    VoteOutcome,
)
from .base import StoreBase, iso, time_or_none
from .connection import GuardedConnection
from .errors import QueueFull, StoreError

_MEMBER_THEORY_COLUMNS = "id, guild_id, title, claim, author_id, status, created_at, reviewed_by, reviewed_at, spoiler"
_OPEN = "closed_at IS NULL AND closes_at > ?"
# A closed poll's options added to its server's standings: one row per theory, its votes, one poll, a win if it led
# (or shared the lead of) it, its highest level, and the title of its most recent poll. A poll nobody voted in adds
# nothing: it ranks nobody.
_ADD_TO_STANDINGS = (
    "INSERT INTO theory_standings (guild_id, theory_key, title, title_poll, spoiler, votes, polls, wins) "
    "SELECT o.guild_id, o.theory_key, o.title, o.poll_id, o.spoiler, o.votes, 1, "
    "CASE WHEN t.top > 0 AND o.votes = t.top THEN 1 ELSE 0 END "
    "FROM poll_options o, (SELECT MAX(votes) AS top FROM poll_options WHERE poll_id = ?) t "
    "WHERE o.poll_id = ? AND t.top > 0 "
    "ON CONFLICT (guild_id, theory_key) DO UPDATE SET "
    "votes = theory_standings.votes + excluded.votes, polls = theory_standings.polls + 1, "
    "wins = theory_standings.wins + excluded.wins, "
    "spoiler = MAX(theory_standings.spoiler, excluded.spoiler), "
    "title = CASE WHEN excluded.title_poll >= theory_standings.title_poll THEN excluded.title "
    "ELSE theory_standings.title END, "
    "title_poll = MAX(theory_standings.title_poll, excluded.title_poll)"
)


def _polls_from_rows(rows: Sequence[sqlite3.Row]) -> tuple[list[Poll], dict[int, dict[int, int]]]:
    """Polls and their votes per option (options nobody chose absent) from rows of polls joined to their options."""
    by_poll: dict[int, list[sqlite3.Row]] = {}
    for row in rows:
        by_poll.setdefault(row["id"], []).append(row)
    counts = {i: {o["position"]: o["votes"] for o in r if o["votes"]} for i, r in by_poll.items()}
    return [
        Poll(
            r[0]["id"],
            r[0]["guild_id"],
            r[0]["channel_id"],
            r[0]["message_id"],
            r[0]["author_id"],
            bool(r[0]["hidden"]),
            datetime.fromisoformat(r[0]["created_at"]),
            datetime.fromisoformat(r[0]["closes_at"]),
            time_or_none(r[0]["closed_at"]),
            tuple(PollOption(o["position"], o["theory_key"], o["title"], Level(o["spoiler"])) for o in r),
        )
        for r in by_poll.values()
    ], counts


def _member_theory(row: sqlite3.Row) -> MemberTheory:
    return MemberTheory(
        row["id"],
        row["guild_id"],
        row["title"],
        row["claim"],
        row["author_id"],
        Review(row["status"]),
        datetime.fromisoformat(row["created_at"]),
        row["reviewed_by"],
        time_or_none(row["reviewed_at"]),
        Level(row["spoiler"]),
    )


_VOTE = (
    "INSERT INTO votes (poll_id, user_id, position, voted_at) "
    f"SELECT id, ?, ?, ? FROM polls WHERE id = ? AND {_OPEN} "
    "ON CONFLICT (poll_id, user_id) DO UPDATE "
    "SET previous = votes.position, position = excluded.position, voted_at = excluded.voted_at "
    "RETURNING previous"
)
VOTE_BATCH = 500  # votes written in one transaction at most
_NO_ROW = object()  # the vote statement returned no row: the poll is closed
_Ballot = tuple[int, int, int, str, "asyncio.Future[VoteOutcome]"]


def _outcome(previous: object, position: int) -> VoteOutcome:
    if previous is _NO_ROW:
        return VoteOutcome.CLOSED
    if previous is None:
        return VoteOutcome.RECORDED
    return VoteOutcome.KEPT if previous == position else VoteOutcome.MOVED


def _vote_batch(conn: GuardedConnection) -> Callable[[str, list[tuple[object, ...]]], list[object]]:
    """Run in the database thread: each vote's statement in one transaction; what each returned (``_NO_ROW``: none).

    Called as ``fn(sql, params)``, so the connection's guard sees the statement (an INSERT) and refuses it once the
    file was replaced, as it refuses any write.
    """

    def run(sql: str, params: list[tuple[object, ...]]) -> list[object]:
        raw = conn._conn
        raw.execute("BEGIN IMMEDIATE")
        try:
            found = []
            for one in params:
                rows = raw.execute(sql, one).fetchall()
                found.append(rows[0][0] if rows else _NO_ROW)
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")
        return found

    return run


POLL_CACHE_SIZE = 2048  # polls whose rows a vote press reads from memory (the most recently pressed ones)


class TheoryStore(StoreBase):
    """Theories, polls and votes.

    ``posted_poll`` reads a poll from a bounded in-memory cache: what a vote press needs of a poll (its server, its
    message, its options, hidden or not) never changes once its message is posted, and whether it is still open is
    decided by the vote statement itself, in the database, so a cached row can never let a vote onto a closed poll,
    in this process or in another one sharing the database.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._posted: OrderedDict[int, Poll] = OrderedDict()
        self._ballots: list[_Ballot] = []  # votes waiting for the batch being written
        self._voting: asyncio.Task[None] | None = None

    # -- members' theories ------------------------------------------------------------------------------------------

    async def add_member_theory(
        self,
        guild_id: int,
        title: str,
        claim: str,
        author_id: int,
        now: datetime,
        spoiler: Level = Level.ENDING,
        *,
        caps: tuple[int, int] | None = None,
    ) -> MemberTheory | None:
        """Queue a suggestion for review; None if this server already has a theory of that title (any case).

        With ``caps`` (waiting per member, waiting per server), raises ``QueueFull`` instead of queueing beyond
        them; the counts and the insert are made under the write lock, so concurrent suggestions cannot pass a cap.
        """
        try:
            async with self._write_lock:
                if caps is not None:
                    mine, everyone = await self.waiting_counts(guild_id, author_id)
                    if mine >= caps[0] or everyone >= caps[1]:
                        raise QueueFull(mine, everyone)
                cursor = await self._conn.execute(
                    "INSERT INTO member_theories (guild_id, title, claim, author_id, created_at, spoiler) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (guild_id, title, claim, author_id, iso(now), int(spoiler)),
                )
        except sqlite3.IntegrityError:
            return None
        assert cursor.lastrowid is not None
        return MemberTheory(cursor.lastrowid, guild_id, title, claim, author_id, Review.PENDING, now, spoiler=spoiler)

    async def member_theory(self, guild_id: int, theory_id: int) -> MemberTheory | None:
        row = await self._row(
            f"SELECT {_MEMBER_THEORY_COLUMNS} FROM member_theories WHERE guild_id = ? AND id = ?",
            (guild_id, theory_id),
        )
        return None if row is None else _member_theory(row)

    async def member_theories(self, guild_id: int, status: Review, limit: int = -1) -> list[MemberTheory]:
        """A server's suggestions in one state, oldest first."""
        rows = await self._rows(
            f"SELECT {_MEMBER_THEORY_COLUMNS} FROM member_theories WHERE guild_id = ? AND status = ? "
            "ORDER BY id LIMIT ?",
            (guild_id, status.value, limit),
        )
        return [_member_theory(row) for row in rows]

    async def waiting_counts(self, guild_id: int, author_id: int) -> tuple[int, int]:
        """Suggestions waiting for review in a server: the member's own, and everyone's."""
        row = await self._row(
            "SELECT COUNT(*) AS everyone, COALESCE(SUM(author_id = ?), 0) AS mine FROM member_theories "
            "WHERE guild_id = ? AND status = ?",
            (author_id, guild_id, Review.PENDING.value),
        )
        assert row is not None
        return int(row["mine"]), int(row["everyone"])

    async def count_member_theories(self, guild_id: int, status: Review) -> int:
        return await self._count(
            "SELECT COUNT(*) FROM member_theories WHERE guild_id = ? AND status = ?", (guild_id, status.value)
        )

    async def member_theory_titles(self, guild_id: int) -> list[str]:
        """Every title this server holds, whatever its review state (titles are unique per server)."""
        rows = await self._rows("SELECT title FROM member_theories WHERE guild_id = ?", (guild_id,))
        return [row["title"] for row in rows]

    async def review_member_theory(
        self, guild_id: int, theory_id: int, decision: Review, reviewer_id: int, now: datetime
    ) -> bool:
        """Approve or reject a pending suggestion; False if it is not pending (someone reviewed it first)."""
        if decision is Review.PENDING:
            raise ValueError("a review approves or rejects")
        async with self._write_lock:
            cursor = await self._conn.execute(
                "UPDATE member_theories SET status = ?, reviewed_by = ?, reviewed_at = ? "
                "WHERE guild_id = ? AND id = ? AND status = 'pending'",
                (decision.value, reviewer_id, iso(now), guild_id, theory_id),
            )
        return cursor.rowcount == 1

    async def set_member_theory_level(self, guild_id: int, theory_id: int, level: Level) -> bool:
        """A moderator's choice of how much a waiting suggestion gives away; False if it is not pending any more."""
        async with self._write_lock:
            cursor = await self._conn.execute(
                "UPDATE member_theories SET spoiler = ? WHERE guild_id = ? AND id = ? AND status = 'pending'",
                (int(level), guild_id, theory_id),
            )
        return cursor.rowcount == 1

    # -- polls ------------------------------------------------------------------------------------------------------

    async def create_poll(
        self,
        guild_id: int,
        channel_id: int,
        author_id: int,
        *,
        hidden: bool,
        created_at: datetime,
        closes_at: datetime,
        options: Sequence[tuple[str, str, Level]],
    ) -> Poll:
        """A new open poll with its options (theory key, title, spoiler level) numbered from 1."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO polls (guild_id, channel_id, author_id, hidden, created_at, closes_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, channel_id, author_id, int(hidden), iso(created_at), iso(closes_at)),
            )
            poll_id = cursor.lastrowid
            assert poll_id is not None
            rows = [(poll_id, i, key, title, int(level)) for i, (key, title, level) in enumerate(options, start=1)]
            await db.executemany(
                "INSERT INTO poll_options (poll_id, position, theory_key, title, spoiler, guild_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(*row, guild_id) for row in rows],
            )
        return Poll(
            poll_id,
            guild_id,
            channel_id,
            None,
            author_id,
            hidden,
            created_at,
            closes_at,
            None,
            tuple(PollOption(p, k, t, Level(s)) for _, p, k, t, s in rows),
        )

    async def set_poll_message(self, poll_id: int, message_id: int) -> None:
        async with self._write_lock:
            await self._conn.execute("UPDATE polls SET message_id = ? WHERE id = ?", (message_id, poll_id))

    async def delete_poll(self, poll_id: int) -> None:
        """Forget a poll whose message could not be posted (its options and votes go with it)."""
        self._posted.pop(poll_id, None)
        async with self.transaction() as db:
            await db.execute("DELETE FROM votes WHERE poll_id = ?", (poll_id,))
            await db.execute("DELETE FROM polls WHERE id = ?", (poll_id,))

    async def posted_poll(self, poll_id: int) -> Poll | None:
        """A poll whose message is posted, from memory when it was read lately (its ``closed_at`` and ``closes_at``
        may be out of date: the vote statements check them); None if unknown or not posted yet."""
        poll = self._posted.get(poll_id)
        if poll is not None:
            self._posted.move_to_end(poll_id)
            return poll
        poll = await self.poll(poll_id)
        if poll is None or poll.message_id is None:
            return None
        self._posted[poll_id] = poll
        if len(self._posted) > POLL_CACHE_SIZE:
            self._posted.popitem(last=False)
        return poll

    async def poll(self, poll_id: int) -> Poll | None:
        polls = await self._polls("p.id = ?", (poll_id,))
        return polls[0] if polls else None

    async def _polls(self, where: str, params: tuple[object, ...]) -> list[Poll]:
        polls, _ = await self._polls_with_counts(where, params)
        return polls

    async def poll_and_tallies(self, poll_id: int) -> tuple[Poll, dict[int, int]] | None:
        """A poll and its votes per option, in one query."""
        polls, counts = await self._polls_with_counts("p.id = ?", (poll_id,))
        return (polls[0], counts[polls[0].id]) if polls else None

    async def _polls_with_counts(
        self, where: str, params: tuple[object, ...]
    ) -> tuple[list[Poll], dict[int, dict[int, int]]]:
        """Polls and their votes per option (options nobody chose absent), in one query."""
        sql = (
            "SELECT p.id, p.guild_id, p.channel_id, p.message_id, p.author_id, p.hidden, p.created_at, p.closes_at, "
            "p.closed_at, o.position, o.theory_key, o.title, o.spoiler, o.votes "
            f"FROM polls p JOIN poll_options o ON o.poll_id = p.id WHERE {where} ORDER BY p.id, o.position"
        )
        return _polls_from_rows(await self._rows(sql, params))

    async def poll_summaries(self, guild_id: int, *, open_only: bool = False, limit: int = 25) -> list[PollSummary]:
        """A server's polls for a picker, newest first."""
        where = "p.guild_id = ?" + (" AND p.closed_at IS NULL" if open_only else "")
        sql = (
            "SELECT p.id, p.closes_at, p.closed_at, p.hidden, COUNT(*) AS options, SUM(o.votes) AS voters "
            f"FROM polls p JOIN poll_options o ON o.poll_id = p.id WHERE {where} "
            "GROUP BY p.id ORDER BY p.id DESC LIMIT ?"
        )
        rows = await self._rows(sql, (guild_id, limit))
        return [
            PollSummary(
                r["id"],
                datetime.fromisoformat(r["closes_at"]),
                time_or_none(r["closed_at"]),
                bool(r["hidden"]),
                r["options"],
                r["voters"],
            )
            for r in rows
        ]

    async def close_poll(self, poll_id: int, now: datetime) -> bool:
        """Mark a poll closed and add its results to its server's standings, in one transaction; False if it was
        already closed (so only one closer shows its final results, and a poll counts once in the standings)."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (iso(now), poll_id)
            )
            if cursor.rowcount != 1:
                return False
            await db.execute(_ADD_TO_STANDINGS, (poll_id, poll_id))
        self._posted.pop(poll_id, None)
        return True

    async def due_polls(self, now: datetime, shards: Shards | None = None) -> list[Poll]:
        """Open polls whose deadline has passed (also while the bot was down), of the servers ``shards`` own."""
        owned, params = _owned(shards)
        return await self._polls(
            f"p.id IN (SELECT id FROM polls WHERE closed_at IS NULL AND closes_at <= ?{owned})", (iso(now), *params)
        )

    async def next_deadline(self, shards: Shards | None = None) -> datetime | None:
        """The earliest deadline of an open poll in a server ``shards`` own, or None if there is none."""
        owned, params = _owned(shards)
        value = await self._scalar(f"SELECT MIN(closes_at) FROM polls WHERE closed_at IS NULL{owned}", params)
        return None if value is None else datetime.fromisoformat(str(value))

    async def reschedule_poll(self, poll_id: int, closes_at: datetime) -> bool:
        """Move an open poll's deadline; False if the poll is closed or unknown."""
        self._posted.pop(poll_id, None)
        async with self._write_lock:
            cursor = await self._conn.execute(
                "UPDATE polls SET closes_at = ? WHERE id = ? AND closed_at IS NULL", (iso(closes_at), poll_id)
            )
        return cursor.rowcount == 1

    # -- votes ------------------------------------------------------------------------------------------------------

    async def vote(self, poll_id: int, user_id: int, position: int, now: datetime) -> VoteOutcome:
        """A member pressed option ``position``: vote for it, move their vote to it, or keep it there if it already was.

        One statement, which also checks the poll is still open at ``now`` (a vote never lands on a closed poll, and
        concurrent presses by many members never lose one) and says what it did: the row comes back with the option
        the vote was on before (none: a new vote). Pressing the option one already chose never withdraws it; only
        ``withdraw`` does.

        Presses that arrive while votes are being written wait and are written together: each its own statement,
        all in one transaction and one trip to the database thread (a burst of members costs one commit per batch,
        not one per vote). A batch that fails is written again one vote at a time, so one bad vote fails alone.
        """
        future: asyncio.Future[VoteOutcome] = asyncio.get_running_loop().create_future()
        self._ballots.append((poll_id, user_id, position, iso(now), future))
        if self._voting is None or self._voting.done():
            self._voting = asyncio.create_task(self._write_ballots(), name="store-votes")
        return await future

    async def _write_ballots(self) -> None:
        try:
            await self._write_batches()
        finally:  # cancelled (the bot stopping): no presser waits for ever
            for *_, future in self._ballots:
                if not future.done():
                    future.set_exception(StoreError("The vote was not saved: the bot is stopping."))

    async def _write_batches(self) -> None:
        while self._ballots:
            batch, self._ballots = self._ballots[:VOTE_BATCH], self._ballots[VOTE_BATCH:]
            params = [(user, position, at, poll, at) for poll, user, position, at, _ in batch]
            try:
                async with self._write_lock:
                    found = await self._conn._execute(_vote_batch(self._conn), _VOTE, params)
            except Exception:
                found = None
            if found is None or len(batch) == 1:
                await self._write_one_by_one(batch, found)
                continue
            for (_, _, position, _, future), previous in zip(batch, found, strict=True):
                if not future.done():
                    future.set_result(_outcome(previous, position))

    async def _write_one_by_one(self, batch: list[_Ballot], found: list[object] | None) -> None:
        """A batch of one (its result or error given to its presser), or a failed batch written again vote by vote."""
        for index, (poll_id, user_id, position, at, future) in enumerate(batch):
            if future.done():
                continue
            try:
                if found is not None:
                    previous = found[index]
                else:
                    async with self._write_lock:
                        rows = list(await self._conn.execute_fetchall(_VOTE, (user_id, position, at, poll_id, at)))
                    previous = rows[0][0] if rows else _NO_ROW
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(_outcome(previous, position))

    async def import_votes(self, poll_id: int, votes: Iterable[tuple[int, int]], now: datetime) -> int:
        """Many members' votes (user, position) on one open poll in one transaction: for imports and the benchmark's
        history (a million votes in seconds). Counts are kept by the same triggers as single votes; a member already
        voting is left as they are. Returns how many votes were added."""
        at = iso(now)
        async with self.transaction() as db:
            if await self._scalar(f"SELECT 1 FROM polls WHERE id = ? AND {_OPEN}", (poll_id, at)) is None:
                return 0
            before = self._conn.total_changes
            await db.executemany(
                "INSERT INTO votes (poll_id, user_id, position, voted_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (poll_id, user_id) DO NOTHING",
                ((poll_id, user, position, at) for user, position in votes),
            )
            # total_changes also counts the triggers' updates of the option counts: one per vote added
            return (self._conn.total_changes - before) // 2

    async def withdraw(self, poll_id: int, user_id: int, now: datetime) -> int | None:
        """Withdraw a member's vote from an open poll (one statement): the option it was on, or None if there was
        no vote to withdraw or the poll is closed at ``now``."""
        at = iso(now)
        async with self._write_lock:
            rows = await self._conn.execute_fetchall(
                "DELETE FROM votes WHERE poll_id = ? AND user_id = ? "
                f"AND EXISTS (SELECT 1 FROM polls WHERE id = ? AND {_OPEN}) RETURNING position",
                (poll_id, user_id, poll_id, at),
            )
        found = list(rows)
        return None if not found else int(found[0][0])

    async def tallies(self, poll_id: int) -> dict[int, int]:
        """Votes per option position (options nobody chose are absent), from the counts the votes keep."""
        rows = await self._rows("SELECT position, votes FROM poll_options WHERE poll_id = ? AND votes > 0", (poll_id,))
        return {row["position"]: row["votes"] for row in rows}

    async def voter_count(self, poll_id: int) -> int:
        return await self._count("SELECT COALESCE(SUM(votes), 0) FROM poll_options WHERE poll_id = ?", (poll_id,))

    async def poll_results(self, guild_id: int) -> list[tuple[Poll, dict[int, int]]]:
        """A server's polls with their votes, oldest first."""
        polls, counts = await self._polls_with_counts("p.guild_id = ?", (guild_id,))
        return [(poll, counts[poll.id]) for poll in polls]

    async def theory_history(self, guild_id: int, theory_key: str, latest: int) -> tuple[list[TheoryInPoll], int]:
        """The ``latest`` of a server's polls that included a theory, oldest first, each with where the theory placed;
        and how many polls included it in all. One query over an index range of this server's options for the
        theory and those polls' kept counts (no vote is read, and one row per poll comes back)."""
        sql = (
            "SELECT p.id, p.hidden, p.closes_at, p.closed_at, k.votes AS mine, "
            "(SELECT SUM(votes) FROM poll_options a WHERE a.poll_id = p.id) AS total, "
            "(SELECT COUNT(*) FROM poll_options a WHERE a.poll_id = p.id) AS options, "
            "(SELECT COUNT(*) FROM poll_options a WHERE a.poll_id = p.id AND a.votes > k.votes) + 1 AS place, "
            "(SELECT COUNT(*) FROM poll_options WHERE guild_id = ? AND theory_key = ?) AS polls "
            "FROM poll_options k JOIN polls p ON p.id = k.poll_id "
            "WHERE k.guild_id = ? AND k.theory_key = ? ORDER BY k.poll_id DESC LIMIT ?"
        )
        rows = await self._rows(sql, (guild_id, theory_key, guild_id, theory_key, latest))
        history = [
            TheoryInPoll(r[0], bool(r[1]), datetime.fromisoformat(r[2]), time_or_none(r[3]), r[4], r[5], r[6], r[7])
            for r in reversed(rows)
        ]
        return history, (rows[0][8] if rows else 0)

    async def closed_option_votes(self, guild_id: int) -> list[OptionVotes]:
        """Every option of every closed poll in a server with its votes (what the standings are kept from; reads
        every closed poll of the server: for checks, the bot itself reads ``theory_totals``)."""
        sql = (
            "SELECT o.poll_id, o.theory_key, o.title, o.spoiler, o.votes "
            "FROM poll_options o JOIN polls p ON p.id = o.poll_id "
            "WHERE p.guild_id = ? AND p.closed_at IS NOT NULL ORDER BY o.poll_id, o.position"
        )
        rows = await self._rows(sql, (guild_id,))
        return [OptionVotes(r["poll_id"], r["theory_key"], r["title"], Level(r["spoiler"]), r["votes"]) for r in rows]

    async def theory_totals(self, guild_id: int) -> list[TheoryTotal]:
        """A server's all-time totals per theory over its closed polls: one row per theory, whatever the history."""
        rows = await self._rows(
            "SELECT theory_key, title, spoiler, votes, polls, wins FROM theory_standings WHERE guild_id = ?",
            (guild_id,),
        )
        return [
            TheoryTotal(r["theory_key"], r["title"], Level(r["spoiler"]), r["votes"], r["polls"], r["wins"])
            for r in rows
        ]


def _owned(shards: Shards | None) -> tuple[str, tuple[int, ...]]:
    """The condition (and its parameters) that keeps the rows of the servers ``shards`` own: Discord's
    ``(guild_id >> 22) % shard_count``, which SQLite and PostgreSQL compute alike."""
    if shards is None or shards.all or shards.ids is None:
        return "", ()
    ids = sorted(shards.ids)
    marks = ", ".join("?" * len(ids))
    return f" AND ((guild_id >> 22) % ?) IN ({marks})", (shards.count, *ids)
