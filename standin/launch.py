"""``python -m standin.launch [--profile FILE] MODULE [ARGS...]``: run ``MODULE.main(ARGS)`` in this process with
discord.py pointed at the stand-in named by ``STANDIN_API`` and ``STANDIN_GATEWAY``; exit with what it returns.

The module is imported by name, so the stand-in never imports the program it runs. Everything else (token,
database) comes from the environment, exactly as in production. With ``--profile FILE``, the whole run is sampled
by pyinstrument and its text report written to FILE when the program ends (and the session beside it, to explore
with ``pyinstrument --load``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .pointing import point_from_env

Main = Callable[[list[str]], Any]


def entry_point(module: str) -> Main:
    try:
        main = importlib.import_module(module).main
    except ModuleNotFoundError as exc:
        raise SystemExit(f"cannot launch {module}: {exc}") from None
    except AttributeError:
        raise SystemExit(f"cannot launch {module}: it has no main()") from None
    return main


def profiled(main: Main, args: list[str], report: Path) -> int:
    from pyinstrument import Profiler

    with Profiler(interval=0.0005) as profiler:
        code = main(args)
    report.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    if profiler.last_session is not None:
        profiler.last_session.save(str(report.with_suffix(".pyisession")))  # pyinstrument --load=... to explore
    return int(code or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m standin.launch", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, help="sample the run with pyinstrument; its report goes here")
    parser.add_argument("module", help="a module with main(argv), e.g. bot.__main__")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed on to main")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    point_from_env()
    entry = entry_point(options.module)
    if options.profile:
        return profiled(entry, options.args, options.profile)
    return int(entry(options.args) or 0)


if __name__ == "__main__":
    sys.exit(main())
