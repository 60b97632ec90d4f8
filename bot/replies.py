"""Sending answers to Discord: the channel's spoiler policy applied, limits kept, and a "Reveal to me" button
for channels whose style keeps spoilers out of the public answer. The one discord-facing helper cogs share."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from .answers import Answer
from .spoilers import OPEN, STRICTEST, Policy, needs_reveal
from .text import CUSTOM_ID_LIMIT, EmbedSpec, pack_pages, render

if TYPE_CHECKING:
    from .client import StrangersBot

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour(0xC8553D)
AnswerBuilder = Callable[[str], Awaitable[Answer | None]]
REVEAL_KEY = re.compile(r"^[a-z]+:[-\w:,.]{1,88}$")


def to_embed(spec: EmbedSpec) -> discord.Embed:
    embed = discord.Embed(title=spec.title or None, description=spec.description or None, colour=EMBED_COLOUR)
    for name, value in spec.fields:
        embed.add_field(name=name, value=value, inline=False)
    if spec.footer:
        embed.set_footer(text=spec.footer)
    return embed


async def policy_for(interaction: discord.Interaction) -> Policy:
    """The spoiler policy of the channel an interaction came from (a thread follows its parent unless set)."""
    channel = interaction.channel
    if interaction.guild_id is None or channel is None:
        return STRICTEST
    bot: StrangersBot = interaction.client  # type: ignore[assignment]
    parent_id = getattr(channel, "parent_id", None) if isinstance(channel, discord.Thread) else None
    return await bot.store.policy(interaction.guild_id, channel.id, parent_id)


async def send_answer(
    interaction: discord.Interaction,
    answer: Answer,
    *,
    policy: Policy | None = None,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> None:
    """Render ``answer`` for the interaction's channel and send it, split over messages if it must be."""
    if policy is None:
        policy = await policy_for(interaction)
    pages = render(answer.blocks, policy)
    messages = pack_pages(answer.title, pages, answer.footer)
    # Ephemeral answers too: the hidden-spoiler note points at the button, so the button must be there.
    if answer.reveal_key and needs_reveal(answer.segments(), policy):
        view = add_reveal(view or discord.ui.View(timeout=None), answer.reveal_key)
    for index, specs in enumerate(messages):
        embeds = [to_embed(spec) for spec in specs]
        last = index == len(messages) - 1
        kwargs: dict = {"embeds": embeds, "ephemeral": ephemeral}
        if last and view is not None:
            kwargs["view"] = view
        if not interaction.response.is_done():
            await interaction.response.send_message(**kwargs)
        else:
            await interaction.followup.send(**kwargs)


def add_reveal(view: discord.ui.View, key: str) -> discord.ui.View:
    """Add a "Reveal to me" button on a row of its own, below the view's other buttons (a poll's numbers)."""
    reveal = RevealButton(key)
    if view.children:
        rows = [item.row for item in view.children if item.row is not None]
        reveal.row = min(max(rows, default=0) + 1, 4)
    view.add_item(reveal)
    return view


class RevealButton(discord.ui.DynamicItem[discord.ui.Button], template=r"reveal:(?P<key>[a-z]+:[-\w:,.]{1,88})"):
    """Sends the whole answer, spoilers included, only to whoever presses it; works across restarts."""

    def __init__(self, key: str) -> None:
        if not REVEAL_KEY.match(key) or len(f"reveal:{key}") > CUSTOM_ID_LIMIT:
            raise ValueError(f"bad reveal key {key!r}")
        super().__init__(
            discord.ui.Button(
                label="Reveal to me", emoji="\N{EYE}", style=discord.ButtonStyle.secondary, custom_id=f"reveal:{key}"
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RevealButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: StrangersBot = interaction.client  # type: ignore[assignment]
        try:
            await self._reveal(bot, interaction)
        except Exception as exc:
            await bot.report_error(interaction, exc)

    async def _reveal(self, bot: StrangersBot, interaction: discord.Interaction) -> None:
        answer = await bot.rebuild_answer(self.key)
        if answer is None:
            await interaction.response.send_message(
                "That answer is no longer available (the film's facts have changed since). Ask again?",
                ephemeral=True,
            )
            return
        await send_answer(interaction, answer, policy=OPEN, ephemeral=True)
