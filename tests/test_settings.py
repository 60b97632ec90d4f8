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
