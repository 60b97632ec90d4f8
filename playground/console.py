"""The playground's terminal: a prompt with Tab completion, or a script printed as a transcript."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from .parse import parse_command
from .session import Playground, describe_demo, playground


async def run_script(lines: list[str], database: Path, facts: Path) -> int:
    """Each line after the prompt it was typed at, then what the bot answered."""
    async with playground(database, facts) as pg:
        print(describe_demo())
        for line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            print(f"\n{pg.prompt}{line}")
            if not await _answer(pg, line):
                break
    return 0


async def interact(database: Path, facts: Path) -> int:
    loop = asyncio.get_running_loop()
    async with playground(database, facts) as pg:
        print(describe_demo())
        _install_completion(pg, loop)
        while True:
            try:
                line = await loop.run_in_executor(None, input, f"\n{pg.prompt}")
            except (EOFError, KeyboardInterrupt):
                print()
                break
            if not await _answer(pg, line):
                break
    return 0


async def _answer(pg: Playground, line: str) -> bool:
    """Run a typed line and print what it gave; False when the line asks to leave."""
    if line.strip().lower() in ("quit", "exit"):
        return False
    output = await pg.execute(line)
    if output:
        print(output)
    return True


def completions(
    pg: Playground, text: str, buffer: str, ask: Callable[[tuple[str, ...], str, str], list[dict]]
) -> list[str]:
    """What Tab may put in place of ``text`` (the word being typed), given the whole line in ``buffer``."""
    if not buffer.startswith("/"):
        words = ["as moderator", "as member", "in #", "click ", "reveal", "say ", "menu ", "save "]
        words += ["help", "commands", "quit"]
        return [w for w in words if w.startswith(buffer)]
    before = buffer[: len(buffer) - len(text)]
    words = before[1:].split()
    if ":" not in before:
        # Still naming the command or its subcommand.
        slash = [c for c in pg.standin.global_commands if c.get("type", 1) == 1]  # menus: "menu NAME on N"
        pool = slash
        options: list[dict] = []
        for word in words:
            found = next((c for c in (pool if not options else options) if c["name"] == word), None)
            if found is None:
                return []
            options = [o for o in found.get("options") or [] if o["type"] in (1, 2)]
            pool = options
        names = [c["name"] for c in (options if words else slash)]
        if words and not options:
            # A complete command: offer its option names.
            with contextlib.suppress(Exception):
                names = [o["name"] + ":" for o in pg.schema(tuple(words))]
        prefix = text.lstrip("/")
        return [("/" if not words else "") + n for n in names if n.startswith(prefix)]
    try:
        line = parse_command(before + "x")  # a stand-in value marks where the current option's value starts
    except ValueError:
        return []
    schema = {o["name"]: o for o in pg.schema(line.path)}
    current = next(reversed(line.options), None)
    if before.rstrip().endswith(":") and current and current in schema:
        option = schema[current]
        if option.get("choices"):
            return [c["value"] for c in option["choices"] if str(c["value"]).startswith(text)]
        if option.get("autocomplete"):
            return [c["value"] for c in ask(line.path, current, text) if str(c["value"]).startswith(text)]
        return []
    return [n + ":" for n in schema if n.startswith(text) and n not in line.options]


def _install_completion(pg: Playground, loop: asyncio.AbstractEventLoop) -> None:
    try:
        import readline
    except ImportError:  # no readline on this platform: the prompt still works, without Tab
        return

    def ask(path: tuple[str, ...], option: str, typed: str) -> list[dict]:
        future = asyncio.run_coroutine_threadsafe(pg.suggest(path, option, typed, {}), loop)
        try:
            return future.result(timeout=3)
        except Exception:
            return []

    matches: list[str] = []

    def complete(text: str, state: int) -> str | None:
        nonlocal matches
        if state == 0:
            matches = completions(pg, text, readline.get_line_buffer()[: readline.get_endidx()], ask)
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" ")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
