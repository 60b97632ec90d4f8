"""The framework's floor: a bare discord.py ``Client`` + ``CommandTree`` that answers everything with a constant.

Its commands mirror the real bot's, read from the command payload the real bot registered (a JSON file named by
``BENCH_COMMANDS``): the same names, subcommands and options (types, required, choices, ranges, autocomplete), each
answering ``ANSWER``; autocomplete answers one constant choice, and any button press (one catch-all
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
from pathlib import Path
from typing import Any, Union

import discord
from discord import app_commands

log = logging.getLogger("bench.noop")

ANSWER = "ok"
SUBCOMMAND, GROUP = 1, 2
# Discord option type -> the annotation discord.py turns back into that type.
ANNOTATIONS: dict[int, Any] = {
    3: str,
    4: int,
    5: bool,
    6: discord.User,
    8: discord.Role,
    9: Union[discord.Member, discord.Role],  # noqa: UP007 - discord.py needs a typing.Union here
    10: float,
    11: discord.Attachment,
}
CHANNEL_CLASSES: dict[int, type] = {
    0: discord.TextChannel,
    2: discord.VoiceChannel,
    4: discord.CategoryChannel,
    5: discord.TextChannel,
    10: discord.Thread,
    11: discord.Thread,
    12: discord.Thread,
    13: discord.StageChannel,
    15: discord.ForumChannel,
}
VALUE_TYPES: dict[int, type] = {3: str, 4: int, 10: float}


def annotation_for(option: dict[str, Any]) -> Any:
    kind = option["type"]
    if kind == 7:
        classes = tuple(dict.fromkeys(CHANNEL_CLASSES[t] for t in option.get("channel_types") or [0]))
        return Union[classes] if len(classes) > 1 else classes[0]  # noqa: UP007
    base = ANNOTATIONS[kind]
    low, high = (option.get("min_length"), option.get("max_length")) if kind == 3 else (None, None)
    if kind in (4, 10):
        low, high = option.get("min_value"), option.get("max_value")
    if low is None and high is None:
        return base
    return app_commands.Range[base, low, high]


def mirror_command(spec: dict[str, Any]) -> app_commands.Command[Any, ..., None]:
    """A command with ``spec``'s name and options whose callback answers ``ANSWER``."""
    options = spec.get("options") or []

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await interaction.response.send_message(ANSWER)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for option in options:
        default = inspect.Parameter.empty if option.get("required") else None
        parameters.append(
            inspect.Parameter(
                option["name"], inspect.Parameter.KEYWORD_ONLY, annotation=annotation_for(option), default=default
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    if options:
        app_commands.describe(**{o["name"]: o["description"] for o in options})(callback)
    with_choices = {o["name"]: o["choices"] for o in options if o.get("choices")}
    if with_choices:
        app_commands.choices(
            **{
                name: [app_commands.Choice(name=c["name"], value=c["value"]) for c in choices]
                for name, choices in with_choices.items()
            }
        )(callback)
    command = app_commands.Command(name=spec["name"], description=spec["description"], callback=callback)
    for option in options:
        if option.get("autocomplete"):
            command.autocomplete(option["name"])(constant_choices(VALUE_TYPES[option["type"]]))
    return command


def constant_choices(value_type: type) -> Any:
    choice = app_commands.Choice(name=ANSWER, value=value_type(1) if value_type is not str else ANSWER)

    async def complete(interaction: discord.Interaction, current: Any) -> list[app_commands.Choice[Any]]:
        return [choice]

    return complete


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
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AnyButton:
        return cls(match["custom_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(ANSWER, ephemeral=True)


class NoopBot(discord.Client):
    def __init__(self, commands: list[dict[str, Any]]) -> None:
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        for spec in commands:
            self.tree.add_command(mirror(spec))

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
