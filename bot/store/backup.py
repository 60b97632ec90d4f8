"""Backups: a consistent copy of the database through SQLite's online backup API, their names, keeping the newest N,
and the optional schedule inside the running bot.

A copy reads the database in one step on its own connection: in WAL mode that is one read transaction, so the copy
holds every write committed before it began and none half-made, while the bot keeps writing. The copy is written
under a temporary name, checked (``PRAGMA quick_check``) and only then renamed into place, so a file with a backup's
name is always a whole, checked database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .errors import StoreError

log = logging.getLogger(__name__)
_STAMP = "%Y%m%d-%H%M%S"


class BackupError(StoreError):
    """A backup could not be made; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    seconds: float

    def describe(self) -> str:
        return f"Backed up to {self.path} ({self.size / 1e6:.1f} MB in {self.seconds:.1f} s)."


def backup_name(database: Path, when: datetime) -> str:
    return f"{database.stem}-{when.astimezone(UTC).strftime(_STAMP)}.db"


def _name_pattern(database: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(database.stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.db$")


def new_backup_path(folder: Path, database: Path, when: datetime) -> Path:
    """``folder/<database name>-<UTC time>.db``, with ``-2``, ``-3``... when a backup already has that second."""
    first = folder / backup_name(database, when)
    candidate, n = first, 1
    while candidate.exists():
        n += 1
        candidate = first.with_name(f"{first.stem}-{n}.db")
    return candidate


def existing_backups(folder: Path, database: Path) -> list[tuple[datetime, Path]]:
    """The backups of ``database`` in ``folder`` (recognised by name), oldest first."""
    pattern = _name_pattern(database)
    found: list[tuple[datetime, int, Path]] = []
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return []
    for entry in entries:
        match = pattern.match(entry.name)
        if match and entry.is_file():
            when = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            found.append((when, int(match.group(2) or 1), entry))
    found.sort()
    return [(when, path) for when, _, path in found]


def prune(folder: Path, database: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``database`` in ``folder``; returns what was deleted."""
    backups = existing_backups(folder, database)
    doomed = [path for _, path in backups[: max(0, len(backups) - keep)]]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def back_up(database: Path, target: Path | None, folder: Path) -> Backup:
    """Copy ``database`` to ``target``, or to a new timestamped file in ``folder``; every failure is a BackupError."""
    try:
        if target is None or target.is_dir():  # a folder given as PATH: a new timestamped file in it
            target = new_backup_path(target or folder, database, datetime.now(UTC))
        return copy_database(database, target)
    except OSError as exc:  # such as a name too long, outside what copy_database explains
        raise BackupError(f"Cannot back up {database} ({exc.strerror or exc}).") from None


def copy_database(source: Path, target: Path) -> Backup:
    """Copy ``source`` to ``target`` (which must not exist) consistently, even while another process writes to it."""
    started = time.perf_counter()
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up: check DATABASE_PATH.")
    if target.exists():
        raise BackupError(f"{target} already exists: name a new file (a backup never overwrites one).")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Cannot create the backup folder {target.parent} ({exc.strerror}).") from None
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        # mode=rw: never create an empty database where the real one should be.
        src = sqlite3.connect(f"file:{urllib.parse.quote(str(source))}?mode=rw", uri=True)
        try:
            src.execute("PRAGMA busy_timeout = 5000")
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # all pages in one step: one read transaction, one consistent snapshot
                verdict = _quick_check(dst)
                if verdict == "ok":
                    dst.execute("PRAGMA journal_mode = DELETE")  # the backup is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        if verdict != "ok":
            raise BackupError(
                f"The database {source} is damaged ({verdict}), so no backup was written: keep the earlier backups."
            )
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot back up {source} to {target} ({exc}).") from None
    except OSError as exc:
        raise BackupError(f"Cannot write the backup {target} ({exc.strerror or exc}).") from None
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size, time.perf_counter() - started)


def _quick_check(conn: sqlite3.Connection) -> str:
    """ "ok", or the first problem on one line."""
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    lines = [line.strip() for (text,) in rows for line in str(text).splitlines()]
    problems = [line for line in lines if line and not line.startswith("***")]
    return problems[0] if problems else "ok"


class BackupSchedule:
    """Inside the running bot: a backup every ``every``, keeping the newest ``keep``; the copying runs in a thread.

    The first backup is due one interval after the newest one already in the folder (at once if there is none), so
    restarting the bot neither skips nor repeats backups.
    """

    def __init__(self, database: Path, folder: Path, every: timedelta, keep: int) -> None:
        self.database, self.folder, self.every, self.keep = database, folder, every, keep
        self._last: datetime | None = None  # when this schedule last made one (names only keep whole seconds)

    def next_due(self, now: datetime) -> datetime:
        backups = existing_backups(self.folder, self.database)
        times = [when for when, _ in backups[-1:]] + ([self._last] if self._last else [])
        return max(times) + self.every if times else now

    async def run(self) -> None:
        """Until cancelled. A failed backup is logged and tried again after a minute (longer after each failure)."""
        failures = 0
        while True:
            now = datetime.now(UTC)
            wait = (await asyncio.to_thread(self.next_due, now) - now).total_seconds()
            if failures:
                wait = max(wait, min(self.every.total_seconds(), 60.0 * failures))
            await asyncio.sleep(max(0.0, wait))
            try:
                await asyncio.to_thread(self.backup_once)
            except BackupError as exc:
                failures += 1
                log.error("Scheduled backup failed: %s", exc)
            else:
                failures = 0

    def backup_once(self) -> Backup:
        self._last = datetime.now(UTC)
        made = back_up(self.database, None, self.folder)
        gone = prune(self.folder, self.database, self.keep)
        log.info(
            "%s Kept the newest %d backups%s.",
            made.describe(),
            self.keep,
            f", deleted {len(gone)} older" if gone else "",
        )
        return made
