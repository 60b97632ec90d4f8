"""Reading what a person types at the playground prompt (pure logic)."""

from __future__ import annotations

import re
import shlex
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


def parse_command(line: str) -> CommandLine:
    """``/plot moment: diner`` -> path ("plot",), options {"moment": "diner"}; values run to the next ``name:``."""
    text = line.strip()
    if not text.startswith("/"):
        raise ValueError("a slash command starts with /")
    text = text[1:]
    matches = list(_OPTION.finditer(text))
    head = text[: matches[0].start()] if matches else text
    path = tuple(head.split())
    if not path:
        raise ValueError("type a command name after the /")
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


def parse_line(line: str) -> CommandLine | Action | None:
    """A slash command, a playground action, or None for a blank line or a # comment."""
    text = line.strip()
    if not text or (text.startswith("#") and not text.startswith("#!")):
        return None
    if text.startswith("/"):
        return parse_command(text)
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    if verb not in VERBS:
        raise ValueError(f"unknown instruction {verb!r}: type help")
    return Action("quit" if verb == "exit" else verb, rest.strip())
