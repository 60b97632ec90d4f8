"""``python -m bench.child bot|noop``: one bot under test, in its own process, pointed at the benchmark's stand-in.

The stand-in's addresses come from ``STANDIN_API`` and ``STANDIN_GATEWAY``; everything else (token, database) from
the environment, exactly as in production. ``bot`` runs the real entry point, ``bot.__main__.main``; ``noop`` runs
``bench.noop_bot.main``. With ``BENCH_PROFILE=<file>``, the whole run is sampled by pyinstrument and its text report
written to that file when the bot stops (and the session beside it, to explore with ``pyinstrument --load``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import discord.gateway
import discord.http
import yarl


def entry_point(target: str) -> Callable[[list[str]], int]:
    if target == "bot":
        from bot.__main__ import main
    elif target == "noop":
        from bench.noop_bot import main
    else:
        raise SystemExit(f"unknown bot {target!r}: expected bot or noop")
    return main


def run(target: str) -> int:
    discord.http.Route.BASE = os.environ["STANDIN_API"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["STANDIN_GATEWAY"])
    profile = os.environ.get("BENCH_PROFILE")
    if not profile:
        return entry_point(target)([])
    from pyinstrument import Profiler

    with Profiler(interval=0.0005) as profiler:
        code = entry_point(target)([])
    Path(profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    profiler.last_session.save(str(Path(profile).with_suffix(".pyisession")))  # pyinstrument --load=... to explore
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else "bot"))
