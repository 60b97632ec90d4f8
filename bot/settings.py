"""Settings read once from the environment (``.env`` is loaded by ``__main__``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import PROJECT_ROOT
from .errors import ConfigError


def packaged_facts() -> Path:
    """The film's facts file that comes with the code.

    ``data/film.toml`` at the top of the repository is the file people edit. A built package carries a copy inside
    itself as ``bot/data/film.toml`` (``package-dir`` in pyproject.toml), found through importlib.resources wherever
    the bot is started from; a clone (editable install or none) uses the repository's file itself.
    """
    installed = resources.files("bot").joinpath("data", "film.toml")
    if installed.is_file():
        return Path(str(installed))
    return PROJECT_ROOT / "data" / "film.toml"


# Relative: the data folder of the folder the bot is started from (where .env is read too), never the installation.
DEFAULT_DATABASE = Path("data") / "strangers.db"
DEFAULT_FACTS = packaged_facts()
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_BACKUP_KEEP = 7
MAX_BACKUP_EVERY_HOURS = 24 * 366
MAX_BACKUP_KEEP = 10_000
MAX_SHARDS = 10_000  # far above what Discord recommends for the largest bots; refuses a typo of many digits


@dataclass(frozen=True, slots=True)
class Settings:
    token: str = field(repr=False)
    database_path: Path = DEFAULT_DATABASE
    facts_path: Path = DEFAULT_FACTS
    dev_guild_id: int | None = None
    log_level: int = logging.INFO
    # Where backups go (``python -m bot backup`` and the schedule); None: a ``backups`` folder beside the database.
    backup_dir: Path | None = None
    backup_every_hours: float | None = None  # None: no scheduled backups
    backup_keep: int = DEFAULT_BACKUP_KEEP
    # Sharding. None: as many shards as Discord recommends, all in this process. SHARD_IDS: the shards this process
    # runs, of SHARD_COUNT in all (a cluster of processes, each with its own range).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def backup_folder(self) -> Path:
        return self.backup_dir if self.backup_dir is not None else self.database_path.parent / "backups"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Settings:
        env = os.environ if env is None else env
        shard_count, shard_ids = _shards(env.get("SHARD_COUNT", "").strip(), env.get("SHARD_IDS", "").strip())
        token = env.get("DISCORD_TOKEN", "").strip()
        if require_token and not token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot's token from the "
                "Discord Developer Portal (Bot -> Reset Token)."
            )
        return cls(
            token=token,
            database_path=_path(env, "DATABASE_PATH") or DEFAULT_DATABASE,
            facts_path=_path(env, "FACTS_PATH") or DEFAULT_FACTS,
            dev_guild_id=_guild_id(env.get("DEV_GUILD_ID", "").strip()),
            log_level=_log_level(env.get("LOG_LEVEL", "").strip()),
            backup_dir=_path(env, "BACKUP_DIR"),
            backup_every_hours=_backup_every(env.get("BACKUP_EVERY_HOURS", "").strip()),
            backup_keep=_backup_keep(env.get("BACKUP_KEEP", "").strip()),
            shard_count=shard_count,
            shard_ids=shard_ids,
        )


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    return Path(raw).expanduser() if raw else None


def _guild_id(raw: str) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 17 <= len(raw) <= 20:
        raise ConfigError(
            f"DEV_GUILD_ID must be a server id (17-20 digits, from right-click > Copy Server ID), not {raw!r}."
        )
    return int(raw)


def _log_level(raw: str) -> int:
    if not raw:
        return logging.INFO
    name = raw.upper()
    if name not in _LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LEVELS)}, not {raw!r}.")
    return getattr(logging, name)


def _backup_every(raw: str) -> float | None:
    if not raw:
        return None
    try:
        hours = float(raw)
    except ValueError:
        hours = float("nan")
    if not 0 < hours <= MAX_BACKUP_EVERY_HOURS:  # also refuses nan and inf
        raise ConfigError(
            f"BACKUP_EVERY_HOURS must be a number of hours above 0 (such as 6 or 0.5), at most "
            f"{MAX_BACKUP_EVERY_HOURS}, not {raw!r}; leave it empty for no scheduled backups."
        )
    return hours


def _backup_keep(raw: str) -> int:
    if not raw:
        return DEFAULT_BACKUP_KEEP
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_BACKUP_KEEP:
        raise ConfigError(
            f"BACKUP_KEEP must be how many backups to keep, a whole number from 1 to {MAX_BACKUP_KEEP}, not {raw!r}."
        )
    return int(raw)


def _shards(count_raw: str, ids_raw: str) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT (a whole number) and SHARD_IDS (ids and ranges such as ``0-3`` or ``0,2,4-5``, each below the
    count); SHARD_IDS needs SHARD_COUNT, and a count alone means every shard in this process."""
    if not count_raw:
        if ids_raw:
            raise ConfigError(
                f"SHARD_IDS ({ids_raw!r}) needs SHARD_COUNT: set it to the number of shards of the whole cluster."
            )
        return None, None
    if not (count_raw.isascii() and count_raw.isdigit()) or not 1 <= int(count_raw) <= MAX_SHARDS:
        raise ConfigError(
            f"SHARD_COUNT must be the number of shards, a whole number from 1 to {MAX_SHARDS}, not {count_raw!r}; "
            "leave it empty to use the number Discord recommends."
        )
    count = int(count_raw)
    if not ids_raw:
        return count, None
    ids: set[int] = set()
    for part in ids_raw.split(","):
        low, dash, high = part.strip().partition("-")
        bounds = [low.strip(), high.strip()] if dash else [low.strip()]
        if not all(b.isascii() and b.isdigit() for b in bounds) or int(bounds[0]) > int(bounds[-1]):
            raise ConfigError(f"SHARD_IDS must list shard ids and ranges, such as 0-3 or 0,2,4-5, not {ids_raw!r}.")
        if int(bounds[-1]) >= count:
            raise ConfigError(
                f"SHARD_IDS names shard {int(bounds[-1])}, but with SHARD_COUNT={count} the shards are 0 to "
                f"{count - 1}."
            )
        ids.update(range(int(bounds[0]), int(bounds[-1]) + 1))
    return count, tuple(sorted(ids))
