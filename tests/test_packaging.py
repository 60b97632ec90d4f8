"""A non-editable install works from any folder: the facts file and the migrations come with the package.

Slower than a unit test (a real ``pip install`` of the project, a few seconds), so it is marked ``packaging``:
``pytest -m "not packaging"`` leaves it out while iterating. It builds from a copy of the sources, so nothing is
written into the clone, and installs without dependencies (they are this environment's) into a temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import asyncio, sys
sys.path.insert(0, sys.argv[1])
import bot
assert bot.__file__.startswith(sys.argv[1]), bot.__file__
from bot.client import EXTENSIONS, StrangersBot
from bot.facts import load_facts
from bot.ask import build_asker, packaged_lexicon
from bot.search import index_rows
from bot.settings import Settings
from bot.store import Store

settings = Settings.from_env({"DISCORD_TOKEN": "unused"})
assert settings.facts_path.is_file() and str(settings.facts_path).startswith(sys.argv[1]), settings.facts_path

async def main():
    loaded = load_facts(settings.facts_path)
    store = await Store.open(settings.database_path)
    await store.replace_facts(loaded.data, loaded.digest, index_rows(loaded.data))
    film = await store.load_film()
    assert str(packaged_lexicon()).startswith(sys.argv[1]), packaged_lexicon()
    assert build_asker(film, loaded.phrasings).ask("who plays harry").best == ("fact", "who-plays-harry")
    version = await store.schema_version()
    await store.close()
    client = StrangersBot(settings)
    for name in EXTENSIONS:
        await client.load_extension(name)
    await client.close()
    print(film.film.title, version, len(EXTENSIONS))

asyncio.run(main())
"""


@pytest.mark.packaging
def test_a_built_package_runs_from_another_folder(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("bot", "cogs"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "data").mkdir()
    for name in ("film.toml", "lexicon.toml"):
        shutil.copy(ROOT / "data" / name, source / "data" / name)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(target), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    assert (target / "bot" / "data" / "film.toml").is_file()
    assert (target / "bot" / "data" / "lexicon.toml").is_file()
    assert list((target / "bot" / "store" / "migrations").glob("*.sql"))

    elsewhere = tmp_path / "elsewhere"  # neither the clone nor the installation: data/ is created here
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(target)], cwd=elsewhere, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    version, extensions = result.stdout.split()[-2:]
    assert "Strangers" in result.stdout and int(version) >= 1 and int(extensions) >= 1
    assert (elsewhere / "data" / "strangers.db").is_file()
