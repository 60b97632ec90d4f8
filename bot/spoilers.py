"""Kept only for ``bot/playground/session.py`` (owned by the stand-in move): Policy and Style live in bot.models."""

from __future__ import annotations

from .models import Policy, Style

__all__ = ["Policy", "Style"]
