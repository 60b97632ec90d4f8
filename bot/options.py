"""Slash command options for free text: what Discord enforces (lengths), checked again here, and cleaned.

``MemberText`` is the boundary every free-text option crosses (see ``bot.member_text``); a refusal is a
``UserError``, answered privately by the command tree before the command runs.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from .errors import UserError
from .member_text import clean
from .render import errors


class MemberText(app_commands.Transformer):
    """A free-text string option, cleaned; ``what`` names it in refusals ("title", "question")."""

    def __init__(self, what: str, min_length: int | None = None, max_length: int | None = None) -> None:
        self.what = what
        self.min_length = min_length
        self.max_length = max_length

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def min_value(self) -> int | None:
        return self.min_length

    @property
    def max_value(self) -> int | None:
        return self.max_length

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> str:
        raw = str(value)
        if self.max_length is not None and len(raw) > self.max_length:
            raise UserError(self.too_long(len(raw)))
        text = clean(raw, self.what)
        if self.min_length and not text:
            raise UserError(self.empty())
        return text

    def too_long(self, length: int) -> str:
        assert self.max_length is not None
        return errors.too_long(self.what, self.max_length, length)

    def empty(self) -> str:
        return errors.empty(self.what)


class QuestionText(MemberText):
    """/ask's question: 1-200 characters, with a nudge towards the kind of question that works."""

    def __init__(self) -> None:
        super().__init__("question", 1, QUESTION_LIMIT)

    def too_long(self, length: int) -> str:
        return errors.question_too_long(QUESTION_LIMIT, length)

    def empty(self) -> str:
        return errors.EMPTY_QUESTION


QUESTION_LIMIT = 200
