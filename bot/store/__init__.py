"""The only package that speaks SQL. ``Store`` gathers each feature's part of it over one connection."""

from __future__ import annotations

from .base import StoreBase, StoreError
from .film import FilmStore
from .quotes import QuoteStore
from .spoilers import ChannelSetting, SettingChange, SpoilerStore
from .theories import MemberTheory, Poll, PollOption, PollSummary, Review, TheoryStore, VoteOutcome


class Store(FilmStore, SpoilerStore, QuoteStore, TheoryStore, StoreBase):
    """Everything the bot keeps: the film's facts and each server's data."""


__all__ = [
    "ChannelSetting",
    "MemberTheory",
    "Poll",
    "PollOption",
    "PollSummary",
    "Review",
    "SettingChange",
    "Store",
    "StoreError",
    "VoteOutcome",
]
