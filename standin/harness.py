"""Run a discord.py client, in this process, against a stand-in: for the tests and the playground."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import discord

from .pointing import pointed_at
from .server import StandIn

ClientT = TypeVar("ClientT", bound=discord.Client)


@asynccontextmanager
async def running_client(
    standin: StandIn, make_client: Callable[[], ClientT], *, timeout: float = 30.0
) -> AsyncIterator[ClientT]:
    """Build a client with ``make_client()`` (discord.py already pointed at ``standin``), start it with the
    stand-in's token (setup_hook, login, gateway), yield it once it is ready; close it cleanly afterwards.

    Give the client ``guild_ready_timeout=0.01``: the stand-in sends every GUILD_CREATE at once, so there is no need
    for discord.py's 2 s wait after them."""
    with pointed_at(standin):
        client = make_client()
        runner = asyncio.create_task(client.start(standin.token), name="client-under-test")
        ready = asyncio.create_task(client.wait_until_ready())
        try:
            done, _ = await asyncio.wait({runner, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                runner.result()  # start-up failed: raise its error here
                raise RuntimeError("the client stopped before it was ready")
            if ready not in done:
                raise TimeoutError(f"the client was not ready within {timeout} s")
            yield client
        finally:
            ready.cancel()
            await client.close()
            await asyncio.wait({runner}, timeout=10)
            if runner.done() and not runner.cancelled():
                runner.exception()  # already raised above if start-up failed; retrieved so asyncio stays quiet
