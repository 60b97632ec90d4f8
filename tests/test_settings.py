from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import DEFAULT_DATABASE, Settings


def test_token_is_required() -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        Settings.from_env({})
    with pytest.raises(ConfigError):
        Settings.from_env({"DISCORD_TOKEN": "   "})


def test_defaults_and_values() -> None:
    s = Settings.from_env({"DISCORD_TOKEN": "abc"})
    assert s.database_path == DEFAULT_DATABASE and s.dev_guild_id is None and s.log_level == logging.INFO
    s = Settings.from_env(
        {
            "DISCORD_TOKEN": "abc",
            "DATABASE_PATH": "/tmp/x.db",
            "DEV_GUILD_ID": "123456789012345678",
            "LOG_LEVEL": "debug",
        }
    )
    assert s.database_path == Path("/tmp/x.db")
    assert s.dev_guild_id == 123456789012345678
    assert s.log_level == logging.DEBUG


@pytest.mark.parametrize(
    ("name", "value"), [("DEV_GUILD_ID", "my-server"), ("DEV_GUILD_ID", "12"), ("LOG_LEVEL", "loud")]
)
def test_bad_values_name_the_setting(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({"DISCORD_TOKEN": "abc", name: value})


def test_token_never_in_repr() -> None:
    s = Settings.from_env({"DISCORD_TOKEN": "super-secret-token"})
    assert "super-secret-token" not in repr(s)


def test_backup_settings_default_to_no_schedule_beside_the_database() -> None:
    s = Settings.from_env({"DISCORD_TOKEN": "abc", "DATABASE_PATH": "/srv/bot/strangers.db"})
    assert s.backup_every_hours is None and s.backup_keep == 7
    assert s.backup_folder == Path("/srv/bot/backups")
    s = Settings.from_env(
        {"DISCORD_TOKEN": "abc", "BACKUP_DIR": "/mnt/safe", "BACKUP_EVERY_HOURS": "0.5", "BACKUP_KEEP": "30"}
    )
    assert s.backup_folder == Path("/mnt/safe") and s.backup_every_hours == 0.5 and s.backup_keep == 30


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BACKUP_EVERY_HOURS", "0"),
        ("BACKUP_EVERY_HOURS", "-6"),
        ("BACKUP_EVERY_HOURS", "six"),
        ("BACKUP_EVERY_HOURS", "nan"),
        ("BACKUP_EVERY_HOURS", "inf"),
        ("BACKUP_EVERY_HOURS", "1e9"),
        ("BACKUP_KEEP", "0"),
        ("BACKUP_KEEP", "-1"),
        ("BACKUP_KEEP", "2.5"),
        ("BACKUP_KEEP", "²"),
        ("BACKUP_KEEP", "99999999"),
        ("DEV_GUILD_ID", "１２３４５６７８９０１２３４５６７８"),
    ],
)
def test_bad_backup_values_name_the_setting_and_say_what_is_allowed(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name) as caught:
        Settings.from_env({"DISCORD_TOKEN": "abc", name: value})
    assert repr(value) in str(caught.value) and str(caught.value).endswith(".")


def test_check_and_backup_read_settings_without_a_token() -> None:
    assert Settings.from_env({}, require_token=False).token == ""


def test_shards_default_to_discords_recommendation() -> None:
    s = Settings.from_env({"DISCORD_TOKEN": "abc"})
    assert s.shard_count is None and s.shard_ids is None


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("4", "", (4, None)),
        ("4", "0-1", (4, (0, 1))),
        ("8", "0, 2,4-5", (8, (0, 2, 4, 5))),
        ("3", "2", (3, (2,))),
        ("16", "8-15", (16, tuple(range(8, 16)))),
    ],
)
def test_shard_count_and_ids(count: str, ids: str, expected: tuple[int, tuple[int, ...] | None]) -> None:
    s = Settings.from_env({"DISCORD_TOKEN": "abc", "SHARD_COUNT": count, "SHARD_IDS": ids})
    assert (s.shard_count, s.shard_ids) == expected


@pytest.mark.parametrize(
    ("count", "ids", "says"),
    [
        ("", "0-1", "SHARD_IDS .* needs SHARD_COUNT"),
        ("0", "", "SHARD_COUNT must be"),
        ("two", "", "SHARD_COUNT must be"),
        ("99999999999", "", "SHARD_COUNT must be"),
        ("4", "4", "shards are 0 to 3"),
        ("4", "0-99999999999", "shards are 0 to 3"),
        ("4", "3-1", "SHARD_IDS must list"),
        ("4", "a", "SHARD_IDS must list"),
        ("4", "0,,1", "SHARD_IDS must list"),
        ("4", "-1", "SHARD_IDS must list"),
        ("4", "１", "SHARD_IDS must list"),  # a full-width digit
    ],
)
def test_bad_shard_settings_say_what_to_set(count: str, ids: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        Settings.from_env({"DISCORD_TOKEN": "abc", "SHARD_COUNT": count, "SHARD_IDS": ids})
