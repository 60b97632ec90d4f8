"""Every extension loads; every command has a unique name and a description for itself and each option."""

from __future__ import annotations

import pkgutil

import cogs
from bot.client import EXTENSIONS, StrangersBot


def _walk(payload: dict, path: str):
    yield path, payload
    for option in payload.get("options", []):
        yield from _walk(option, f"{path} {option['name']}")


def test_the_client_loads_every_feature_of_the_cogs_package() -> None:
    assert sorted(EXTENSIONS) == sorted(f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__))


async def test_every_cog_loads_and_describes_its_commands(settings) -> None:
    bot = StrangersBot(settings)
    try:
        for name in EXTENSIONS:
            await bot.load_extension(name)
        assert set(bot.extensions) == set(EXTENSIONS)
        payload = bot.command_payload(None)
        names = [(c.get("type", 1), c["name"]) for c in payload]
        assert len(names) == len(set(names)) and names
        for command in payload:
            if command.get("type", 1) != 1:  # context menus: Discord gives them a name only, never a description
                assert not command.get("description") and not command.get("options")
                continue
            for path, item in _walk(command, command["name"]):
                assert item.get("description", "").strip(), f"/{path} has no description"
                if item is command or item.get("type") in (1, 2):  # commands, subcommands and groups: sentences
                    assert item["description"].endswith("."), f"/{path}'s description lacks its full stop"
    finally:
        await bot.close()
