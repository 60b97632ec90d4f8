"""The base of every persistent button: a ``DynamicItem`` whose errors are answered by the command tree's handler.

A subclass gives a ``template`` over its stable custom id, builds itself in ``from_custom_id`` and does its work in
``pressed``; a ``UserError`` raised there becomes a polite private answer and anything else is logged and apologised
for, exactly like a slash command's errors. ``from_custom_id`` must not raise: discord.py drops such a press without
an answer, so checks belong in ``pressed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from .tree import answer_error

if TYPE_CHECKING:
    from .client import StrangersBot

NEVER = r"(?!)"  # the base class itself is never registered, so its template matches nothing


class PersistentButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=NEVER):
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.pressed(interaction)
        except Exception as exc:
            await answer_error(interaction, exc)

    async def pressed(self, interaction: discord.Interaction[StrangersBot]) -> None:
        raise NotImplementedError
