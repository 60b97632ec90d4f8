"""The persistent buttons of theories: a poll's numbered vote buttons and the review queue's approve/reject.

Their custom ids (``poll:<poll>:<position>``, ``poll:<poll>:withdraw``, ``theory:review:<id>:<action>``, see
``bot.component_ids``) keep them working across restarts and are checked when pressed; what a press does lives in
the cog (``ButtonHandler``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import discord

from bot.component_ids import parse_review, parse_vote, review_id, review_level_id
from bot.components import PersistentButton
from bot.errors import UserError
from bot.models import Level
from bot.render import errors

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

COG_NAME = "Theories"


@runtime_checkable
class ButtonHandler(Protocol):
    """What the theories cog does when one of these buttons is pressed (ids already read and in range)."""

    async def vote_pressed(self, interaction: Interaction, poll_id: int, position: int | None, /) -> None: ...

    async def review_pressed(self, interaction: Interaction, theory_id: int, approve: bool, /) -> None: ...

    async def level_pressed(self, interaction: Interaction, theory_id: int, level: Level, /) -> None: ...


def handler(interaction: Interaction) -> ButtonHandler:
    cog: object = interaction.client.get_cog(COG_NAME)  # None while the cog is unloaded (a reload)
    if not isinstance(cog, ButtonHandler):
        raise UserError(errors.UNAVAILABLE)
    return cog


class VoteButton(PersistentButton, template=r"poll:(?s:.*)"):
    """One option of a poll (its label is only the option's number: labels cannot hide spoilers), or the poll's
    Withdraw button (``poll:<poll>:withdraw``, position None)."""

    async def pressed(self, interaction: Interaction) -> None:
        vote = parse_vote(self.pressed_id)
        await handler(interaction).vote_pressed(interaction, vote.poll_id, vote.position)


class ReviewButton(PersistentButton, template=r"theory:review:(?s:.*)"):
    """Approve or reject one member's suggestion, or set how much it gives away; checked for moderators."""

    async def pressed(self, interaction: Interaction) -> None:
        review = parse_review(self.pressed_id)
        if review.level is not None:
            await handler(interaction).level_pressed(interaction, review.theory_id, review.level)
            return
        await handler(interaction).review_pressed(interaction, review.theory_id, review.approve)


def review_button(theory_id: int, approve: bool) -> ReviewButton:
    return ReviewButton(
        review_id(theory_id, approve),
        label="Approve" if approve else "Reject",
        style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
    )


def level_button(theory_id: int, level: Level, current: Level) -> ReviewButton:
    """Sets the suggestion's spoiler level; the level it has now is shown pressed (primary) and disabled."""
    return ReviewButton(
        review_level_id(theory_id, level),
        label=f"Spoiler: {level.label}",
        style=discord.ButtonStyle.primary if level is current else discord.ButtonStyle.secondary,
        disabled=level is current,
        row=1,
    )
