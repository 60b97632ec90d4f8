"""The only package that speaks SQL. ``Store`` gathers each feature's part of it over one connection."""

from __future__ import annotations

from .base import StoreBase, StoreError
from .film import FilmStore
from .quotes import QuoteStore
from .spoilers import ChannelSetting, SettingChange, SpoilerStore


class Store(FilmStore, SpoilerStore, QuoteStore, StoreBase):
    """Everything the bot keeps: the film's facts and each server's data."""


__all__ = ["ChannelSetting", "SettingChange", "Store", "StoreError"]
