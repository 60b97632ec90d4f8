"""The playground's terminal: a prompt with Tab completion, or a script printed as a transcript."""

from __future__ import annotations

import asyncio
import shutil
import signal
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .completion import Completion, completions
from .render import wrapped
from .session import Playground, describe_demo, playground

T = TypeVar("T")


async def run_script(lines: list[str], database: Path, facts: Path) -> int:
    """Each line after the prompt it was typed at, then what the bot answered."""
    async with playground(database, facts) as pg:
        pg.screen.width = _width()
        print(wrapped(describe_demo(), pg.screen.width))
        for line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            print(f"\n{pg.prompt}{line}")
            if not await _answer(pg, line):
                break
    return 0


class Background:
    """The bot and the stand-in on an event loop in a thread of their own, so that the prompt owns the main thread,
    where Ctrl-C arrives: the terminal behaves as any prompt does, whatever the bot is doing."""

    def __init__(self, database: Path, facts: Path) -> None:
        self.database, self.facts = database, facts
        self.loop = asyncio.new_event_loop()
        self.pg: Playground | None = None
        self.error: BaseException | None = None
        self._ready = threading.Event()
        self._leave: asyncio.Event | None = None
        self._main: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="playground-loop", daemon=True)

    def _run(self) -> None:
        # Ctrl-C must wake the prompt: with SIGINT blocked here (and in every thread started from here, such as the
        # database's), the kernel delivers it to the main thread, interrupting the read of the line at once.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        asyncio.set_event_loop(self.loop)
        try:
            self._main = self.loop.create_task(self._serve())
            self.loop.run_until_complete(self._main)
        except asyncio.CancelledError:
            pass  # left before it was ready
        except BaseException as exc:  # handed to the main thread, which reports it
            self.error = exc
        finally:
            self._ready.set()
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()

    async def _serve(self) -> None:
        self._leave = asyncio.Event()
        async with playground(self.database, self.facts) as pg:
            self.pg = pg
            self._ready.set()
            await self._leave.wait()

    def start(self) -> Playground:
        """Start the stand-in and the bot; the playground once the bot is ready (its start-up error if it failed)."""
        self._thread.start()
        self._ready.wait()
        if self.pg is None:
            self._thread.join()
            raise self.error or RuntimeError("the playground stopped before it was ready")
        return self.pg

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the playground's loop and wait for it; Ctrl-C stops waiting and cancels it."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def stop(self) -> None:
        """Close the bot and the stand-in cleanly and wait for them; raise what went wrong, if anything did."""
        if self._thread.is_alive():
            if self._leave is not None and self.pg is not None:
                self.loop.call_soon_threadsafe(self._leave.set)
            elif self._main is not None:
                self.loop.call_soon_threadsafe(self._main.cancel)
            self._thread.join()
        if self.error is not None:
            raise self.error


def _width() -> int:
    """The terminal's width (or COLUMNS), less one column so a full line does not wrap on its own."""
    return max(shutil.get_terminal_size((100, 24)).columns - 1, 40)


MENU_LINES = 25  # Discord shows at most 25 choices
LEAVE_HINT = "(Ctrl-C again or Ctrl-D to leave)"


def interact(database: Path, facts: Path) -> int:
    """The prompt, as in a shell: Ctrl-C clears the line (twice in a row leaves), Ctrl-D or quit leaves."""
    background = Background(database, facts)
    try:
        pg = background.start()
    except KeyboardInterrupt:
        print()
        background.stop()
        return 130
    try:
        pg.screen.width = _width()
        print(wrapped(describe_demo(), pg.screen.width))
        _install_completion(pg, background.loop)
        _prompt(pg, background)
    finally:
        background.stop()
    return 0


def _prompt(pg: Playground, background: Background) -> None:
    interrupted = False  # the last key was Ctrl-C at the prompt
    while True:
        try:
            line = input(f"\n{pg.prompt}")
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            if interrupted:
                print()
                return
            interrupted = True
            print(f"\n{LEAVE_HINT}")
            continue
        interrupted = False
        if line.strip().lower() in ("quit", "exit"):
            return
        try:
            output = background.run(pg.execute(line))
        except KeyboardInterrupt:
            print("\n(stopped waiting for the bot)")
            continue
        if output:
            print(wrapped(output, pg.screen.width))


async def _answer(pg: Playground, line: str) -> bool:
    """Run a typed line and print what it gave; False when the line asks to leave."""
    if line.strip().lower() in ("quit", "exit"):
        return False
    output = await pg.execute(line)
    if output:
        print(wrapped(output, pg.screen.width))
    return True


def readline_matches(line: str, found: list[Completion]) -> list[str]:
    """What readline is given for the line typed so far (it puts in their longest common start).

    A single candidate is taken whole, with a space after it, ready for what comes next. Several leave the line as
    typed and the menu shows them, as Discord's client does: it never types part of a name for you. (Given as they
    are, readline would put in what they share, "Theory " for "Theory 1 (ending)" and "Theory 2 (ending)", or cut
    the line back when they match elsewhere than at its start, "mes" in "Harry (Paul Mescal)".) The two matches
    given share exactly the line, so readline keeps it and shows the menu."""
    if len(found) == 1:
        return [found[0].line + " "]
    return [line, line + " "] if found else []


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

    found: list[Completion] = []
    matches: list[str] = []
    typed = ""  # the line as it was when Tab was pressed

    def complete(text: str, state: int) -> str | None:
        nonlocal found, matches, typed
        if state == 0:
            typed = text
            found = completions(pg, text, ask)
            matches = readline_matches(text, found)
        return matches[state] if state < len(matches) else None

    def show(substitution: str, offered: Sequence[str], longest: int) -> None:
        """The menu, as Discord's: what each candidate is called, one a line; then the prompt and the line again, as it
        was when Tab was pressed: readline still counts that as on screen, and draws any change to it itself."""
        print()
        for completion in found[:MENU_LINES]:
            print(f"  {completion.label}")
        if len(found) > MENU_LINES:
            print(f"  ... and {len(found) - MENU_LINES} more: type more of it")
        print(pg.prompt + typed, end="", flush=True)

    readline.set_completer_delims("")  # the whole line is completed: names and values may hold spaces
    readline.set_completer(complete)
    readline.set_completion_display_matches_hook(show)
    readline.parse_and_bind("tab: complete")
    readline.parse_and_bind("set show-all-if-ambiguous on")  # the menu at the first Tab, as in Discord
