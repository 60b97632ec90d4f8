"""``python -m bot check``: everything start-up does except connecting to Discord, reported in a few lines.

It reads the settings, parses the facts file, opens the database (creating it if missing), runs the full integrity
check and the migrations, loads the facts into it as a start would and reads them back. The token is not needed:
whether Discord accepts it can only be learnt by connecting, and a check is useful without it (on a restored backup,
after editing the facts file). Any problem raises ``ConfigError`` with one sentence.
"""

from __future__ import annotations

import time
from pathlib import Path

from .facts import load_facts
from .search import index_rows
from .settings import Settings
from .store import Store, StoreError


async def check(settings: Settings) -> list[str]:
    """The report's lines; raises ``ConfigError`` (one sentence) at the first problem."""
    sync = f"server {settings.dev_guild_id}" if settings.dev_guild_id else "every server (global)"
    token = (
        "set (not tried: checking never connects to Discord)."
        if settings.token
        else "not set. This check does not need it; 'python -m bot' does."
    )
    lines = [
        f"Settings: fine. Database {settings.database_path}, facts {settings.facts_path}, commands synced to {sync}.",
        f"Shards: {_shards(settings)}",
        f"Token: {token}",
    ]
    loaded = load_facts(settings.facts_path)
    data = loaded.data
    lines.append(
        f"Facts: fine. {len(data.characters)} characters, {len(data.moments)} moments, {len(data.facts)} facts, "
        f"{len(data.theories)} theories, {len(data.quotes)} quotes."
    )
    existed = _exists(settings.database_path)
    store = await Store.open(settings.database_path, quick_check=False)  # the full check follows
    try:
        started = time.perf_counter()
        problems = await store.integrity_problems()
        took = time.perf_counter() - started
        if problems:
            raise StoreError(
                f"The database {settings.database_path} is damaged ({problems[0]}): restore a backup or move the "
                "file away to start afresh."
            )
        await store.replace_facts(data, loaded.digest, index_rows(data))
        if await store.load_film() != data:
            raise StoreError(
                f"The facts stored in {settings.database_path} differ from {settings.facts_path} although the file "
                "is unchanged: the database is damaged; restore a backup or move the file away to start afresh."
            )
        counts = await store.row_counts()
        version = await store.schema_version()
    finally:
        await store.close()
    size = settings.database_path.stat().st_size
    lines.append(
        f"Database: fine{'' if existed else ' (created)'}. {size / 1e6:.1f} MB, schema version {version}, integrity "
        f"checked in {took:.1f} s; "
        + ", ".join(
            _plural(counts.get(table, 0) + counts.get(also, 0), name)
            for table, also, name in (
                ("guild_settings", "channel_settings", "spoiler setting"),
                ("member_theories", "", "member theory"),
                ("polls", "", "poll"),
                ("votes", "", "vote"),
            )
        )
        + "."
    )
    lines.append(_backup_line(settings))
    ready = "." if settings.token else " once DISCORD_TOKEN is set."
    lines.append(f"All fine: 'python -m bot' will start with these settings{ready}")
    return lines


def _plural(count: int, name: str) -> str:
    if count == 1:
        return f"1 {name}"
    return f"{count} {name[:-1] + 'ies' if name.endswith('y') else name + 's'}"


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # such as a name too long: Store.open says so
        return False


def _backup_line(settings: Settings) -> str:
    if settings.backup_every_hours is None:
        return f"Backups: not scheduled ('python -m bot backup' writes to {settings.backup_folder})."
    return (
        f"Backups: every {settings.backup_every_hours:g} hours into {settings.backup_folder}, keeping the newest "
        f"{settings.backup_keep}."
    )


def _shards(settings: Settings) -> str:
    if settings.shard_count is None:
        return "as many as Discord recommends, all in this process."
    if settings.shard_ids is None:
        return f"{settings.shard_count}, all in this process."
    ids = ", ".join(map(str, settings.shard_ids))
    return f"{ids} of {settings.shard_count} in this process (the others in other processes)."
