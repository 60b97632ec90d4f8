"""The framework's floor: a bare discord.py ``Client`` + ``CommandTree`` that answers everything with a constant.

Its commands mirror the real bot's, read from the command payload the real bot registered (a JSON file named by
``BENCH_COMMANDS``): the same names, subcommands and options (types, required, choices, ranges, channel types,
autocomplete), each answering ``ANSWER``; autocomplete answers one constant choice, and any button press (one catch-all
``DynamicItem``) answers ``ANSWER`` privately. Whatever the real bot spends above this bot is our own code.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger("bench.noop")

ANSWER = "ok"
SUBCOMMAND, GROUP = 1, 2


class Mirrored(app_commands.Transformer):
    """An option exactly as the real bot registered it (type, choices, range, channel types); values pass through."""

    def __init__(self, option: dict[str, Any]) -> None:
        self.option = option

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType(self.option["type"])

    @property
    def choices(self) -> list[app_commands.Choice[Any]] | None:
        listed = self.option.get("choices")
        return [app_commands.Choice(name=c["name"], value=c["value"]) for c in listed] if listed else None

    @property
    def min_value(self) -> int | float | None:
        return self.option.get("min_length", self.option.get("min_value"))

    @property
    def max_value(self) -> int | float | None:
        return self.option.get("max_length", self.option.get("max_value"))

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType(t) for t in self.option.get("channel_types") or []]

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        return value


class MirroredWithAutocomplete(Mirrored):
    """An option with autocomplete: one constant choice of the option's type."""

    async def autocomplete(
        self, interaction: discord.Interaction, value: int | float | str, /
    ) -> list[app_commands.Choice[int | float | str]]:
        return [app_commands.Choice(name=ANSWER, value=ANSWER if self.type.value == 3 else 1)]


def mirror_command(spec: dict[str, Any]) -> app_commands.Command[Any, ..., None]:
    """A command with ``spec``'s name and options whose callback answers ``ANSWER``."""
    options = spec.get("options") or []

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await interaction.response.send_message(ANSWER)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for option in options:
        kind = MirroredWithAutocomplete if option.get("autocomplete") else Mirrored
        parameters.append(
            inspect.Parameter(
                option["name"],
                inspect.Parameter.KEYWORD_ONLY,
                annotation=app_commands.Transform[Any, kind(option)],
                default=inspect.Parameter.empty if option.get("required") else None,
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    if options:
        app_commands.describe(**{o["name"]: o["description"] for o in options})(callback)
    return app_commands.Command(name=spec["name"], description=spec["description"], callback=callback)


def mirror(spec: dict[str, Any]) -> app_commands.Command[Any, ..., None] | app_commands.Group:
    """A command, or a group of (groups of) subcommands, shaped like ``spec``."""
    options = spec.get("options") or []
    if not any(o["type"] in (SUBCOMMAND, GROUP) for o in options):
        return mirror_command(spec)
    group = app_commands.Group(name=spec["name"], description=spec["description"])
    for sub in options:
        group.add_command(mirror(sub))
    return group


class AnyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?P<custom_id>.{1,100})"):
    """Every button press, whatever its custom_id, answered privately with ``ANSWER``."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label=ANSWER, custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnyButton:
        return cls(match["custom_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(ANSWER, ephemeral=True)


MESSAGE_MENU = 3


async def answer_menu(interaction: discord.Interaction, message: discord.Message) -> None:
    """Every message menu ("Apps" on a message), answered privately with ``ANSWER``."""
    await interaction.response.send_message(ANSWER, ephemeral=True)


class NoopBot(discord.AutoShardedClient):
    """Sharded as the real bot is: Discord's recommended shard count, IDENTIFYs paced by the session start limit's
    ``max_concurrency`` (not discord.py's 5 s per shard), so that start-up compares like with like."""

    def __init__(self, commands: list[dict[str, Any]]) -> None:
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self.concurrency: int | None = None
        self.identified_at: dict[int, float] = {}
        for spec in commands:
            if spec.get("type", 1) == MESSAGE_MENU:
                self.tree.add_command(app_commands.ContextMenu(name=spec["name"], callback=answer_menu))
            else:
                self.tree.add_command(mirror(spec))

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        shard = shard_id or 0
        if self.identified_at:
            if self.concurrency is None:
                self.concurrency = (await self.fetch_session_start_limits()).max_concurrency
            bucket = [at for s, at in self.identified_at.items() if s % self.concurrency == shard % self.concurrency]
            if bucket:
                await asyncio.sleep(max(0.0, max(bucket) + 5.0 - time.monotonic()))
        self.identified_at[shard] = time.monotonic()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnyButton)
        await self.tree.sync()

    async def on_ready(self) -> None:
        log.info("Ready as %s in %d server(s)", self.user, len(self.guilds))


async def run(token: str, commands: list[dict[str, Any]]) -> None:
    bot = NoopBot(commands)
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stopping.append(asyncio.create_task(bot.close())))
    async with bot:
        await bot.start(token)
    if stopping:
        await asyncio.gather(*stopping)


def main(argv: list[str] | None = None) -> int:
    commands = json.loads(Path(os.environ["BENCH_COMMANDS"]).read_text(encoding="utf-8"))
    discord.utils.setup_logging(level=logging.INFO, root=True)
    asyncio.run(run(os.environ["DISCORD_TOKEN"], commands))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
