"""Backups: `python -m bot backup` while members vote, restored with every vote acknowledged before it; the schedule
inside the running bot keeping the newest N; names, order and refusals."""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot_under_test import bot_env, bot_process, run_to_end, running_bot

from bot.settings import Settings
from bot.store.backup import BackupSchedule, existing_backups, new_backup_path, prune
from standin import StandIn, message_text

POOL = 1500  # members who may vote during the burst; each votes once


def _votes(path: Path, poll_id: int) -> dict[int, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        found = dict(conn.execute("SELECT user_id, position FROM votes WHERE poll_id = ?", (poll_id,)))
    conn.close()
    return found


def _restore(backup: Path, database: Path) -> None:
    """The README's restore steps, the bot being stopped: copy the backup over the database, drop -wal and -shm."""
    shutil.copyfile(backup, database)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)


async def test_backup_during_a_vote_burst_restores_every_vote_acknowledged_before_it(
    tmp_path: Path, settings: Settings
) -> None:
    live, backup = settings.database_path, tmp_path / "saved" / "during-the-burst.db"
    async with StandIn() as standin:
        pool = [standin.world.add_member(f"voter{i}") for i in range(POOL)]
        pressed: dict[int, int] = {}
        acknowledged: dict[int, tuple[int, float]] = {}  # user -> (position, when the bot's answer arrived)
        async with running_bot(standin, settings):
            poll = await standin.slash("theory poll", user=standin.world.moderator, channel="spoilers", timeout=30)
            poll_id = int(re.search(r"Theory poll #(\d+)", message_text(poll.message)).group(1))  # type: ignore[union-attr]

            async def vote(index: int) -> None:
                user, position = pool[index], 1 + index % 3
                pressed[user.id] = position
                reply = await standin.click(poll.message, f"poll:{poll_id}:{position}", user=user, timeout=30)  # type: ignore[arg-type]
                if reply.ephemeral and "Your vote is on" in reply.content:  # the private note: acknowledged
                    acknowledged[user.id] = (position, time.monotonic())

            backup_done = asyncio.Event()

            async def burst() -> list[asyncio.Task[None]]:
                tasks = []
                for index in range(POOL):
                    if backup_done.is_set():
                        break
                    tasks.append(asyncio.create_task(vote(index)))
                    await asyncio.sleep(0.002)
                return tasks

            burster = asyncio.create_task(burst())
            await standin.wait_until(lambda: len(acknowledged) >= 50, timeout=60)
            began = time.monotonic()
            code, out, err = await run_to_end(
                bot_env(live), tmp_path, command=[sys.executable, "-m", "bot", "backup", str(backup)]
            )
            finished = time.monotonic()
            backup_done.set()
            await asyncio.gather(*await burster)
        assert code == 0 and "Traceback" not in err, err
        assert out.startswith(f"Backed up to {backup} (")
        before = {user: position for user, (position, at) in acknowledged.items() if at < began}
        during = [user for user, (_, at) in acknowledged.items() if began <= at <= finished]
        assert len(before) >= 50 and during, "the votes did not go on while the backup ran"

        # Restore it (the bot stopped), start the bot on it: it starts, answers, and every vote before is there.
        _restore(backup, live)
        async with running_bot(standin, settings):
            late = standin.world.add_member("after-the-restore")
            current = standin.messages[int(poll.message["id"])]  # type: ignore[index]
            assert "Your vote is on" in (await standin.click(current, f"poll:{poll_id}:2", user=late)).content
        assert standin.problems == []
    restored = _votes(live, poll_id)
    for user, position in before.items():
        assert restored.get(user) == position, f"the vote of {user}, acknowledged before the backup, is missing"
    assert restored.pop(late.id) == 2
    assert all(pressed[user] == position for user, position in restored.items())  # nothing but real presses


async def test_the_schedule_backs_up_while_running_and_keeps_the_newest(tmp_path: Path) -> None:
    db, folder = tmp_path / "bot.db", tmp_path / "backups"
    folder.mkdir()
    older = [folder / f"bot-2026010{day}-120000.db" for day in (1, 2, 3)]  # earlier backups, recognised by name
    for path in older:
        path.write_bytes(b"an older backup")
    (folder / "notes.txt").write_text("not a backup: never deleted")
    seen: list[str] = []  # in the order they appeared
    async with StandIn() as standin:
        every = {"BACKUP_DIR": str(folder), "BACKUP_EVERY_HOURS": "0.0001", "BACKUP_KEEP": "2"}  # every 0.36 s
        env = bot_env(db, standin, **every)
        async with bot_process(env, tmp_path) as child:
            await asyncio.wait_for(standin.connected.wait(), 60)
            deadline = time.monotonic() + 60
            while len(seen) < 3 and time.monotonic() < deadline:  # three scheduled backups
                for _, path in existing_backups(folder, db):
                    if path not in older and path.name not in seen:
                        seen.append(path.name)
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)  # the third one's pruning
            child.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
            code, _out, err = await child.finish(30)
    assert code == 0 and "Traceback" not in err, err
    made = err.count("Backed up to")
    assert made >= 3 and made - len(seen) <= 1  # at most one made after the last look
    kept = [path for _, path in existing_backups(folder, db)]
    assert len(kept) == 2 and not any(path.exists() for path in older)  # the newest two; the older ones are gone
    assert kept[0].name in seen
    assert (folder / "notes.txt").exists()
    for path in kept:
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
            assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] > 0
        conn.close()


def test_backup_names_sort_by_time_and_pruning_keeps_the_newest(tmp_path: Path) -> None:
    db = tmp_path / "strangers.db"
    when = datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC)
    made = []
    for offset in (0, 0, 0, 3600):  # three in the same second, then one an hour later
        path = new_backup_path(tmp_path, db, when + timedelta(seconds=offset))
        path.write_bytes(b"x")
        made.append(path.name)
    assert made == [
        "strangers-20261123-080000.db",
        "strangers-20261123-080000-2.db",
        "strangers-20261123-080000-3.db",
        "strangers-20261123-090000.db",
    ]
    (tmp_path / "other-20261123-070000.db").write_bytes(b"another database's backup")
    assert [p.name for _, p in existing_backups(tmp_path, db)] == made
    assert [p.name for p in prune(tmp_path, db, 2)] == made[:2]
    assert [p.name for _, p in existing_backups(tmp_path, db)] == made[2:]
    assert (tmp_path / "other-20261123-070000.db").exists()
    schedule = BackupSchedule(db, tmp_path, timedelta(hours=6), 2)
    assert schedule.next_due(when) == when + timedelta(hours=7)  # six hours after the newest
    schedule._last = when + timedelta(hours=2)  # a backup it made, named within the second
    assert schedule.next_due(when) == when + timedelta(hours=8)
    assert BackupSchedule(db, tmp_path / "empty", timedelta(hours=6), 2).next_due(when) == when


async def test_backup_refusals_are_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"

    async def backup(*args: str) -> tuple[int, str]:
        code, out, err = await run_to_end(bot_env(db), tmp_path, command=[sys.executable, "-m", "bot", "backup", *args])
        assert "Traceback" not in err and (code == 0 or (out == "" and len(err.strip().splitlines()) == 1)), err
        return code, (out if code == 0 else err).strip()

    assert await backup() == (2, f"Backup failed: There is no database at {db} to back up: check DATABASE_PATH.")
    assert not db.exists()  # a backup never creates the database it was asked to copy
    await run_to_end(bot_env(db), tmp_path, command=[sys.executable, "-m", "bot", "check"])
    code, said = await backup()
    assert code == 0 and said.startswith(f"Backed up to {tmp_path / 'backups' / 'bot-'}")
    target = tmp_path / "mine.db"
    assert (await backup(str(target)))[0] == 0
    assert await backup(str(target)) == (
        2,
        f"Backup failed: {target} already exists: name a new file (a backup never overwrites one).",
    )
    code, said = await backup(str(tmp_path / "backups"))  # a folder: a new file in it
    assert code == 0 and len(existing_backups(tmp_path / "backups", db)) == 2
    data = bytearray(db.read_bytes())
    data[3 * 4096 : 4 * 4096] = bytes(4096)  # a damaged page
    db.write_bytes(data)
    code, said = await backup(str(tmp_path / "from-damaged.db"))
    assert code == 2 and "no backup was written" in said and not (tmp_path / "from-damaged.db").exists()
