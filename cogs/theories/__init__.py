"""Theories about the film and the server's polls on them: /theory list, show, suggest, review, poll, close, results.

``commands`` holds the slash commands and what the buttons do, ``buttons`` the persistent vote and review buttons,
``closer`` the scheduler that closes each poll at its deadline (also one that passed while the bot was down).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .commands import Theories

if TYPE_CHECKING:
    from bot.client import StrangersBot


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Theories(bot))
