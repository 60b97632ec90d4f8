"""Sending answers to Discord: the one place the channel's spoiler policy is applied and Discord's limits are kept.

Cogs hand over an ``Answer`` (or a few blocks for a short private note); this module looks up the channel's policy,
renders, splits over embeds and messages, adds a "Reveal to me" button where the private style left something out,
and attaches the answer's picture, drawn for the channel in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from .component_ids import parse_reveal, reveal_id
from .components import PersistentButton, persistent_button
from .models import OPEN, STRICTEST, Level, Policy
from .progress import reader_policy, seen_level, seen_moment
from .render import errors
from .render import layout as v2
from .render.answer import Answer
from .render.limits import EmbedSpec, inline, pack_pages, render_pages
from .render.markup import Block, for_one_reader, needs_reveal
from .render.pictures import drawn

if TYPE_CHECKING:
    from .client import StrangersBot

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour(0xC8553D)


def to_embed(spec: EmbedSpec) -> discord.Embed:
    embed = discord.Embed(title=spec.title or None, description=spec.description or None, colour=EMBED_COLOUR)
    for name, value in spec.fields:
        embed.add_field(name=name, value=value, inline=False)
    if spec.footer:
        embed.set_footer(text=spec.footer)
    return embed


async def channel_policy(bot: StrangersBot, guild_id: int | None, channel: Any) -> Policy:
    """The spoiler policy of a channel (a thread follows its parent unless it has its own setting)."""
    if guild_id is None or channel is None:
        return STRICTEST
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    return await bot.store.policy(guild_id, channel.id, parent_id)


async def policy_for(interaction: discord.Interaction[StrangersBot]) -> Policy:
    """The spoiler policy of the channel an interaction came from, for what everyone there can read.

    Where the server has not invited the bot (the app installed to a member's own account, used in a DM, a group DM
    or another server) there is no server setting: the strictest policy applies.
    """
    if not interaction.is_guild_integration():
        return STRICTEST
    return await channel_policy(interaction.client, interaction.guild_id, interaction.channel)


def only_reader(interaction: discord.Interaction[StrangersBot]) -> bool:
    """True in the member's DM with the bot, where every answer is read by them alone."""
    return interaction.context.dm_channel


async def seen_by(interaction: discord.Interaction[StrangersBot]) -> tuple[Level | None, int | None]:
    """The level the member's own progress lets them read plainly (None: they never said), and the last moment
    they have seen when part way."""
    bot = interaction.client
    progress = await bot.store.progress(interaction.user.id)
    return seen_level(progress, bot.film.moments), seen_moment(progress, bot.film.moments)


async def private_policy(interaction: discord.Interaction[StrangersBot], channel: Policy | None = None) -> Policy:
    """The policy of an answer only this member reads (ephemeral, "Reveal to me", their DM with the bot): the
    channel's level or the member's progress, whichever is higher. The one place progress is applied."""
    if channel is None:
        channel = await policy_for(interaction)
    return reader_policy(channel, *await seen_by(interaction))


async def name_policy(interaction: discord.Interaction[StrangersBot]) -> Policy:
    """The policy for names offered while a member types (autocomplete) or refused in a private note: the channel's,
    since what they pick is sent into it; in their DM with the bot, where they alone read, their progress too."""
    return await (private_policy(interaction) if only_reader(interaction) else policy_for(interaction))


async def policy_of(bot: StrangersBot, guild_id: int, channel_id: int) -> Policy:
    """The policy of a channel outside any interaction (a poll closed by the scheduler)."""
    return await channel_policy(bot, guild_id, bot.get_channel(channel_id) or discord.Object(channel_id))


def answer_embeds(answer: Answer, policy: Policy) -> list[discord.Embed]:
    """An answer that must fit one message (a poll), rendered for a channel."""
    specs = pack_pages(answer.heading(policy), render_pages(answer.blocks, policy), answer.footer)[0]
    return [to_embed(spec) for spec in specs]


async def answer_picture(answer: Answer, policy: Policy) -> discord.File | None:
    """The answer's chart drawn for a channel with ``policy``, as a file to attach (None: the answer has no chart).

    Drawing takes tens of milliseconds of CPU, so it runs in a worker thread, never on the event loop. A picture that
    cannot be drawn is logged and left out: the text beside it says the same.
    """
    if answer.chart is None:
        return None
    try:
        picture = await asyncio.to_thread(drawn, answer.chart, policy)
    except Exception:
        log.exception("Could not draw the picture for %r; sending the text alone", answer.heading(OPEN))
        return None
    return discord.File(io.BytesIO(picture.png), picture.filename, description=picture.description)


def private_embeds(answer: Answer, policy: Policy) -> list[discord.Embed]:
    """An answer for one reader only (no "Reveal to me" button there): what is hidden is wrapped, not left out."""
    return answer_embeds(answer, for_one_reader(policy))


def with_reveal(answer: Answer, policy: Policy, view: discord.ui.View) -> discord.ui.View:
    """``view`` with a "Reveal to me" button added when the channel's style leaves part of ``answer`` out."""
    if answer.reveal_key and needs_reveal(answer.segments(), policy):
        add_reveal(view, answer.reveal_key)
    return view


def note_text(blocks: Sequence[Block], policy: Policy) -> str:
    """A short private note (a confirmation) rendered for the reader's channel, hidden parts wrapped."""
    return inline(blocks, for_one_reader(policy))


async def send_answer(
    interaction: discord.Interaction[StrangersBot],
    answer: Answer,
    *,
    policy: Policy | None = None,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> None:
    """Render ``answer`` for the interaction's channel and send it, split over messages if it must be.

    Public answers follow the channel; answers only the member reads also follow their progress.
    """
    if policy is None:
        private = ephemeral or only_reader(interaction)
        policy = await (private_policy(interaction) if private else policy_for(interaction))
    if answer.layout and view is None:
        await send_layouts(interaction, answer_layouts(answer, policy), ephemeral=ephemeral)
        return
    pages = render_pages(answer.blocks, policy)
    messages = pack_pages(answer.heading(policy), pages, answer.footer)
    # Ephemeral answers too: the hidden-spoiler note points at the button, so the button must be there.
    if answer.reveal_key and needs_reveal(answer.segments(), policy):
        view = with_reveal(answer, policy, view or discord.ui.View(timeout=None))
    picture = await answer_picture(answer, policy)
    for index, specs in enumerate(messages):
        embeds = [to_embed(spec) for spec in specs]
        extra: dict[str, Any] = {}
        if index == len(messages) - 1:  # the buttons and the picture go with the last part
            if view is not None:
                extra["view"] = view
            if picture is not None:
                extra["file"] = picture
        if not interaction.response.is_done():
            await interaction.response.send_message(embeds=embeds, ephemeral=ephemeral, **extra)
        else:
            await interaction.followup.send(embeds=embeds, ephemeral=ephemeral, **extra)


async def send_note(
    interaction: discord.Interaction[StrangersBot], blocks: Sequence[Block], *, policy: Policy | None = None
) -> None:
    """A short private note (a confirmation), with the channel's policy applied to any theory text in it."""
    if policy is None:
        policy = await private_policy(interaction)
    text = note_text(blocks, policy)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


def add_reveal(view: discord.ui.View, key: str) -> discord.ui.View:
    """Add a "Reveal to me" button on a row of its own, below the view's other buttons (a poll's numbers)."""
    reveal = reveal_button(key)
    if view.children:
        rows = [item.row for item in view.children if item.row is not None]
        reveal.row = min(max(rows, default=0) + 1, 4)
    view.add_item(reveal)
    return view


def reveal_button(key: str) -> RevealButton:
    return RevealButton(reveal_id(key), label="Reveal to me", emoji="\N{EYE}")


class RevealButton(PersistentButton, template=r"reveal:(?s:.*)"):
    """Sends the whole answer, spoilers included, only to whoever presses it; works across restarts."""

    async def pressed(self, interaction: discord.Interaction[StrangersBot]) -> None:
        key = parse_reveal(self.pressed_id, interaction.guild_id)
        answer = await interaction.client.rebuild_answer(key, interaction.guild_id)
        if answer is None:
            await interaction.response.send_message(errors.ANSWER_GONE, ephemeral=True)
            return
        # Everything, plainly; for a member who said how far they have watched, what lies beyond it stays in bars.
        seen, horizon = await seen_by(interaction)
        channel = await policy_for(interaction)
        policy = OPEN if seen is None else for_one_reader(reader_policy(channel, seen, horizon))
        await send_answer(interaction, answer, policy=policy, ephemeral=True)


# -- Components V2 ----------------------------------------------------------------------------------------------------

BUTTON_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


def reveal_row(key: str) -> v2.ActionRow:
    return v2.ActionRow((v2.ButtonSpec(reveal_id(key), "Reveal to me", emoji="\N{EYE}"),))


def answer_layouts(answer: Answer, policy: Policy) -> list[v2.Layout]:
    """An answer as V2 messages for a channel, with "Reveal to me" below where the private style left text out."""
    reveal = answer.reveal_key and needs_reveal(answer.segments(), policy)
    tail = (reveal_row(answer.reveal_key),) if reveal and answer.reveal_key else ()
    return v2.answer_layouts(answer, policy, tail=tail)


def _button(spec: v2.ButtonSpec) -> PersistentButton:
    style = BUTTON_STYLES[spec.style]
    return persistent_button(spec.custom_id, label=spec.label, style=style, emoji=spec.emoji, disabled=spec.disabled)


def _child(item: v2.Child) -> discord.ui.Item[Any]:
    if isinstance(item, v2.TextDisplay):
        return discord.ui.TextDisplay(item.content)
    if isinstance(item, v2.Separator):
        return discord.ui.Separator(visible=item.divider)
    if isinstance(item, v2.Section):
        return discord.ui.Section(*item.texts, accessory=_button(item.accessory))
    if isinstance(item, v2.Picture):
        media = discord.MediaGalleryItem(item.url, description=item.description or None, spoiler=item.spoiler)
        return discord.ui.MediaGallery(media)
    row: discord.ui.ActionRow[Any] = discord.ui.ActionRow()
    for spec in item.buttons:
        row.add_item(_button(spec))
    return row


def layout_view(layout: v2.Layout) -> discord.ui.LayoutView:
    """A pure layout as discord.py's LayoutView (discord.py sets the IS_COMPONENTS_V2 flag for it)."""
    view = discord.ui.LayoutView(timeout=None)
    for item in layout.items:
        if isinstance(item, v2.Container):
            container: discord.ui.Container[Any] = discord.ui.Container(
                *(_child(child) for child in item.children), accent_colour=item.accent, spoiler=item.spoiler
            )
            view.add_item(container)
        else:
            view.add_item(_child(item))
    return view


async def send_layouts(
    interaction: discord.Interaction[StrangersBot], layouts: Sequence[v2.Layout], *, ephemeral: bool = False
) -> None:
    """V2 messages in answer to an interaction: the first as the response (or the edit after a defer), the rest as
    follow-ups. Never content or embeds beside a layout: Discord refuses them on a V2 message."""
    for index, layout in enumerate(layouts):
        view = layout_view(layout)
        if not interaction.response.is_done():
            await interaction.response.send_message(view=view, ephemeral=ephemeral)
        elif index == 0 and interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            await interaction.edit_original_response(view=view)
        else:
            await interaction.followup.send(view=view, ephemeral=ephemeral)
