"""A local stand-in for the Discord API, shared by the tests, the playground and the benchmark.

The real discord.py client talks to it over HTTP and a websocket on 127.0.0.1; ``pointed_at`` is the one place
that redirects discord.py's API base URL and gateway, and it puts them back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import discord.gateway
import discord.http
import yarl

from .server import Reply, StandIn, message_buttons, message_text
from .world import Channel, ChannelType, Guild, Perm, User, World


@contextmanager
def pointed_at(standin: StandIn) -> Iterator[None]:
    """Make discord.py (in this process) talk to ``standin`` instead of Discord, then undo it."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = standin.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(standin.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


__all__ = [
    "Channel",
    "ChannelType",
    "Guild",
    "Perm",
    "Reply",
    "StandIn",
    "User",
    "World",
    "message_buttons",
    "message_text",
    "pointed_at",
]
