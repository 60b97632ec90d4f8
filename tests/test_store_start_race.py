"""Several processes opening a new SQLite file at the same moment (a cluster's first start): every one of them opens
it, and each migration is applied exactly once. Before the fix, two of them applied the same migration ("table meta
already exists"), or one was refused the switch to WAL ("database is locked")."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.store import Store
from bot.store.base import latest_version, migrations
from standin.process import ChildProcess, launch_env

OPENERS = 4

# A process that opens the store the moment a file appears (so all of them start their migrations together).
OPEN_AT_GO = """
import asyncio, sys, time
from pathlib import Path
from bot.store import Store

database, go = Path(sys.argv[1]), Path(sys.argv[2])
print("waiting", flush=True)
while not go.exists():
    time.sleep(0.0005)

async def main() -> None:
    store = await Store.open(database)
    print("version", await store.schema_version(), flush=True)
    await store.close()

asyncio.run(main())
"""


async def check_applied_once(database: Path) -> None:
    store = await Store.open(database)
    try:
        assert await store.schema_version() == latest_version()
        rows = await store._rows("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [(v, n) for v, n in rows] == [(v, n) for v, n, _ in migrations()]
    finally:
        await store.close()


async def test_stores_opening_a_new_file_at_once_all_open_it(tmp_path: Path) -> None:
    for round_ in range(12):  # each round has a fair chance of the race; before the fix nearly every one lost it
        database = tmp_path / f"new-{round_}.db"
        opened = await asyncio.gather(*(Store.open(database) for _ in range(OPENERS)), return_exceptions=True)
        failures = [repr(s) for s in opened if isinstance(s, BaseException)]
        for store in opened:
            if isinstance(store, Store):
                await store.close()
        assert failures == []
        await check_applied_once(database)


async def test_processes_opening_a_new_file_at_once_all_open_it(tmp_path: Path) -> None:
    for round_ in range(2):
        database, go = tmp_path / f"new-{round_}.db", tmp_path / f"go-{round_}"
        children = [
            ChildProcess(
                [sys.executable, "-c", OPEN_AT_GO, str(database), str(go)], env=launch_env(os.environ), cwd=tmp_path
            )
            for _ in range(OPENERS)
        ]
        try:
            for child in children:
                await child.start()
            for child in children:
                await child.until(child.line_containing("waiting"), 60, "the child to be ready")
            go.touch()
            results = [await child.finish() for child in children]
        finally:
            for child in children:
                await child.kill()
        assert [(code, err) for code, _, err in results] == [(0, "")] * OPENERS
        assert {out for _, out, _ in results} == {f"waiting\nversion {latest_version()}\n"}
        await check_applied_once(database)
