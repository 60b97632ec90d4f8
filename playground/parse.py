"""Reading what a person types at the playground prompt (pure logic)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

_OPTION = re.compile(r"(?:^|\s)([a-z0-9_-]{1,32}):(?=\s|$|\S)")


@dataclass(frozen=True, slots=True)
class CommandLine:
    path: tuple[str, ...]  # ("spoilers", "set")
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Action:
    """A playground instruction other than a slash command."""

    verb: str  # as, in, click, reveal, say, menu, save, help, commands, quit
    argument: str = ""


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        try:
            return shlex.split(value)[0]
        except ValueError:
            return value[1:-1]
    return value


OptionNames = Callable[[tuple[str, ...]], Collection[str]]


def parse_command(line: str, known: OptionNames | None = None) -> CommandLine:
    """``/plot moment: diner`` -> path ("plot",), options {"moment": "diner"}; values run to the next ``name:``.

    With ``known`` (the option names of a command path), only those names start an option, as in Discord's prompt:
    a value may then hold words with colons, such as a choice called "A hopeful ending: love remains"."""
    text = line.strip()
    if not text.startswith("/"):
        raise ValueError("a slash command starts with /")
    text = text[1:]
    matches = list(_OPTION.finditer(text))
    head = text[: matches[0].start()] if matches else text
    path = tuple(head.split())
    if not path:
        raise ValueError("type a command name after the /")
    names = sorted(known(path), key=len, reverse=True) if known else []
    if names:
        option = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):")
        named = list(option.finditer(text, len(head)))
        # An unknown ``name:`` before the first known one is kept as an option, to be refused with the real ones.
        first = named[0].start() if named else len(text)
        matches = [m for m in matches if m.start() < first and m.group(1) not in names] + named
    options: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        name = match.group(1)
        if name in options:
            raise ValueError(f"option {name!r} is given twice")
        options[name] = _unquote(text[match.end() : end])
    return CommandLine(path, options)


VERBS = {"as", "in", "click", "reveal", "say", "menu", "save", "help", "commands", "quit", "exit"}
_MENU = re.compile(r"^[\"']?(?P<name>.+?)[\"']?\s+on\s+(?P<number>\d+)$", re.IGNORECASE)


def parse_menu(argument: str) -> tuple[str, int]:
    """``"Ask about this" on 2`` -> ("Ask about this", 2): a message menu and the number of a said message."""
    match = _MENU.match(argument.strip())
    if match is None:
        raise ValueError('which menu, on which message? e.g. menu "Ask about this" on 1')
    return match.group("name"), int(match.group("number"))


def parse_line(line: str, known: OptionNames | None = None) -> CommandLine | Action | None:
    """A slash command, a playground action, or None for a blank line or a # comment."""
    text = line.strip()
    if not text or (text.startswith("#") and not text.startswith("#!")):
        return None
    if text.startswith("/"):
        return parse_command(text, known)
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    if verb not in VERBS:
        raise ValueError(f"unknown instruction {verb!r}: type help")
    return Action("quit" if verb == "exit" else verb, rest.strip())
