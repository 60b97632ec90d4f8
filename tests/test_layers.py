"""The layers read in one direction: the store, the rows, the pure logic and rendering never load discord."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE = [
    "bot.models",
    "bot.errors",
    "bot.store",
    "bot.facts",
    "bot.search",
    "bot.ask",
    "bot.polls",
    "bot.resolve",
    "bot.progress",
    "bot.permissions",
    "bot.quotes",
    "bot.render",
    "bot.render.answer",
    "bot.render.ask",
    "bot.render.charts",
    "bot.render.errors",
    "bot.render.film",
    "bot.render.limits",
    "bot.render.markup",
    "bot.render.pictures",
    "bot.render.phrases",
    "bot.render.quotes",
    "bot.render.spoiler_settings",
    "bot.render.theories",
]


def test_the_store_rows_logic_and_rendering_do_not_load_discord() -> None:
    # A fresh interpreter: this one has discord loaded by other tests.
    script = (
        "import importlib, sys\n"
        f"for name in {PURE!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"discord was loaded: {result.stdout.strip()}"


def test_the_store_imports_nothing_of_the_bot_but_models_and_errors() -> None:
    allowed = {"bot.models", "bot.errors"}
    for path in (ROOT / "bot" / "store").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("from ..") and not line.startswith("from .. import"):
                module = "bot." + line.removeprefix("from ..").split(" import")[0]
                assert module in allowed, f"{path.name} imports {module}"
