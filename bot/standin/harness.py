"""Run the real bot, in this process, against a stand-in: for the tests, the playground and the benchmark."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from ..client import StrangersBot
from ..settings import Settings
from . import StandIn, pointed_at


@asynccontextmanager
async def running_bot(standin: StandIn, settings: Settings, *, timeout: float = 30.0) -> AsyncIterator[StrangersBot]:
    """Start the bot (setup_hook, login, gateway) and yield it once it is ready; close it cleanly afterwards."""
    settings = replace(settings, token=standin.token)
    with pointed_at(standin):
        # The stand-in sends every GUILD_CREATE at once, so there is no need for discord.py's 2 s wait after them.
        bot = StrangersBot(settings, guild_ready_timeout=0.01)
        runner = asyncio.create_task(bot.start(settings.token), name="bot-under-test")
        ready = asyncio.create_task(bot.wait_until_ready())
        try:
            done, _ = await asyncio.wait({runner, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                runner.result()  # start-up failed: raise its error here
                raise RuntimeError("the bot stopped before it was ready")
            if ready not in done:
                raise TimeoutError(f"the bot was not ready within {timeout} s")
            yield bot
        finally:
            ready.cancel()
            await bot.close()
            await asyncio.wait({runner}, timeout=10)
            if runner.done() and not runner.cancelled():
                runner.exception()  # already raised above if start-up failed; retrieved so asyncio stays quiet
