"""Try every command without Discord or a token: the real bot against the local stand-in, in a terminal.

``python -m bot playground`` opens a prompt; ``--script FILE`` runs a file of lines and prints the transcript.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.errors import ConfigError
from bot.settings import DEFAULT_FACTS

from .console import interact, run_script

CLONE = Path(__file__).resolve().parent.parent  # the playground runs from a clone of the repository
DEFAULT_DATABASE = CLONE / "data" / "playground.db"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot playground", description=__doc__.splitlines()[0])
    parser.add_argument("--script", type=Path, help="run these lines (one command per line) and print the transcript")
    parser.add_argument(
        "--database",
        type=Path,
        default=DEFAULT_DATABASE,
        help=f"the playground's own SQLite database (default: {DEFAULT_DATABASE.relative_to(CLONE)})",
    )
    args = parser.parse_args(argv)
    facts = Path(os.environ.get("FACTS_PATH") or DEFAULT_FACTS)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.script:
            try:
                lines = args.script.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                print(f"Cannot read {args.script}: {exc.strerror}", file=sys.stderr)
                return 2
            return asyncio.run(run_script(lines, args.database, facts))
        return asyncio.run(interact(args.database, facts))
    except ConfigError as exc:
        print(f"Cannot start the playground: {exc}", file=sys.stderr)
        return 2
