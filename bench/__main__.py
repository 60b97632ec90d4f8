"""``python -m bench``: run the benchmark, print the table, write bench/results/ (results.md, .json, .png)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from .report import write
from .run import Config, run_all
from .scale import SERVERS

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=400, help="measured runs per interaction (default 400)")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured runs first (default 30)")
    parser.add_argument(
        "--voters", type=int, nargs="*", default=[1000, 5000], help="members voting at once (default 1000 5000)"
    )
    parser.add_argument(
        "--history-votes",
        type=int,
        default=1_000_000,
        help="votes in one server for the history scenario, 0 to skip it (default 1000000)",
    )
    parser.add_argument(
        "--chart-runs", type=int, default=100, help="draws per poll picture, 0 to skip them (default 100)"
    )
    parser.add_argument(
        "--servers",
        type=int,
        nargs="*",
        default=list(SERVERS),
        help="servers in the scale scenario's stand-ins, none to skip it (default 1 1000 10000)",
    )
    parser.add_argument(
        "--flood", type=int, default=300, help="one member's /ask sent at once beside other members, 0 to skip"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results go (default bench/results)")
    parser.add_argument(
        "--profile", action="store_true", help="run each bot's measured start under pyinstrument (OUT/profile-*.txt)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    config = Config(
        runs=args.runs,
        warmup=args.warmup,
        voters=tuple(args.voters),
        profile_dir=args.out if args.profile else None,
        chart_runs=args.chart_runs,
        history_votes=args.history_votes,
        flood=args.flood,
        servers=tuple(args.servers),
    )
    with tempfile.TemporaryDirectory(prefix="strangers-bench-") as workdir:
        report = asyncio.run(run_all(Path(workdir), config))
    print(write(report, args.out))
    print(f"Written to {args.out}/results.md, results.json and results.png")
    problems = report.ours.problems + report.floor.problems
    if problems:
        print("The stand-in saw problems:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
