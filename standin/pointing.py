"""The one place that points discord.py at a stand-in instead of Discord: in this process, or from the environment
in a child process (``STANDIN_API`` and ``STANDIN_GATEWAY``, as set by ``launch_env``)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import discord.gateway
import discord.http
import yarl

if TYPE_CHECKING:
    from .server import StandIn

API_VARIABLE = "STANDIN_API"
GATEWAY_VARIABLE = "STANDIN_GATEWAY"


def _point(api_base: str, gateway_url: str) -> tuple[str, yarl.URL]:
    """Aim discord.py at these addresses; return what it was aimed at before."""
    old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    return old


@contextmanager
def pointed_at(standin: StandIn) -> Iterator[None]:
    """Make discord.py (in this process) talk to ``standin`` instead of Discord, then undo it."""
    old_base, old_gateway = _point(standin.api_base, standin.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


def address_env(standin: StandIn) -> dict[str, str]:
    """The environment variables that tell a child process where ``standin`` listens."""
    return {API_VARIABLE: standin.api_base, GATEWAY_VARIABLE: standin.gateway_url}


def point_from_env(environ: Mapping[str, str] = os.environ) -> None:
    """In a child process: aim discord.py at the stand-in named by the environment, for the life of the process."""
    missing = [name for name in (API_VARIABLE, GATEWAY_VARIABLE) if not environ.get(name)]
    if missing:
        raise RuntimeError(f"no stand-in to point discord.py at: {' and '.join(missing)} not set")
    _point(environ[API_VARIABLE], environ[GATEWAY_VARIABLE])
