"""Theories about the film and the server's polls on them: /theory list, show, suggest, review, poll, close, results.

Votes are stored one statement at a time and every count is read back from the database; the buttons are
DynamicItems with stable custom ids, so polls keep working across restarts, and a background task closes each poll at
its deadline (also one that passed while the bot was down).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer, bold
from bot.errors import UserFacingError
from bot.polls import (
    DEFAULT_HOURS,
    MAX_HOURS,
    MEMBER_THEORY_LEVEL,
    MIN_HOURS,
    OPTION_TITLE_LIMIT,
    OptionView,
    PollInputError,
    PollView,
    TheoryEntry,
    button_rows,
    check_suggestion,
    choose_theories,
    complete_last,
    find_theory,
    leaders,
    member_key,
    option_ranks,
    ordinal,
    plural,
    poll_blocks,
    poll_footer,
    poll_title,
    rank_standings,
    stamp,
)
from bot.replies import add_reveal, policy_for, send_answer, to_embed
from bot.spoilers import Block, Policy, Segment, Style, needs_reveal
from bot.store import Poll, Review, VoteOutcome
from bot.text import CHOICE_NAME_LIMIT, CHOICES_LIMIT, CONTENT_LIMIT, pack_pages, render, shorten

if TYPE_CHECKING:
    from bot.client import StrangersBot

log = logging.getLogger(__name__)

COG_NAME = "Theories"
THREAD_NAME = "Theory poll #{id}: discussion"
HISTORY_SHOWN = 15  # polls listed by /theory show; older ones are counted
MAX_SLEEP = 3600.0  # the closer re-checks at least hourly, in case the clock jumped


def now() -> datetime:
    return datetime.now(UTC)


def raw(text: str) -> Segment:
    return Segment(text, escape=False)


def require_moderator(interaction: discord.Interaction, what: str) -> None:
    """Refuse (ephemerally, through the error handler) anyone without Manage Channels; nothing has changed yet."""
    perms = interaction.permissions
    if not (perms.manage_channels or perms.administrator):
        raise UserFacingError(f"Only moderators (members who can Manage Channels) can {what}.")


def for_one_reader(policy: Policy) -> Policy:
    """Ephemeral messages have no "Reveal to me" button: hidden text is wrapped in spoiler bars instead."""
    return Policy(policy.allowed, Style.WRAP, policy.source)


def inline(blocks: Sequence[Block], policy: Policy, limit: int = CONTENT_LIMIT) -> str:
    """Short text (a confirmation) rendered for a channel, as one message's content."""
    return "\n".join(render(blocks, for_one_reader(policy), limit))[:limit]


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=r"poll:(?P<poll>\d+):(?P<choice>\d+)"):
    """One option of a poll. Its label is only the option's number: labels cannot hide spoilers."""

    def __init__(
        self,
        poll_id: int,
        position: int,
        *,
        row: int | None = None,
        disabled: bool = False,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(position), custom_id=f"poll:{poll_id}:{position}", style=style, disabled=disabled, row=row
            )
        )
        self.poll_id = poll_id
        self.position = position

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["poll"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: StrangersBot = interaction.client  # type: ignore[assignment]
        try:
            await _cog(bot).press(interaction, self.poll_id, self.position)
        except Exception as exc:
            await bot.report_error(interaction, exc)


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"theory:review:(?P<id>\d+):(?P<action>approve|reject)"
):
    """Approve or reject one member's suggestion; checked for Manage Channels when pressed."""

    def __init__(self, theory_id: int, action: str) -> None:
        approve = action == "approve"
        super().__init__(
            discord.ui.Button(
                label="Approve" if approve else "Reject",
                style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
                custom_id=f"theory:review:{theory_id}:{action}",
            )
        )
        self.theory_id = theory_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ReviewButton:
        return cls(int(match["id"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: StrangersBot = interaction.client  # type: ignore[assignment]
        try:
            await _cog(bot).review_press(interaction, self.theory_id, self.action == "approve")
        except Exception as exc:
            await bot.report_error(interaction, exc)


def _cog(bot: StrangersBot) -> Theories:
    cog = bot.get_cog(COG_NAME)
    if not isinstance(cog, Theories):
        raise UserFacingError("Theory polls are not available right now; please try again in a moment.")
    return cog


class PollCloser:
    """Closes polls at their deadline: sleeps until the earliest one, and wakes early when polls open or close."""

    def __init__(self, cog: Theories) -> None:
        self.cog = cog
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="theory-poll-closer")

    def wake(self) -> None:
        """Deadlines changed (a poll opened, closed or moved): recompute when to wake up."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        try:
            await self.cog.bot.wait_until_ready()
        except RuntimeError:  # the cog was loaded by a bot that never logs in (the meta-test): nothing to close
            log.debug("The bot is not logged in; the poll closer does not run")
            return
        while True:
            self._wake.clear()
            try:
                delay = await self.close_due()
            except Exception:
                log.exception("Closing due theory polls failed; trying again in a minute")
                delay = 60.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def close_due(self) -> float | None:
        """Close every poll past its deadline; return how long to sleep until the next one (None: no open poll)."""
        store = self.cog.bot.store
        failed = False
        for poll in await store.due_polls(now()):
            try:
                await self.cog.close_and_show(poll, poll.closes_at)
            except Exception:
                log.exception("Could not close theory poll #%d; trying again in a minute", poll.id)
                failed = True
        deadline = await store.next_deadline()
        if deadline is None:
            return None
        # A poll that could not be closed keeps the earliest deadline: wait a minute rather than spin on it.
        return min(MAX_SLEEP, max(60.0 if failed else 0.0, (deadline - now()).total_seconds()))


@app_commands.guild_only()
class Theories(
    commands.GroupCog,
    name=COG_NAME,
    group_name="theory",
    group_description="Theories about the film, and polls on them",
):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot
        self.closer = PollCloser(self)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton, ReviewButton)
        self.bot.answer_builders["theory"] = self.theory_answer_for_key
        self.bot.answer_builders["theories"] = self.list_answer_for_key
        self.bot.answer_builders["standings"] = self.standings_answer_for_key
        self.bot.answer_builders["poll"] = self.poll_answer_for_key
        self.closer.start()

    async def cog_unload(self) -> None:
        await self.closer.stop()
        self.bot.remove_dynamic_items(VoteButton, ReviewButton)
        for kind in ("theory", "theories", "standings", "poll"):
            self.bot.answer_builders.pop(kind, None)

    # -- the theories a server can vote on ---------------------------------------------------------------------------

    async def catalog(self, guild_id: int) -> list[TheoryEntry]:
        """Curated theories (from memory) then this server's approved ones, oldest approval first."""
        curated = [TheoryEntry(t.id, t.title, t.spoiler, t.claim, t.evidence, t.source) for t in self.bot.film.theories]
        approved = await self.bot.store.member_theories(guild_id, Review.APPROVED)
        members = [
            TheoryEntry(member_key(m.id), m.title, MEMBER_THEORY_LEVEL, m.claim, author_id=m.author_id)
            for m in approved
        ]
        return curated + members

    async def channel_policy(self, guild_id: int, channel_id: int) -> Policy:
        """The policy of a channel outside any interaction (the closer's edits)."""
        channel = self.bot.get_channel(channel_id)
        parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
        return await self.bot.store.policy(guild_id, channel_id, parent_id)

    # -- /theory list and /theory show -------------------------------------------------------------------------------

    @app_commands.command(name="list", description="The theories about the film, with their all-time standing here")
    async def list_theories(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await send_answer(interaction, await self.list_answer(interaction.guild_id))

    async def list_answer(self, guild_id: int) -> Answer:
        entries = await self.catalog(guild_id)
        standings = {s.theory_key: s for s in rank_standings(await self.bot.store.closed_option_votes(guild_id))}
        blocks: list[Block] = []
        for number, entry in enumerate(entries, start=1):
            standing = standings.get(entry.key)
            if standing is None:
                where = "not in a closed poll yet"
            else:
                where = (
                    f"{ordinal(standing.rank)} of {len(standings)} all-time, "
                    f"{plural(standing.votes, 'vote')} in {plural(standing.polls, 'poll')}"
                )
            origin = "" if entry.curated else " (a member's theory)"
            blocks.append([raw(f"**{number}.**"), Segment(entry.title, entry.level), Segment(f"— {where}{origin}")])
        return Answer(
            title="Theories about the film",
            blocks=blocks,
            footer="/theory show explains one; /theory suggest adds yours to the moderators' queue.",
            reveal_key=f"theories:{guild_id}",
        )

    async def list_answer_for_key(self, argument: str) -> Answer | None:
        return await self.list_answer(int(argument)) if argument.isdigit() else None

    @app_commands.command(
        name="show", description="One theory: its claim, the moments it cites, its source, its polls here"
    )
    @app_commands.describe(theory="The theory: start typing its name")
    async def show(self, interaction: discord.Interaction, theory: str) -> None:
        assert interaction.guild_id is not None
        entries = await self.catalog(interaction.guild_id)
        try:
            entry = find_theory(theory, entries)
        except PollInputError as exc:
            raise UserFacingError(str(exc)) from None
        await send_answer(interaction, await self.theory_answer(interaction.guild_id, entry))

    @show.autocomplete("theory")
    async def show_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        try:
            assert interaction.guild_id is not None
            wanted = " ".join(str(current).casefold().split())
            return [
                app_commands.Choice(name=shorten(e.title, CHOICE_NAME_LIMIT), value=e.key)
                for e in await self.catalog(interaction.guild_id)
                if wanted in e.title.casefold() or wanted in e.key
            ][:CHOICES_LIMIT]
        except Exception:
            log.exception("Autocomplete for /theory show failed")
            return []

    async def theory_answer(self, guild_id: int, entry: TheoryEntry) -> Answer:
        level = entry.level
        blocks: list[Block] = [
            [bold("Theory:"), Segment(entry.title, level)],
            [bold("Claim:"), Segment(entry.claim, level)],
        ]
        moments = [m.title for m in (self.bot.film.moment(i) for i in entry.evidence) if m is not None]
        if moments:
            blocks.append([bold("Evidence:"), Segment("; ".join(moments), level)])
        if entry.curated:
            blocks.append([bold("Source:"), Segment(entry.source)])
        else:
            blocks.append([bold("Suggested by:"), raw(f"<@{entry.author_id}>")])
        blocks.append([])
        standings = {s.theory_key: s for s in rank_standings(await self.bot.store.closed_option_votes(guild_id))}
        standing = standings.get(entry.key)
        if standing is not None:
            blocks.append(
                [
                    bold("All-time here:"),
                    Segment(
                        f"{ordinal(standing.rank)} of {len(standings)}, {plural(standing.votes, 'vote')} in "
                        f"{plural(standing.polls, 'closed poll')}, {plural(standing.wins, 'win')}."
                    ),
                ]
            )
        history = await self.bot.store.poll_results(guild_id, theory_key=entry.key)
        if not history:
            blocks.append([bold("Polls here:"), Segment("none yet.")])
        else:
            blocks.append([bold("Polls here:")])
            shown = history[-HISTORY_SHOWN:]
            for poll, counts in reversed(shown):
                blocks.append([raw(self.history_line(poll, counts, entry.key))])
            if len(history) > len(shown):
                blocks.append([Segment(f"…and {plural(len(history) - len(shown), 'earlier poll')}.")])
        origin = "Curated from interviews and reviews" if entry.curated else "A member's theory, approved here"
        return Answer(
            title="A theory about the film",
            blocks=blocks,
            footer=f"{origin}. Vote on it when a moderator opens a /theory poll.",
            reveal_key=f"theory:{guild_id}:{entry.key}",
        )

    @staticmethod
    def history_line(poll: Poll, counts: dict[int, int], key: str) -> str:
        """One poll in a theory's history: where it placed (no theory text, so no spoilers)."""
        index = next(i for i, o in enumerate(poll.options) if o.theory_key == key)
        votes = [counts.get(o.position, 0) for o in poll.options]
        total, mine = sum(votes), votes[index]
        if poll.closed_at is not None:
            place = ordinal(option_ranks(votes)[index])
            return (
                f"• Poll #{poll.id}, closed {stamp(poll.closed_at, 'd')}: {place} of {len(votes)} with "
                f"{plural(mine, 'vote')} of {total}."
            )
        if poll.hidden:
            return f"• Poll #{poll.id}, open until {stamp(poll.closes_at)}: results hidden until it closes."
        return f"• Poll #{poll.id}, open until {stamp(poll.closes_at)}: {plural(mine, 'vote')} of {total} so far."

    async def theory_answer_for_key(self, argument: str) -> Answer | None:
        guild, _, key = argument.partition(":")
        if not guild.isdigit():
            return None
        entry = next((e for e in await self.catalog(int(guild)) if e.key == key), None)
        return None if entry is None else await self.theory_answer(int(guild), entry)

    # -- suggestions and their review --------------------------------------------------------------------------------

    @app_commands.command(name="suggest", description="Suggest a theory; moderators review it before it can be polled")
    @app_commands.describe(
        title="A short name for your theory (3-80 characters)",
        claim="What the theory says about the film (10-400 characters)",
    )
    async def suggest(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 3, 80],
        claim: app_commands.Range[str, 10, 400],
    ) -> None:
        assert interaction.guild_id is not None
        store = self.bot.store
        existing = [t.title for t in self.bot.film.theories] + await store.member_theory_titles(interaction.guild_id)
        try:
            title, claim = check_suggestion(title, claim, existing)
        except PollInputError as exc:
            raise UserFacingError(str(exc)) from None
        added = await store.add_member_theory(interaction.guild_id, title, claim, interaction.user.id, now())
        if added is None:  # another member took the title a moment ago
            raise UserFacingError("A theory with that title already exists here: pick another title.")
        await interaction.response.send_message(
            f"Thank you! Your theory is suggestion #{added.id}; the moderators will review it, and once approved "
            "it can be picked for polls.",
            ephemeral=True,
        )

    @app_commands.command(name="review", description="Moderators: approve or reject members' suggested theories")
    async def review(self, interaction: discord.Interaction) -> None:
        require_moderator(interaction, "review suggestions")
        assert interaction.guild_id is not None
        content, embed, view = await self.review_page(interaction.guild_id, await policy_for(interaction))
        if embed is None:
            await interaction.response.send_message(content, ephemeral=True)
        else:
            await interaction.response.send_message(content or None, embed=embed, view=view, ephemeral=True)

    async def review_page(
        self, guild_id: int, policy: Policy, note: str = ""
    ) -> tuple[str, discord.Embed | None, discord.ui.View | None]:
        """The oldest waiting suggestion with its buttons, or a note that the queue is empty."""
        store = self.bot.store
        waiting = await store.member_theories(guild_id, Review.PENDING, limit=1)
        if not waiting:
            return (f"{note}\n" if note else "") + "No suggestions are waiting for review.", None, None
        theory = waiting[0]
        count = await store.count_member_theories(guild_id, Review.PENDING)
        blocks: list[Block] = [
            [bold("Title:"), Segment(theory.title, MEMBER_THEORY_LEVEL)],
            [bold("Claim:"), Segment(theory.claim, MEMBER_THEORY_LEVEL)],
            [raw(f"Suggested by <@{theory.author_id}> {stamp(theory.created_at, 'R')}.")],
        ]
        specs = pack_pages(
            f"Suggestion #{theory.id} ({count} waiting)",
            render(blocks, for_one_reader(policy)),
            "Approve to make it available for polls; reject to drop it.",
        )[0]
        view = discord.ui.View(timeout=None)
        view.add_item(ReviewButton(theory.id, "approve"))
        view.add_item(ReviewButton(theory.id, "reject"))
        return note, to_embed(specs[0]), view

    async def review_press(self, interaction: discord.Interaction, theory_id: int, approve: bool) -> None:
        require_moderator(interaction, "review suggestions")
        assert interaction.guild_id is not None
        decision = Review.APPROVED if approve else Review.REJECTED
        if await self.bot.store.review_member_theory(
            interaction.guild_id, theory_id, decision, interaction.user.id, now()
        ):
            note = (
                f"Approved suggestion #{theory_id}: it can now be picked for polls."
                if approve
                else f"Rejected suggestion #{theory_id}."
            )
        else:
            note = f"Suggestion #{theory_id} was already reviewed."
        content, embed, view = await self.review_page(interaction.guild_id, await policy_for(interaction), note)
        await interaction.response.edit_message(content=content, embed=embed, view=view)

    # -- polls -------------------------------------------------------------------------------------------------------

    @app_commands.command(name="poll", description="Moderators: open a poll on 2-10 theories in this channel")
    @app_commands.describe(
        theories="Theory names, comma-separated; suggestions complete the last one. Default: all approved (max 10)",
        hours=f"How long it stays open, in hours ({MIN_HOURS}-{MAX_HOURS}, default {DEFAULT_HOURS})",
        hidden_results="Hide the counts until the poll closes (default: results are live)",
    )
    async def poll(
        self,
        interaction: discord.Interaction,
        theories: str | None = None,
        hours: app_commands.Range[int, MIN_HOURS, MAX_HOURS] = DEFAULT_HOURS,
        hidden_results: bool = False,
    ) -> None:
        require_moderator(interaction, "open polls")
        assert interaction.guild_id is not None and interaction.channel_id is not None
        if not MIN_HOURS <= hours <= MAX_HOURS:
            raise UserFacingError(f"A poll stays open {MIN_HOURS} to {MAX_HOURS} hours.")
        try:
            chosen = choose_theories(theories, await self.catalog(interaction.guild_id))
        except PollInputError as exc:
            raise UserFacingError(str(exc)) from None
        opened = now()
        poll = await self.bot.store.create_poll(
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
            hidden=hidden_results,
            created_at=opened,
            closes_at=opened + timedelta(hours=hours),
            options=[(e.key, shorten(e.title, OPTION_TITLE_LIMIT), e.level) for e in chosen],
        )
        embeds, view = self.poll_message(poll, None if poll.hidden else {}, await policy_for(interaction))
        try:
            response = await interaction.response.send_message(embeds=embeds, view=view)
        except Exception:  # no message, no poll: nothing would ever show or close it
            await self.bot.store.delete_poll(poll.id)
            raise
        message = response.resource
        if not isinstance(message, discord.InteractionMessage):
            message = await interaction.original_response()
        await self.bot.store.set_poll_message(poll.id, message.id)
        self.closer.wake()
        await self.open_thread(interaction, message, poll.id)
        fresh = await self.bot.store.poll(poll.id)
        if fresh is not None and fresh.closed_at is not None:  # closed before its message id was known
            await self.show_final(fresh)

    @poll.autocomplete("theories")
    async def theories_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            assert interaction.guild_id is not None
            pairs = complete_last(str(current), await self.catalog(interaction.guild_id))
            return [app_commands.Choice(name=name, value=value) for name, value in pairs]
        except Exception:
            log.exception("Autocomplete for /theory poll failed")
            return []

    async def open_thread(self, interaction: discord.Interaction, message: discord.Message, poll_id: int) -> None:
        """A discussion thread on the poll, where the channel has threads (text channels) and the bot may start one."""
        if not isinstance(interaction.channel, discord.TextChannel):
            return
        if not interaction.app_permissions.create_public_threads:
            return
        try:
            await message.create_thread(name=THREAD_NAME.format(id=poll_id))
        except discord.HTTPException:
            log.warning("Could not open a discussion thread for theory poll #%d", poll_id, exc_info=True)

    def poll_message(
        self, poll: Poll, counts: dict[int, int] | None, policy: Policy
    ) -> tuple[list[discord.Embed], discord.ui.View]:
        """The poll's embeds and its buttons (disabled once it is closed)."""
        return self.poll_embeds(poll, counts, policy), self.poll_view(poll, counts, policy)

    def poll_model(self, poll: Poll, counts: dict[int, int] | None) -> PollView:
        return PollView(
            poll.id,
            [OptionView(o.position, o.title, o.spoiler) for o in poll.options],
            poll.closes_at,
            poll.closed_at,
            poll.hidden,
            counts,
        )

    def poll_embeds(self, poll: Poll, counts: dict[int, int] | None, policy: Policy) -> list[discord.Embed]:
        """The poll's text, theories under the channel's policy; a vote needs only this (its buttons stay)."""
        view_model = self.poll_model(poll, counts)
        blocks = poll_blocks(view_model)
        specs = pack_pages(poll_title(view_model), render(blocks, policy), poll_footer(view_model))[0]
        return [to_embed(spec) for spec in specs]

    def poll_view(self, poll: Poll, counts: dict[int, int] | None, policy: Policy) -> discord.ui.View:
        """The numbered vote buttons, and "Reveal to me" where the channel keeps theory text private."""
        view = discord.ui.View(timeout=None)
        closed = poll.closed_at is not None
        winners = {poll.options[i].position for i in leaders([(counts or {}).get(o.position, 0) for o in poll.options])}
        for option, row in zip(poll.options, button_rows(len(poll.options)), strict=True):
            style = discord.ButtonStyle.primary
            if closed:
                style = discord.ButtonStyle.success if option.position in winners else discord.ButtonStyle.secondary
            view.add_item(VoteButton(poll.id, option.position, row=row, disabled=closed, style=style))
        if needs_reveal((s for b in poll_blocks(self.poll_model(poll, counts)) for s in b), policy):
            add_reveal(view, f"poll:{poll.id}")
        return view

    def visible_counts(self, poll: Poll, counts: dict[int, int]) -> dict[int, int] | None:
        return None if poll.hidden and poll.closed_at is None else counts

    async def guild_poll(self, interaction: discord.Interaction, poll_id: int) -> Poll:
        poll = await self.bot.store.poll(poll_id)
        if poll is None or poll.guild_id != interaction.guild_id:
            raise UserFacingError(f"This server has no poll #{poll_id}. Pick one from the suggestions.")
        return await self.settle(poll)

    async def settle(self, poll: Poll) -> Poll:
        """A poll past its deadline is closed, even if the closer has not reached it yet."""
        if poll.closed_at is None and not poll.is_open(now()):
            await self.close_and_show(poll, poll.closes_at)
            return replace(poll, closed_at=poll.closes_at)
        return poll

    async def close_and_show(self, poll: Poll, closed_at: datetime) -> bool:
        """Close a poll and edit its message into the final results; False if someone else closed it first."""
        if not await self.bot.store.close_poll(poll.id, closed_at):
            return False
        self.closer.wake()
        await self.show_final(replace(poll, closed_at=closed_at))
        return True

    async def show_final(self, poll: Poll) -> bool:
        """Edit a closed poll's message into its results; a message or channel that is gone is logged, not raised."""
        if poll.message_id is None:
            return False
        counts = await self.bot.store.tallies(poll.id)
        embeds, view = self.poll_message(poll, counts, await self.channel_policy(poll.guild_id, poll.channel_id))
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        try:
            await channel.get_partial_message(poll.message_id).edit(embeds=embeds, view=view)
        except discord.HTTPException as exc:
            log.warning(
                "Theory poll #%d is closed, but its message %d in channel %d could not show the results (%s)",
                poll.id,
                poll.message_id,
                poll.channel_id,
                exc,
            )
            return False
        return True

    async def press(self, interaction: discord.Interaction, poll_id: int, position: int) -> None:
        """A vote button: vote, move the vote, or withdraw it; refused politely once the poll is closed."""
        poll = await self.bot.store.poll(poll_id)
        option = poll.option(position) if poll is not None else None
        if poll is None or option is None or poll.guild_id != interaction.guild_id:
            raise UserFacingError("This poll no longer exists.")
        outcome = VoteOutcome.CLOSED
        if poll.closed_at is None:
            outcome = await self.bot.store.vote(poll.id, interaction.user.id, position, now())
        policy = await policy_for(interaction)
        if outcome is VoteOutcome.CLOSED:
            await self.refuse_closed(interaction, await self.settle_quietly(poll), policy)
            return
        title = Segment(option.title, option.spoiler)
        if outcome is VoteOutcome.RECORDED:
            blocks: list[Block] = [
                [raw(f"Your vote is on **{position}**:"), title],
                [Segment(f"Press {position} again to withdraw it, or another number to move it.")],
            ]
        else:
            blocks = [
                [raw(f"You withdrew your vote for **{position}**:"), title],
                [Segment("Press a number to vote again.")],
            ]
        if poll.hidden:
            blocks.append([Segment("Results stay hidden until the poll closes.")])
            await interaction.response.send_message(inline(blocks, policy), ephemeral=True)
            return
        counts = await self.bot.store.tallies(poll.id)
        await interaction.response.edit_message(embeds=self.poll_embeds(poll, counts, policy))
        await interaction.followup.send(inline(blocks, policy), ephemeral=True)

    async def settle_quietly(self, poll: Poll) -> Poll:
        """The closed version of a poll a vote was refused on: closed here if its deadline passed a moment ago.

        The message is then updated by the refusal itself, so no separate edit is made.
        """
        if poll.closed_at is not None:
            return poll
        fresh = await self.bot.store.poll(poll.id)
        if fresh is not None and fresh.closed_at is not None:
            return fresh
        if await self.bot.store.close_poll(poll.id, poll.closes_at):
            self.closer.wake()
        return replace(poll, closed_at=poll.closes_at)

    async def refuse_closed(self, interaction: discord.Interaction, poll: Poll, policy: Policy) -> None:
        """Votes on a closed poll are refused; the pressed message is brought up to date with the final results."""
        assert poll.closed_at is not None
        counts = await self.bot.store.tallies(poll.id)
        embeds, view = self.poll_message(poll, counts, policy)
        await interaction.response.edit_message(embeds=embeds, view=view)
        await interaction.followup.send(
            f"Poll #{poll.id} closed {stamp(poll.closed_at, 'R')}, so votes are no longer counted. "
            "Its final results are on the poll.",
            ephemeral=True,
        )

    @app_commands.command(name="close", description="Moderators: close a poll now and show its final results")
    @app_commands.describe(poll="The poll to close: pick one of this server's open polls")
    async def close(self, interaction: discord.Interaction, poll: int) -> None:
        require_moderator(interaction, "close polls")
        found = await self.guild_poll(interaction, poll)
        if found.closed_at is not None:
            raise UserFacingError(f"Poll #{found.id} is already closed.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        closed_at = now()
        if not await self.bot.store.close_poll(found.id, closed_at):
            await interaction.edit_original_response(content=f"Poll #{found.id} was already closed.")
            return
        self.closer.wake()
        if await self.show_final(replace(found, closed_at=closed_at)):
            text = f"Closed poll #{found.id}; its message now shows the final results."
        else:
            text = (
                f"Closed poll #{found.id}, but its message could not be updated (deleted?). "
                f"/theory results poll:{found.id} shows the results."
            )
        await interaction.edit_original_response(content=text)

    @app_commands.command(name="results", description="A poll's results, or without a poll this server's standings")
    @app_commands.describe(poll="A poll of this server; leave empty for the all-time standings")
    async def results(self, interaction: discord.Interaction, poll: int | None = None) -> None:
        assert interaction.guild_id is not None
        if poll is None:
            await send_answer(interaction, await self.standings_answer(interaction.guild_id))
            return
        found = await self.guild_poll(interaction, poll)
        if found.hidden and found.closed_at is None:
            voters = await self.bot.store.voter_count(found.id)
            await interaction.response.send_message(
                f"Poll #{found.id}'s results stay hidden until it closes {stamp(found.closes_at, 'R')}; "
                f"{plural(voters, 'member')} voted so far.",
                ephemeral=True,
            )
            return
        await send_answer(interaction, await self.poll_answer(found))

    @close.autocomplete("poll")
    async def open_poll_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await self.poll_choices(interaction, str(current), open_only=True)

    @results.autocomplete("poll")
    async def any_poll_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return await self.poll_choices(interaction, str(current), open_only=False)

    async def poll_choices(
        self, interaction: discord.Interaction, current: str, *, open_only: bool
    ) -> list[app_commands.Choice[int]]:
        """This server's polls, newest first, described without any theory text."""
        try:
            assert interaction.guild_id is not None
            wanted = current.strip().lstrip("#")
            summaries = await self.bot.store.poll_summaries(interaction.guild_id, open_only=open_only, limit=100)
            choices = []
            for s in summaries:
                if wanted and wanted not in str(s.id):
                    continue
                if s.closed_at is None:
                    state = f"open until {s.closes_at:%d %b %H:%M} UTC"
                    votes = "results hidden" if s.hidden else plural(s.voters, "vote")
                else:
                    state, votes = f"closed {s.closed_at:%d %b %Y}", plural(s.voters, "vote")
                name = f"#{s.id} · {state} · {s.options} theories · {votes}"
                choices.append(app_commands.Choice(name=shorten(name, CHOICE_NAME_LIMIT), value=s.id))
            return choices[:CHOICES_LIMIT]
        except Exception:
            log.exception("Autocomplete for a poll option failed")
            return []

    async def poll_answer(self, poll: Poll) -> Answer:
        counts = await self.bot.store.tallies(poll.id)
        view_model = self.poll_model(poll, self.visible_counts(poll, counts))
        title = poll_title(view_model) if poll.closed_at else f"Theory poll #{poll.id}: votes so far"
        return Answer(
            title=title,
            blocks=poll_blocks(view_model, instructions=False),
            footer=poll_footer(view_model),
            reveal_key=f"poll:{poll.id}",
        )

    async def poll_answer_for_key(self, argument: str) -> Answer | None:
        if not argument.isdigit():
            return None
        poll = await self.bot.store.poll(int(argument))
        return None if poll is None else await self.poll_answer(await self.settle(poll))

    async def standings_answer(self, guild_id: int) -> Answer:
        standings = rank_standings(await self.bot.store.closed_option_votes(guild_id))
        blocks: list[Block] = []
        for s in standings:
            blocks.append(
                [
                    raw(f"**{ordinal(s.rank)}**"),
                    Segment(s.title, s.level),
                    Segment(f"— {plural(s.votes, 'vote')} in {plural(s.polls, 'poll')}, {plural(s.wins, 'win')}"),
                ]
            )
        if not blocks:
            blocks.append(
                [Segment("No poll has closed in this server yet. Moderators can open one with /theory poll.")]
            )
        return Answer(
            title="All-time theory standings",
            blocks=blocks,
            footer="Votes from every closed poll here; theories with equal votes, wins and polls share a place.",
            reveal_key=f"standings:{guild_id}",
        )

    async def standings_answer_for_key(self, argument: str) -> Answer | None:
        return await self.standings_answer(int(argument)) if argument.isdigit() else None


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Theories(bot))
