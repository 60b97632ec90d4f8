"""The persistent buttons of theories: a poll's numbered vote buttons and the review queue's approve/reject.

Their custom ids (``poll:<poll>:<position>``, ``theory:review:<id>:<action>``) keep them working across restarts;
what a press does lives in the cog (``ButtonHandler``), found when the button is pressed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import discord

from bot.components import PersistentButton
from bot.errors import UserError
from bot.render import errors

if TYPE_CHECKING:
    from bot.client import StrangersBot

    Interaction = discord.Interaction[StrangersBot]

COG_NAME = "Theories"


@runtime_checkable
class ButtonHandler(Protocol):
    """What the theories cog does when one of these buttons is pressed."""

    async def vote_pressed(self, interaction: Interaction, poll_id: int, position: int, /) -> None: ...

    async def review_pressed(self, interaction: Interaction, theory_id: int, approve: bool, /) -> None: ...


def handler(interaction: Interaction) -> ButtonHandler:
    cog: object = interaction.client.get_cog(COG_NAME)  # None while the cog is unloaded (a reload)
    if not isinstance(cog, ButtonHandler):
        raise UserError(errors.UNAVAILABLE)
    return cog


class VoteButton(PersistentButton, template=r"poll:(?P<poll>\d+):(?P<choice>\d+)"):
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
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["poll"]), int(match["choice"]))

    async def pressed(self, interaction: Interaction) -> None:
        await handler(interaction).vote_pressed(interaction, self.poll_id, self.position)


class ReviewButton(PersistentButton, template=r"theory:review:(?P<id>\d+):(?P<action>approve|reject)"):
    """Approve or reject one member's suggestion; checked for moderators when pressed."""

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
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(int(match["id"]), match["action"])

    async def pressed(self, interaction: Interaction) -> None:
        await handler(interaction).review_pressed(interaction, self.theory_id, self.action == "approve")
