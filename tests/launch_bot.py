"""Run the bot's real entry point in a child process, with discord.py pointed at a stand-in.

Used by tests that need a separate process (signals, kill -9). The stand-in's addresses come from the
environment; the rest of the bot's configuration too, exactly as in production.
"""

from __future__ import annotations

import os
import sys

import discord.gateway
import discord.http
import yarl

discord.http.Route.BASE = os.environ["STANDIN_API"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["STANDIN_GATEWAY"])

from bot.__main__ import main  # noqa: E402 - after pointing discord.py at the stand-in

sys.exit(main(sys.argv[1:]))
