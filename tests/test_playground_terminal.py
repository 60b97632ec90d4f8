"""The playground in a real terminal (a pseudo-terminal, as a person's would be): keys typed one by one, Ctrl-C and
Ctrl-D as the terminal sends them, everything it prints read back. Waits are bounded, never timed."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CLONE = Path(__file__).resolve().parent.parent
PROMPT = "member@#general> "
CTRL_C, CTRL_D = "\x03", "\x04"
WAIT = 90.0  # seconds: generous, for a slow machine; a test that waits this long has failed anyway


def foreground_signals() -> None:
    """Signals as a person's shell hands them to the program it runs in the foreground: none blocked, none ignored.

    Dispositions set to "ignore" survive exec, and a test runner started in the background by a shell without job
    control (a CI script, ``nohup``) ignores SIGINT and SIGQUIT: the playground would inherit that and never see
    Ctrl-C. Python itself ignores SIGPIPE and SIGXFSZ; ``subprocess`` restores them, ``pty.fork`` does not.
    """
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


class Terminal:
    """``python -m bot playground`` with a pseudo-terminal as its controlling terminal, 100 columns wide."""

    def __init__(self, database: Path) -> None:
        argv = [sys.executable, "-m", "bot", "playground", "--database", str(database)]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "LOG_"))}
        env |= {"TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: its terminal is the pty
            os.chdir(CLONE)
            foreground_signals()
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.seen = ""  # everything printed so far
        self.code: int | None = None  # its exit code, once it ended
        self._unread = ""

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def interrupt(self) -> None:
        """Ctrl-C once the prompt waits for the next key, as it does when a person presses it. (A signal that lands
        in the microseconds while readline handles the key before would wait for one more key: readline looks at
        signals only when one interrupts its wait, in Python's own prompt too.)"""
        deadline = time.monotonic() + WAIT
        task = Path(f"/proc/{self.pid}/task/{self.pid}")
        while time.monotonic() < deadline:
            try:
                state = (task / "stat").read_text().rpartition(")")[2].split()[0]
                wchan = (task / "wchan").read_text()
            except OSError:
                break
            if wchan.strip() in ("", "0"):  # this kernel does not say where a process sleeps: a short pause instead
                time.sleep(0.2)
                break
            if state == "S" and ("poll" in wchan or "select" in wchan):
                break
            time.sleep(0.01)
        self.type(CTRL_C)

    def _read(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536).decode(errors="replace")
        except OSError:  # the other end closed: the program ended
            return False
        self.seen += data
        self._unread += data
        return bool(data)

    def until(self, text: str) -> str:
        """What was printed up to and including ``text`` (which must come within WAIT seconds)."""
        deadline = time.monotonic() + WAIT
        while text not in self._unread:
            if not self._read(deadline):
                raise AssertionError(f"{text!r} never came; the terminal shows:\n{self.seen[-2000:]}")
        head, _, self._unread = self._unread.partition(text)
        return head + text

    def exit_code(self) -> int:
        """Read to the end and wait for the program to end; its exit code."""
        deadline = time.monotonic() + WAIT
        while self._read(deadline):
            pass
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.code = os.waitstatus_to_exitcode(status)
                return self.code
            time.sleep(0.05)
        raise AssertionError(f"the playground did not end; the terminal shows:\n{self.seen[-2000:]}")

    def close(self) -> None:
        if self.code is None:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path / "pg.db")
    try:
        term.until(PROMPT)
        yield term
    finally:
        term.close()


def test_ctrl_c_clears_the_line_and_a_second_one_leaves_cleanly(terminal: Terminal) -> None:
    terminal.type("/pl")
    terminal.until("/pl")
    terminal.interrupt()
    shown = terminal.until(PROMPT)
    assert "(Ctrl-C again or Ctrl-D to leave)" in shown
    terminal.type("/film\r")  # had "/pl" stayed, this would be "/pl/film"
    assert "All of Us Strangers (2023)" in terminal.until(PROMPT)
    terminal.interrupt()
    terminal.until("(Ctrl-C again or Ctrl-D to leave)")
    terminal.interrupt()
    assert terminal.exit_code() == 0
    assert "Traceback" not in terminal.seen and "Error" not in terminal.seen


def test_ctrl_d_leaves_cleanly(terminal: Terminal) -> None:
    terminal.type(CTRL_D)
    assert terminal.exit_code() == 0
    assert "Traceback" not in terminal.seen


def test_typing_after_ctrl_c_starts_again_and_quit_leaves(terminal: Terminal) -> None:
    terminal.type("/film extra: 1")
    terminal.until("extra: 1")
    terminal.interrupt()
    terminal.until(PROMPT)
    terminal.type("help\r")
    assert "switch who you are" in terminal.until(PROMPT)  # the Ctrl-C before does not count towards leaving
    terminal.interrupt()
    terminal.until(PROMPT)
    terminal.type("quit\r")
    assert terminal.exit_code() == 0
    assert "Traceback" not in terminal.seen


def test_tab_puts_in_names_as_discord_shows_them_and_the_bot_gets_their_values(terminal: Terminal) -> None:
    terminal.type("/pl\t")
    terminal.until("ot ")
    terminal.type("m\t")
    terminal.until("oment: ")
    terminal.type("diner\t")
    terminal.until("15. The diner ")
    terminal.type("\r")
    assert "┏━ 15. The diner" in terminal.until(PROMPT)
    terminal.type("/character name: mes\t")
    terminal.until("Harry (Paul Mescal) ")
    terminal.type("\r")
    assert "┏━ Harry" in terminal.until(PROMPT)
    terminal.type("/quote topic: \t")
    menu = terminal.until(f"{PROMPT}/quote topic: ")  # the menu, then the prompt and the line as it was
    assert "harry (3 quotes)" in menu and "love (3 quotes)" in menu
    terminal.type("lon\t\r")
    assert "Traceback" not in terminal.until(PROMPT)
    terminal.type(CTRL_D)
    assert terminal.exit_code() == 0
    assert "Traceback" not in terminal.seen


def test_tab_with_several_names_shows_them_and_leaves_the_line_as_typed(terminal: Terminal) -> None:
    """Discord's client never types part of a name for you: several candidates are a menu, the line stays. (readline
    would put in what they share, "Theory ", and the line then read "Theory Theory " on screen.) In #general, whose
    level hides the theories' titles, the menu names them by their spoiler-free forms."""
    terminal.type("/theory show theory: \t")
    menu = terminal.until(f"{PROMPT}/theory show theory: ")
    assert "Theory 1 (ending)" in menu and "Theory 6 (ending)" in menu
    assert "screenplay" not in menu  # the first theory's title, above #general's level
    terminal.type("3\r")
    shown = terminal.until(PROMPT)
    assert shown.startswith("3") and "Theory" not in shown.splitlines()[0]  # nothing was put in after the line
    assert "A theory about the film" in shown
    terminal.type("/spoilers set channel: #gen\t")
    assert "#general-thread" in terminal.until(f"{PROMPT}/spoilers set channel: #gen")
    terminal.type("\x15")  # Ctrl-U: the line is empty again
    terminal.type(CTRL_D)
    assert terminal.exit_code() == 0
    assert "Traceback" not in terminal.seen
