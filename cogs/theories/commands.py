"""The /theory commands and what the theory buttons do.

Votes are stored one statement at a time and every count is read back from the database; the buttons are
DynamicItems with stable custom ids (``buttons``), so polls keep working across restarts, and ``closer`` closes each
poll at its deadline. A press is answered with one private note; ``updates`` brings the public poll message up to
date, at most once every couple of seconds per poll.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import (
    bot_lacks,
    can_attach_files,
    explain_refusal,
    guild_id,
    moderators_only,
    require_bot_can_update_poll,
    require_moderator,
)
from bot.errors import UserError
from bot.limits import waiting_refusal
from bot.models import Level, Policy, Poll, Review, VoteOutcome
from bot.options import MemberText
from bot.overload import Expired, expired
from bot.permissions import Job
from bot.polls import (
    CLAIM_MAX,
    CLAIM_MIN,
    DEFAULT_HOURS,
    MAX_HOURS,
    MIN_HOURS,
    OPTION_TITLE_LIMIT,
    TITLE_MAX,
    TITLE_MIN,
    Standing,
    TheoryEntry,
    check_suggestion,
    choose_theories,
    complete_last,
    find_theory,
    member_key,
    rank_totals,
)
from bot.render import errors
from bot.render import theories as text
from bot.render.answer import Answer
from bot.render.layout import Picture
from bot.render.limits import CHOICES_LIMIT, shorten
from bot.render.markup import Name
from bot.render.poll_layout import poll_layout
from bot.send import (
    answer_picture,
    layout_view,
    name_policy,
    policy_for,
    policy_of,
    private_embeds,
    send_answer,
    send_note,
)
from bot.store.errors import QueueFull

from .buttons import COG_NAME, ReviewButton, VoteButton, level_button, review_button
from .closer import PollCloser
from .updates import PollUpdates

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

log = logging.getLogger(__name__)


@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
class Theories(
    commands.GroupCog,
    name=COG_NAME,
    group_name="theory",
    group_description="Theories about the film, and polls on them.",
):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot
        self.closer = PollCloser(lambda: bot.store, self.close_and_show, bot.now, bot.owned_shards)
        self.updates = PollUpdates(self.show_votes)
        self._edit_refused: set[int] = set()  # polls whose live update Discord refused (logged once each)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton, ReviewButton)
        self.bot.answer_builders["theory"] = self.theory_answer_for_key
        self.bot.answer_builders["theories"] = self.list_answer_for_key
        self.bot.answer_builders["standings"] = self.standings_answer_for_key
        self.bot.answer_builders["poll"] = self.poll_answer_for_key
        if self.bot.is_ready():  # loaded into a running bot; otherwise on_ready starts it
            self.closer.start()

    async def cog_unload(self) -> None:
        await self.closer.stop()
        await self.updates.stop()
        self.bot.remove_dynamic_items(VoteButton, ReviewButton)
        for kind in ("theory", "theories", "standings", "poll"):
            self.bot.answer_builders.pop(kind, None)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.closer.start()

    # -- the theories a server can vote on ---------------------------------------------------------------------------

    async def catalog(self, guild: int) -> list[TheoryEntry]:
        """Curated theories (from memory) then this server's approved ones, oldest approval first."""
        curated = [
            TheoryEntry(t.id, t.title, t.spoiler, t.claim, t.evidence, t.source, title_level=t.title_spoiler)
            for t in self.bot.film.theories
        ]
        approved = await self.bot.store.member_theories(guild, Review.APPROVED)
        members = [TheoryEntry(member_key(m.id), m.title, m.spoiler, m.claim, author_id=m.author_id) for m in approved]
        return curated + members

    async def standings(self, guild: int) -> dict[str, Standing]:
        return {s.theory_key: s for s in rank_totals(await self.bot.store.theory_totals(guild))}

    # -- /theory list and /theory show -------------------------------------------------------------------------------

    @app_commands.command(
        name="list", description="The theories about the film, numbered, with their all-time standing here."
    )
    async def list_theories(self, interaction: Interaction) -> None:
        await send_answer(interaction, await self.list_answer(guild_id(interaction)))

    async def list_answer(self, guild: int) -> Answer:
        return text.list_answer(guild, await self.catalog(guild), await self.standings(guild))

    async def list_answer_for_key(self, argument: str, guild_id: int | None) -> Answer | None:
        return await self.list_answer(int(argument)) if argument.isdigit() else None

    @app_commands.command(
        name="show", description="One theory: its claim, the moments it cites, its source and its polls here."
    )
    @app_commands.describe(theory="The theory: start typing its name, or give its number from /theory list")
    async def show(self, interaction: Interaction, theory: app_commands.Transform[str, MemberText("theory")]) -> None:
        guild = guild_id(interaction)
        entry = find_theory(theory, await self.catalog(guild), await name_policy(interaction))
        await send_answer(interaction, await self.theory_answer(guild, entry))

    @show.autocomplete("theory")
    async def show_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        try:
            typed = str(current).replace(",", " ")  # one theory: no list to complete
            pairs = complete_last(typed, await self.catalog(guild_id(interaction)), await name_policy(interaction))
            return [app_commands.Choice(name=name, value=value) for name, value in pairs]
        except Exception:
            log.exception("Autocomplete for /theory show failed")
            return []

    async def theory_answer(self, guild: int, entry: TheoryEntry) -> Answer:
        moments = (self.bot.film.moment(i) for i in entry.evidence)
        evidence = [Name(m.title, m.title_spoiler, m.safe_name) for m in moments if m is not None]
        history, total = await self.bot.store.theory_history(guild, entry.key, text.HISTORY_SHOWN)
        earlier = total - len(history)
        return text.theory_answer(guild, entry, evidence, await self.standings(guild), history, earlier)

    async def theory_answer_for_key(self, argument: str, guild_id: int | None) -> Answer | None:
        guild, _, key = argument.partition(":")
        if not guild.isdigit():
            return None
        entry = next((e for e in await self.catalog(int(guild)) if e.key == key), None)
        return None if entry is None else await self.theory_answer(int(guild), entry)

    # -- suggestions and their review --------------------------------------------------------------------------------

    @app_commands.command(
        name="suggest", description="Suggest a theory; moderators review it before it can be in a poll."
    )
    @app_commands.describe(
        title="A short name for your theory (3-80 characters)",
        claim="What the theory says about the film (10-400 characters)",
        spoiler="How much of the film it gives away: none, plot or ending (default: ending)",
    )
    @app_commands.choices(spoiler=[app_commands.Choice(name=level.label, value=level.label) for level in Level])
    async def suggest(
        self,
        interaction: Interaction,
        title: app_commands.Transform[str, MemberText("title", TITLE_MIN, TITLE_MAX)],
        claim: app_commands.Transform[str, MemberText("claim", CLAIM_MIN, CLAIM_MAX)],
        spoiler: str = Level.ENDING.label,
    ) -> None:
        guild = guild_id(interaction)
        store = self.bot.store
        existing = [t.title for t in self.bot.film.theories] + await store.member_theory_titles(guild)
        title, claim = check_suggestion(title, claim, existing)
        try:
            level = Level.parse(spoiler)
        except ValueError:
            raise UserError(errors.bad_level(spoiler)) from None
        limits, key, now = self.bot.limits, (guild, interaction.user.id), self.bot.now()
        stamp = limits.suggestions.take(key, now)  # counted only if the suggestion is queued
        try:
            caps = (limits.waiting_per_member, limits.waiting_per_server)
            added = await store.add_member_theory(guild, title, claim, interaction.user.id, now, level, caps=caps)
        except QueueFull as full:
            limits.suggestions.give_back(key, stamp)
            raise UserError(waiting_refusal(full.mine, full.everyone, limits) or errors.SORRY) from None
        if added is None:  # another member took the title a moment ago
            limits.suggestions.give_back(key, stamp)
            raise UserError(errors.TITLE_JUST_TAKEN)
        await interaction.response.send_message(text.suggestion_thanks(added.id), ephemeral=True)

    @app_commands.command(name="review", description="Moderators: approve or reject the theories members suggested.")
    @moderators_only
    async def review(self, interaction: Interaction) -> None:
        content, embed, view = await self.review_page(guild_id(interaction), await policy_for(interaction))
        if embed is None or view is None:
            await interaction.response.send_message(content, ephemeral=True)
        else:
            await interaction.response.send_message(content or None, embed=embed, view=view, ephemeral=True)

    async def review_page(
        self, guild: int, policy: Policy, note: str = ""
    ) -> tuple[str, discord.Embed | None, discord.ui.View | None]:
        """The oldest waiting suggestion with its buttons, or a note that the queue is empty."""
        store = self.bot.store
        waiting = await store.member_theories(guild, Review.PENDING, limit=1)
        if not waiting:
            return text.review_empty(note), None, None
        theory = waiting[0]
        answer = text.review_answer(theory, await store.count_member_theories(guild, Review.PENDING))
        embed = private_embeds(answer, policy)[0]
        view = discord.ui.View(timeout=None)
        view.add_item(review_button(theory.id, approve=True))
        view.add_item(review_button(theory.id, approve=False))
        for level in Level:
            view.add_item(level_button(theory.id, level, theory.spoiler))
        return note, embed, view

    async def level_pressed(self, interaction: Interaction, theory_id: int, level: Level) -> None:
        """A moderator says how much a waiting suggestion gives away; the review page shows it again."""
        require_moderator(interaction)
        guild = guild_id(interaction)
        if await self.bot.store.member_theory(guild, theory_id) is None:
            raise UserError(errors.NO_SUCH_SUGGESTION)
        done = await self.bot.store.set_member_theory_level(guild, theory_id, level)
        note = text.level_note(theory_id, level, done)
        content, embed, view = await self.review_page(guild, await policy_for(interaction), note)
        await interaction.response.edit_message(content=content, embed=embed, view=view)

    async def review_pressed(self, interaction: Interaction, theory_id: int, approve: bool) -> None:
        require_moderator(interaction)
        guild = guild_id(interaction)
        if await self.bot.store.member_theory(guild, theory_id) is None:
            raise UserError(errors.NO_SUCH_SUGGESTION)
        decision = Review.APPROVED if approve else Review.REJECTED
        done = await self.bot.store.review_member_theory(
            guild, theory_id, decision, interaction.user.id, self.bot.now()
        )
        note = text.review_note(theory_id, approve, done)
        content, embed, view = await self.review_page(guild, await policy_for(interaction), note)
        await interaction.response.edit_message(content=content, embed=embed, view=view)

    # -- polls -------------------------------------------------------------------------------------------------------

    @app_commands.command(name="poll", description="Moderators: open a poll on 2 to 10 theories in this channel.")
    @app_commands.describe(
        theories="Theory names or numbers from /theory list, comma-separated. Default: every approved one (max 10)",
        hours=f"How long it stays open, in hours ({MIN_HOURS}-{MAX_HOURS}, default {DEFAULT_HOURS})",
        hidden_results="Hide the counts until the poll closes (default: results are live)",
    )
    @moderators_only
    async def poll(
        self,
        interaction: Interaction,
        theories: app_commands.Transform[str, MemberText("list of theories")] | None = None,
        hours: app_commands.Range[int, MIN_HOURS, MAX_HOURS] = DEFAULT_HOURS,
        hidden_results: bool = False,
    ) -> None:
        guild = guild_id(interaction)
        if interaction.channel_id is None:
            raise UserError(errors.CHANNEL_UNKNOWN)
        if not MIN_HOURS <= hours <= MAX_HOURS:
            raise UserError(errors.poll_hours(MIN_HOURS, MAX_HOURS))
        require_bot_can_update_poll(interaction)  # it must edit the message when the poll closes
        chosen = choose_theories(theories, await self.catalog(guild), await policy_for(interaction))
        opened = self.bot.now()
        stamp = self.bot.limits.polls.take((guild, interaction.user.id), opened)
        poll = await self.bot.store.create_poll(
            guild,
            interaction.channel_id,
            interaction.user.id,
            hidden=hidden_results,
            created_at=opened,
            closes_at=opened + timedelta(hours=hours),
            options=[(e.key, shorten(e.title, OPTION_TITLE_LIMIT), e.name_level) for e in chosen],
        )
        view = self.poll_view(poll, {}, await policy_for(interaction))
        try:
            response = await interaction.response.send_message(view=view)
        except Exception:  # no message, no poll: nothing would ever show or close it
            await self.bot.store.delete_poll(poll.id)
            self.bot.limits.polls.give_back((guild, interaction.user.id), stamp)
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
    async def theories_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        try:
            catalog = await self.catalog(guild_id(interaction))
            pairs = complete_last(str(current), catalog, await name_policy(interaction))
            return [app_commands.Choice(name=name, value=value) for name, value in pairs]
        except Exception:
            log.exception("Autocomplete for /theory poll failed")
            return []

    async def open_thread(self, interaction: Interaction, message: discord.Message, poll_id: int) -> None:
        """A discussion thread on the poll, where the channel has threads (text channels); where the bot may not start
        one, the moderator is told what to grant."""
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel):
            return
        short = bot_lacks(interaction, Job.OPEN_THREAD)
        if short:
            await interaction.followup.send(errors.no_thread(poll_id, short), ephemeral=True)
            return
        try:
            await message.create_thread(name=text.thread_name(poll_id))
        except discord.HTTPException as exc:
            refused, short = explain_refusal(self.bot, channel.id, exc, Job.OPEN_THREAD)
            log.warning("Could not open a discussion thread for theory poll #%d: %s", poll_id, exc)
            if short:
                await interaction.followup.send(errors.no_thread(poll_id, short, refused), ephemeral=True)

    def poll_view(
        self, poll: Poll, counts: dict[int, int], policy: Policy, pictures: Sequence[discord.File] = ()
    ) -> discord.ui.LayoutView:
        """The poll as a V2 message: one section per theory with its vote button beside it (disabled once closed),
        "Reveal to me" where the channel's style leaves text out, and its chart when one is attached with it."""
        shown = [Picture(f.filename, f.description or "", f.spoiler) for f in pictures[:1]]
        return layout_view(poll_layout(poll, counts, policy, shown[0] if shown else None))

    async def guild_poll(self, interaction: Interaction, poll_id: int) -> Poll:
        poll = await self.bot.store.poll(poll_id)
        if poll is None or poll.guild_id != interaction.guild_id:
            raise UserError(errors.no_such_poll(poll_id))
        return await self.settle(poll)

    async def settle(self, poll: Poll) -> Poll:
        """A poll past its deadline is closed, even if the closer has not reached it yet."""
        if poll.closed_at is None and not poll.is_open(self.bot.now()):
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

    async def final_picture(self, poll: Poll, counts: dict[int, int], policy: Policy) -> list[discord.File]:
        """A closed poll's results chart for its message (none if it could not be drawn: the text says the same)."""
        picture = await answer_picture(text.poll_message(poll, counts), policy)
        return [picture] if picture is not None else []

    async def show_final(self, poll: Poll) -> str | None:
        """Edit a closed poll's message into its results. Where Discord refuses, the real cause is logged once and
        returned in words for the moderator (the next press on the message's buttons then retires them)."""
        if poll.message_id is None:
            return errors.POLL_NEVER_POSTED
        async with self.updates.lock(poll.id):  # no live update of the open poll lands after its final results
            return await self._show_final(poll, poll.message_id)

    async def _show_final(self, poll: Poll, message_id: int) -> str | None:
        counts = await self.bot.store.tallies(poll.id)
        policy = await policy_of(self.bot, poll.guild_id, poll.channel_id)
        attach = can_attach_files(self.bot, poll.channel_id)
        pictures = await self.final_picture(poll, counts, policy) if attach else []
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        message = channel.get_partial_message(message_id)
        try:
            # content and embeds cleared: a poll posted before polls were V2 becomes one (V2 allows neither).
            try:
                view = self.poll_view(poll, counts, policy, pictures)
                await message.edit(content=None, embeds=[], view=view, attachments=pictures)
            except discord.HTTPException as exc:
                # Refused for the file (too large, or Attach Files taken away since): the results still go up, as text.
                for_the_file = exc.status == 413 or (
                    exc.status == 403 and not can_attach_files(self.bot, poll.channel_id)
                )
                if not pictures or not for_the_file:
                    raise
                log.warning("Theory poll #%d: its picture was refused (%s); showing the results as text", poll.id, exc)
                await message.edit(content=None, embeds=[], view=self.poll_view(poll, counts, policy), attachments=[])
        except discord.HTTPException as exc:
            refused, short = explain_refusal(self.bot, poll.channel_id, exc, Job.UPDATE_POLL)
            log.warning(
                "Theory poll #%d is closed, but its message %d in channel %d could not show the results: %s%s (%s)",
                poll.id,
                poll.message_id,
                poll.channel_id,
                refused.value,
                f"; the bot lacks {', '.join(n.label for n in short.missing)} there" if short else "",
                exc,
            )
            return errors.poll_not_updated(refused, short)
        return None

    async def vote_pressed(self, interaction: Interaction, poll_id: int, position: int | None) -> None:
        """A vote button (vote, or move the vote; pressing one's own choice again keeps it) or the poll's Withdraw
        button; refused politely once the poll is closed.

        In the common case this is one REST call: the private note saying what the press did. The poll's message
        shows the new counts through ``updates`` (coalesced per poll), not through this interaction.
        """
        poll = await self.bot.store.posted_poll(poll_id)
        if poll is None:
            unposted = await self.bot.store.poll(poll_id)
            if unposted is not None and unposted.guild_id == interaction.guild_id:
                raise UserError(errors.POLL_NOT_READY)
        option = poll.option(position) if poll is not None and position is not None else None
        if poll is None or (position is not None and option is None):
            raise UserError(errors.POLL_GONE)
        if poll.guild_id != interaction.guild_id:
            raise UserError(errors.OTHER_SERVER)
        if interaction.message is None or interaction.message.id != poll.message_id:
            raise UserError(errors.NOT_THIS_POLL)
        if expired(interaction):  # Discord has forgotten the press: the member saw it fail, so it must not count
            raise Expired
        now = self.bot.now()
        policy = await policy_for(interaction)
        if position is None:
            withdrawn = await self.bot.store.withdraw(poll.id, interaction.user.id, now)
            if withdrawn is None:  # no vote to withdraw, or the poll is closed (the cached row may not say so yet)
                poll = await self.bot.store.poll(poll.id) or poll
                if not poll.is_open(now):
                    await self.refuse_closed(interaction, await self.settle_quietly(poll), policy)
                    return
            note = text.withdraw_note(poll.option(withdrawn) if withdrawn is not None else None)
            changed = withdrawn is not None
        else:
            assert option is not None
            outcome = VoteOutcome.CLOSED
            if poll.closed_at is None:
                outcome = await self.bot.store.vote(poll.id, interaction.user.id, position, now)
            if outcome is VoteOutcome.CLOSED:
                poll = await self.bot.store.poll(poll.id) or poll  # fresh: the cached row may not say it closed
                await self.refuse_closed(interaction, await self.settle_quietly(poll), policy)
                return
            note = text.vote_note(option, outcome, poll.hidden)
            changed = outcome is not VoteOutcome.KEPT
        await send_note(interaction, note, policy=policy)
        if changed and not poll.hidden:
            self.updates.changed(poll.id)

    async def show_votes(self, poll_id: int) -> None:
        """Edit an open poll's message to show its votes as they are now (``updates`` calls this, coalesced)."""
        async with self.updates.lock(poll_id):
            found = await self.bot.store.poll_and_tallies(poll_id)
            if found is None:
                return
            poll, counts = found
            if poll.closed_at is not None or poll.message_id is None or poll.hidden:
                return  # a closed poll's message shows its final results, written when it closed
            policy = await policy_of(self.bot, poll.guild_id, poll.channel_id)
            channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
            try:
                await channel.get_partial_message(poll.message_id).edit(view=self.poll_view(poll, counts, policy))
            except discord.HTTPException as exc:
                if poll.id not in self._edit_refused:
                    self._edit_refused.add(poll.id)
                    log.warning(
                        "Theory poll #%d: its message %d in channel %d could not show the latest votes (%s); members "
                        "still vote, and its final results are written when it closes",
                        poll.id,
                        poll.message_id,
                        poll.channel_id,
                        exc,
                    )

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

    async def refuse_closed(self, interaction: Interaction, poll: Poll, policy: Policy) -> None:
        """Votes on a closed poll are refused; the pressed message is brought up to date with the final results."""
        async with self.updates.lock(poll.id):  # after any live update still on its way
            counts = await self.bot.store.tallies(poll.id)
            # Drawn before the response (tens of milliseconds, in a worker thread): well inside Discord's 3 seconds.
            pictures = await self.final_picture(poll, counts, policy)
            view = self.poll_view(poll, counts, policy, pictures)
            await interaction.response.edit_message(content=None, embeds=[], view=view, attachments=pictures)
        await interaction.followup.send(text.closed_refusal(poll), ephemeral=True)

    @app_commands.command(name="close", description="Moderators: close a poll now and show its final results.")
    @app_commands.describe(poll="The poll to close: pick one of this server's open polls")
    @moderators_only
    async def close(self, interaction: Interaction, poll: int) -> None:
        found = await self.guild_poll(interaction, poll)
        if found.closed_at is not None:
            raise UserError(errors.poll_already_closed(found.id))
        await interaction.response.defer(ephemeral=True, thinking=True)
        closed_at = self.bot.now()
        closed = await self.bot.store.close_poll(found.id, closed_at)
        failure = None
        if closed:
            self.closer.wake()
            failure = await self.show_final(replace(found, closed_at=closed_at))
        await interaction.edit_original_response(content=text.close_note(found.id, closed=closed, failure=failure))

    @app_commands.command(
        name="results", description="A poll's results, or without a poll the standings of every poll here."
    )
    @app_commands.describe(poll="A poll of this server; leave empty for the all-time standings")
    async def results(self, interaction: Interaction, poll: int | None = None) -> None:
        guild = guild_id(interaction)
        if poll is None:
            await send_answer(interaction, await self.standings_answer(guild))
            return
        found = await self.guild_poll(interaction, poll)
        if found.hidden and found.closed_at is None:
            voters = await self.bot.store.voter_count(found.id)
            await interaction.response.send_message(text.hidden_results(found, voters), ephemeral=True)
            return
        await send_answer(interaction, await self.poll_answer(found))

    @close.autocomplete("poll")
    async def open_poll_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await self.poll_choices(interaction, str(current), open_only=True)

    @results.autocomplete("poll")
    async def any_poll_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
        return await self.poll_choices(interaction, str(current), open_only=False)

    async def poll_choices(
        self, interaction: Interaction, current: str, *, open_only: bool
    ) -> list[app_commands.Choice[int]]:
        """This server's polls, newest first, described without any theory text."""
        try:
            wanted = current.strip().lstrip("#")
            summaries = await self.bot.store.poll_summaries(guild_id(interaction), open_only=open_only, limit=100)
            return [
                app_commands.Choice(name=text.poll_choice_name(s), value=s.id)
                for s in summaries
                if not wanted or wanted in str(s.id)
            ][:CHOICES_LIMIT]
        except Exception:
            log.exception("Autocomplete for a poll option failed")
            return []

    async def poll_answer(self, poll: Poll) -> Answer:
        return text.poll_results(poll, await self.bot.store.tallies(poll.id))

    async def poll_answer_for_key(self, argument: str, guild_id: int | None) -> Answer | None:
        poll = await self.bot.store.poll(int(argument))
        if poll is None:
            return None
        if poll.guild_id != guild_id:
            raise UserError(errors.OTHER_SERVER)
        return await self.poll_answer(await self.settle(poll))

    async def standings_answer(self, guild: int) -> Answer:
        standings = rank_totals(await self.bot.store.theory_totals(guild))
        numbers = {entry.key: number for number, entry in enumerate(await self.catalog(guild), start=1)}
        return text.standings_answer(guild, standings, numbers)

    async def standings_answer_for_key(self, argument: str, guild_id: int | None) -> Answer | None:
        return await self.standings_answer(int(argument)) if argument.isdigit() else None
