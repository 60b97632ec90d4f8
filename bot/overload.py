"""Overload without amplification: an interaction Discord has already forgotten is never answered, and one member's
heavy commands queue behind nobody but themselves.

Discord gives the bot 3 seconds to acknowledge an interaction and 15 minutes to follow it up (``bot.limits``); after
that the member has already seen "The application did not respond", and any answer fails with 404 10062 "Unknown
interaction" (401 50027 for an expired follow-up token). Under load, trying anyway doubles the work of each late
interaction (the answer fails, then the error handler fails answering that), so: heavy work is not started for an
interaction that is already too old, and the command tree logs each expired interaction once, counts it
(``Limits.expired``), and does not answer it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import discord

from .limits import ANSWER_WITHIN, FOLLOW_UP_WITHIN, Limits

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction it no longer knows (too late, or never existed)
INVALID_WEBHOOK_TOKEN = 50027  # a follow-up through a token past its 15 minutes


class Expired(Exception):
    """The interaction was already too old to answer when its work was about to start."""


def age(interaction: discord.Interaction[Any]) -> timedelta:
    """How long ago Discord created the interaction (its id carries the time)."""
    return discord.utils.utcnow() - interaction.created_at


def expired(interaction: discord.Interaction[Any]) -> bool:
    """Too old for Discord to take an answer: unacknowledged after 3 s, or past the 15 minutes of its token."""
    limit = FOLLOW_UP_WITHIN if interaction.response.is_done() else ANSWER_WITHIN
    return age(interaction) > limit


def is_expiry(error: BaseException) -> bool:
    """Discord's refusal of an answer to an interaction it has forgotten (or our own ``Expired``)."""
    if isinstance(error, Expired):
        return True
    return isinstance(error, discord.HTTPException) and error.code in (UNKNOWN_INTERACTION, INVALID_WEBHOOK_TOKEN)


def limits_of(interaction: discord.Interaction[Any]) -> Limits | None:
    limits = getattr(interaction.client, "limits", None)
    return limits if isinstance(limits, Limits) else None


def note_expired(interaction: discord.Interaction[Any], what: str) -> None:
    """Count an interaction that will not be answered, and say so in the log, once."""
    limits = limits_of(interaction)
    count = 0
    if limits is not None:
        limits.expired += 1
        count = limits.expired
    log.warning(
        "Interaction %s (%s) expired after %.1f s before it was answered; not answering it (%d so far)",
        interaction.id,
        what,
        age(interaction).total_seconds(),
        count,
    )


@asynccontextmanager
async def heavy(interaction: discord.Interaction[Any]) -> AsyncIterator[None]:
    """Around a heavy command's work: not started for an interaction already too old to answer (``Expired``), and
    refused politely (``UserError``) while the member already has ``HEAVY_AT_ONCE`` heavy commands in progress."""
    if expired(interaction):
        raise Expired
    limits = limits_of(interaction)
    if limits is None:
        yield
        return
    gate = limits.heavy
    if gate.running(interaction.user.id) >= gate.at_once:
        limits.refused_heavy += 1
    with gate.slot(interaction.user.id):
        yield
