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


@dataclass(frozen=True, slots=True)
class Settings:
    token: str = field(repr=False)
    database_path: Path = DEFAULT_DATABASE
    facts_path: Path = DEFAULT_FACTS
    dev_guild_id: int | None = None
    log_level: int = logging.INFO

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Settings:
        env = os.environ if env is None else env
        token = env.get("DISCORD_TOKEN", "").strip()
        if require_token and not token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot's token from the "
                "Discord Developer Portal (Bot -> Reset Token)."
            )
        return cls(
            token=token,
            database_path=_path(env, "DATABASE_PATH", DEFAULT_DATABASE),
            facts_path=_path(env, "FACTS_PATH", DEFAULT_FACTS),
            dev_guild_id=_guild_id(env.get("DEV_GUILD_ID", "").strip()),
            log_level=_log_level(env.get("LOG_LEVEL", "").strip()),
        )


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    return Path(raw).expanduser() if raw else default


def _guild_id(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 17 <= len(raw) <= 20:
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
