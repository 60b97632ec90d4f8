"""The stand-in itself: it must refuse what Discord refuses, or the end-to-end tests prove nothing."""

from __future__ import annotations

import aiohttp
import pytest

from standin import StandIn
from standin.rules import RuleBroken, validate_command, validate_commands, validate_message


def cmd(**over) -> dict:
    return {"name": "plot", "description": "The plot", "type": 1, "options": []} | over


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (cmd(name="Plot"), "name must match"),
        (cmd(name="a" * 33), "name must match"),
        (cmd(name="two words"), "name must match"),
        (cmd(description=""), "description"),
        (cmd(description="x" * 101), "description"),
        (cmd(options=[{"name": f"o{i}", "description": "d", "type": 3} for i in range(26)]), "limit 25"),
        (
            cmd(
                options=[
                    {"name": "a", "description": "d", "type": 3},
                    {"name": "b", "description": "d", "type": 3, "required": True},
                ]
            ),
            "required options must come before",
        ),
        (
            cmd(
                options=[
                    {
                        "name": "a",
                        "description": "d",
                        "type": 3,
                        "choices": [{"name": str(i), "value": str(i)} for i in range(26)],
                    }
                ]
            ),
            "26 choices",
        ),
        (
            cmd(
                options=[
                    {
                        "name": "a",
                        "description": "d",
                        "type": 3,
                        "autocomplete": True,
                        "choices": [{"name": "x", "value": "x"}],
                    }
                ]
            ),
            "autocomplete and choices",
        ),
    ],
)
def test_commands_discord_would_refuse(command: dict, problem: str) -> None:
    with pytest.raises(RuleBroken, match=problem):
        validate_command(command)


def test_a_valid_command_and_duplicates() -> None:
    validate_command(cmd(options=[{"name": "moment", "description": "Which", "type": 3, "autocomplete": True}]))
    with pytest.raises(RuleBroken, match="unique"):
        validate_commands([cmd(), cmd()])


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ({"content": "x" * 2001}, "limit 2000"),
        ({"embeds": [{"description": "x" * 4097}]}, "limit 4096"),
        ({"embeds": [{"title": "t" * 257}]}, "limit 256"),
        ({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]}, "limit 6000"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "1-1024"),
        (
            {
                "components": [
                    {"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "c" * 101}]}
                ]
            },
            "custom_id",
        ),
        ({}, "empty message"),
    ],
)
def test_messages_discord_would_refuse(message: dict, problem: str) -> None:
    with pytest.raises(RuleBroken, match=problem):
        validate_message(message)


async def test_unknown_routes_and_bad_tokens_are_refused_loudly() -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bot {standin.token}"}
        async with http.get(f"{standin.api_base}/guilds/1/bans", headers=auth) as resp:
            assert resp.status == 404
        async with http.get(f"{standin.api_base}/users/@me", headers={"Authorization": "Bot wrong"}) as resp:
            assert resp.status == 401
        async with http.get(f"{standin.api_base}/users/@me", headers=auth) as resp:
            assert resp.status == 200 and resp.headers["Content-Type"] == "application/json"
        assert standin.problems == ["unknown route: GET /guilds/1/bans"]


def test_the_stand_in_imports_nothing_of_the_bot() -> None:
    """It is a Discord for any discord.py client: the bot is a consumer of it, never the other way round."""
    import ast
    from pathlib import Path

    import standin

    found = []
    for source in Path(standin.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [f"{source.name}: {n}" for n in names if n.split(".")[0] in ("bot", "cogs", "playground")]
    assert found == []


async def test_the_launcher_points_a_child_at_the_stand_in_and_runs_a_module_by_name(tmp_path) -> None:
    """``python -m standin.launch MODULE`` runs MODULE.main(args) with discord.py aimed at the stand-in."""
    import os

    from standin.process import launch_command, launch_env, run_to_end

    (tmp_path / "probe.py").write_text(
        "import discord.gateway, discord.http\n"
        "def main(argv):\n"
        "    print(discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY, argv)\n"
        "    return 3\n"
    )
    async with StandIn() as standin:
        env = launch_env(dict(os.environ, PYTHONPATH=str(tmp_path)), standin)
        code, out, err = await run_to_end(launch_command("probe", "x"), env=env, cwd=tmp_path)
        assert (code, out.strip()) == (3, f"{standin.api_base} {standin.gateway_url} ['x']"), err
        without = {k: v for k, v in env.items() if not k.startswith("STANDIN_")}
        code, _out, err = await run_to_end(launch_command("probe"), env=without, cwd=tmp_path)
    assert code != 0 and "STANDIN_API and STANDIN_GATEWAY not set" in err
