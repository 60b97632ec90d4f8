"""Strangers Bot: a Discord bot for talking about *All of Us Strangers* (2023)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
