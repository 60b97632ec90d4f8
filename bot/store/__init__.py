"""The only package that speaks SQL. ``Store`` gathers each feature's part of it over one connection.

It depends on ``bot.models`` (the rows it returns) and nothing else of the bot: no discord, no rendering.
"""

from __future__ import annotations

from .base import StoreBase, StoreError
from .film import FilmStore
from .moderation import ModerationStore
from .policies import PolicyStore
from .progress import ProgressStore
from .quotes import QuoteStore
from .theories import TheoryStore


class Store(FilmStore, ModerationStore, PolicyStore, ProgressStore, QuoteStore, TheoryStore, StoreBase):
    """Everything the bot keeps: the film's facts and each server's data."""


__all__ = ["Store", "StoreError"]
