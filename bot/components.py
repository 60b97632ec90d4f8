"""The base of every persistent button: a ``DynamicItem`` whose id is checked when pressed and whose errors are
answered by the command tree's handler.

A subclass gives a ``template`` (its prefix) and does its work in ``pressed``, where it reads its id with
``bot.component_ids``; a ``UserError`` raised there becomes a polite private answer and anything else is logged and
apologised for, exactly like a slash command's errors. Building an item from a pressed id never fails: discord.py
drops a press whose item cannot be built without answering it, so every check happens in ``pressed``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Self

import discord

from .errors import UserError
from .render import errors
from .tree import answer_error

if TYPE_CHECKING:
    from .client import StrangersBot

NEVER = r"(?!)"  # the base class itself is never registered, so its template matches nothing


_KINDS: list[type[PersistentButton]] = []  # every subclass, so a pure layout's button becomes the right item


class PersistentButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=NEVER):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _KINDS.append(cls)

    def __init__(
        self,
        custom_id: str,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        emoji: str | None = None,
        row: int | None = None,
        disabled: bool = False,
    ) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, custom_id=custom_id, style=style, emoji=emoji, row=row, disabled=disabled
        )
        super().__init__(button)

    @property
    def pressed_id(self) -> str:
        return self.item.custom_id or ""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match.string)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.pressed(interaction)
        except Exception as exc:
            await answer_error(interaction, exc)

    async def pressed(self, interaction: discord.Interaction[StrangersBot]) -> None:
        raise NotImplementedError


class UnknownButton(PersistentButton, template=r"(?!reveal:|poll:|theory:review:)(?s:.*)"):
    """Any other id: every component of this bot is one of the persistent buttons, so this one is not ours."""

    async def pressed(self, interaction: discord.Interaction[StrangersBot]) -> None:
        raise UserError(errors.BROKEN_BUTTON)


def persistent_button(
    custom_id: str,
    *,
    label: str,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    emoji: str | None = None,
    disabled: bool = False,
) -> PersistentButton:
    """The persistent button a custom id belongs to (a vote, a reveal...), for a layout built as plain data.

    Whatever class is chosen, a press is routed by its custom id to the registered DynamicItem, after a restart too.
    """
    for kind in _KINDS:
        if kind.__discord_ui_compiled_template__.fullmatch(custom_id):
            return kind(custom_id, label=label, style=style, emoji=emoji, disabled=disabled)
    raise ValueError(f"no persistent button has the custom id {custom_id!r}")
