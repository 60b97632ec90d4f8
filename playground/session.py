"""The playground's engine: the real bot and the stand-in in one process, driven one typed line at a time."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.client import StrangersBot
from bot.models import Level, Policy, Style
from bot.render.spoiler_settings import in_words
from bot.settings import Settings
from bot.store import Store
from standin import Channel, ChannelType, Refused, Reply, StandIn, User, World
from standin.harness import running_client
from standin.world import fixed_ids

from .parse import Action, CommandLine, parse_line, parse_menu
from .render import Screen, file_line

# How the demo server is set up on first run: channel name -> (allowed level, style).
DEMO_CHANNELS = {
    "spoilers": Policy(Level.PLOT, Style.PRIVATE),
    "ending-talk": Policy(Level.ENDING, Style.WRAP),
}
QUIET_AFTER_ANSWER = 0.15  # seconds without news from the bot before a follow-up is taken to be the last
HELP = """\
Type a slash command as in Discord, e.g.  /plot moment: diner   /ask question: who plays harry
  Tab completes command names, option names and (through the bot's own autocomplete) option values.
  as moderator | as member          switch who you are (a moderator has Manage Channels)
  in #spoilers                      switch channel (#general, #spoilers, #ending-talk, #general-thread, ...)
  click N                           press button N of the last answer
  reveal | reveal N                 show the spoilers of the last answer (all, or number N)
  say TEXT                          write a message in this channel as yourself (numbered: message 1, 2, ...)
  menu "Ask about this" on N        run a message menu on message N ("Hide spoilers" too, as a moderator)
  save N PATH                       write file N of the last answer (e.g. a chart) to PATH, to look at it
  commands                          list the bot's commands
  quit                              leave"""


class PlaygroundError(Exception):
    """Something the person typed that the playground cannot do; shown to them, then the prompt comes back."""


@dataclass
class Where:
    user: User
    channel: Channel


class Playground:
    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.here = Where(standin.world.member, standin.channel("general"))
        self.screen = Screen(names=_names(standin))
        self._threads = {t.id for t in _threads(standin)}  # threads known so far: one the bot starts is announced
        # Choices picked with Tab, by (command path, option, the choice's name): like Discord's client, the
        # playground sends the value of the choice picked, while the line shows its name.
        self.picked: dict[tuple[tuple[str, ...], str, str], Any] = {}
        self.said: list[dict] = []  # messages written with "say", numbered from 1 for "menu ... on N"

    @property
    def prompt(self) -> str:
        return f"{self.here.user.name}@#{self.here.channel.name}> "

    async def execute(self, line: str) -> str:
        """Run one typed line and return what to print."""
        try:
            parsed = parse_line(line, self.option_names)
        except ValueError as exc:
            return f"(playground) {exc}"
        if parsed is None:
            return ""
        try:
            if isinstance(parsed, CommandLine):
                return await self._command(parsed)
            return await self._action(parsed)
        except Refused as exc:  # shown under the option, as Discord's client shows it; nothing is sent
            return f"{exc.option}: {exc.words} (Discord does not send the command like this.)"
        except (PlaygroundError, LookupError, ValueError) as exc:
            return f"(playground) {exc}"

    async def _action(self, action: Action) -> str:
        world = self.standin.world
        if action.verb == "help":
            return HELP
        if action.verb == "commands":
            commands = self.standin.global_commands
            slash = [f"/{c['name']}: {c['description']}" for c in commands if c.get("type", 1) == 1]
            menus = [f'menu "{c["name"]}" on N (a message menu)' for c in commands if c.get("type") == 3]
            return "\n".join([*slash, *menus])
        if action.verb == "as":
            who = action.argument.lower().lstrip("@")
            users = {"moderator": world.moderator, "member": world.member}
            users |= {m.user.name: m.user for m in world.guild.members if not m.user.bot}
            if who not in users:
                raise PlaygroundError(f"be who? choose one of {', '.join(sorted(users))}")
            self.here.user = users[who]
            return f"You are now {who}."
        if action.verb == "in":
            name = action.argument.lstrip("#").strip()
            chats = [c for c in world.guild.channels if c.type != ChannelType.CATEGORY]
            channel = next((c for c in chats if c.name == name), None)
            if channel is None:
                raise PlaygroundError(f"no channel #{name}; there are {', '.join('#' + c.name for c in chats)}")
            self.here.channel = channel
            return f"You are now in #{name}."
        if action.verb == "reveal":
            if not self.screen.spoilers:
                raise PlaygroundError("nothing on screen is hidden")
            arg = action.argument.strip()
            return self.screen.reveal(int(arg) if arg.isdigit() else None)
        if action.verb == "click":
            return await self._click(action.argument)
        if action.verb == "say":
            if not action.argument.strip():
                raise PlaygroundError("say what? e.g. say who plays harry?")
            self.said.append(self.standin.post(action.argument, user=self.here.user, channel=self.here.channel))
            return f"[message {len(self.said)}] {self.here.user.name}: {action.argument}"
        if action.verb == "menu":
            name, number = parse_menu(action.argument)
            if not 1 <= number <= len(self.said):
                raise PlaygroundError(f"there is no message {number} (say something first; there are {len(self.said)})")
            reply = await self.standin.menu(name, self.said[number - 1], user=self.here.user)
            return self.screen.show(await self._settled(reply))
        if action.verb == "save":
            return self._save(action.argument)
        raise PlaygroundError("type help")  # quit is handled by the caller

    def schema(self, path: tuple[str, ...]) -> list[dict[str, Any]]:
        """The registered options of a command or subcommand, as Discord has them."""
        command = self.standin.find_command(path[0], self.standin.guild)
        options = command.get("options") or []
        for part in path[1:]:
            sub = next((o for o in options if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                names = [o["name"] for o in options if o["type"] in (1, 2)]
                raise PlaygroundError(f"/{path[0]} has no {part!r}; try one of {', '.join(names) or 'no subcommands'}")
            options = sub.get("options") or []
        if any(o["type"] in (1, 2) for o in options):
            names = [o["name"] for o in options]
            raise PlaygroundError(f"/{' '.join(path)} needs a subcommand: {', '.join(names)}")
        return options

    def option_names(self, path: tuple[str, ...]) -> list[str]:
        """The option names of a command path, or none if the path names no command."""
        try:
            return [o["name"] for o in self.schema(path)]
        except (PlaygroundError, LookupError):
            return []

    def remember(self, path: tuple[str, ...], option: str, choices: list[dict[str, Any]]) -> None:
        """Choices offered for an option: when the line carries one's name, its value is what is sent."""
        for choice in choices:
            self.picked[(path, option, choice["name"])] = choice["value"]

    async def _command(self, line: CommandLine) -> str:
        schema = {o["name"]: o for o in self.schema(line.path)}
        values: dict[str, Any] = {}
        for name, raw in line.options.items():
            if name not in schema:
                command = "/" + " ".join(line.path)
                if not schema:
                    raise PlaygroundError(f"{command} has no options: type {command} alone.")
                raise PlaygroundError(f"{command} has no option {name!r}; its options are {', '.join(schema)}.")
            values[name] = await self._value(line, schema[name], raw, values)
        # A trailing underscore keeps an option called "channel" apart from the channel the command runs in.
        options = {f"{name}_": value for name, value in values.items()}
        reply = await self.standin.slash(" ".join(line.path), user=self.here.user, channel=self.here.channel, **options)
        return self._shown(self.screen.show, await self._settled(reply))

    async def _value(self, line: CommandLine, option: dict[str, Any], raw: str, so_far: dict[str, Any]) -> Any:
        if (line.path, option["name"], raw) in self.picked:
            return self.picked[(line.path, option["name"], raw)]
        kind = option["type"]
        # A value the option cannot take goes to the stand-in as typed: it refuses it as Discord's client would.
        if kind == 4:
            return int(raw) if raw.lstrip("-").isdigit() else raw
        if kind == 10:
            try:
                return float(raw)
            except ValueError:
                return raw
        if kind == 5:
            yes_no = {word: True for word in ("true", "yes", "y", "1", "on")}
            return (yes_no | {word: False for word in ("false", "no", "n", "0", "off")}).get(raw.lower(), raw)
        if kind == 7:
            return raw.lstrip("#")
        if kind == 6:
            name = raw.lstrip("@").lower()
            found = next((m.user for m in self.standin.guild.members if m.user.name == name), None)
            if found is None:
                raise PlaygroundError(f"no member called {raw}")
            return found
        if option.get("choices"):
            for choice in option["choices"]:
                if raw.lower() in (str(choice["value"]).lower(), choice["name"].lower()):
                    return choice["value"]
            return raw
        if option.get("autocomplete"):
            # Like picking the first suggestion in Discord's menu, unless the text is already a suggestion.
            choices = await self.suggest(line.path, option["name"], raw, so_far)
            for choice in choices:
                if raw in (choice["value"], choice["name"]):
                    return choice["value"]
            if choices:
                return choices[0]["value"]
        return raw

    async def suggest(self, path: tuple[str, ...], option: str, typed: str, so_far: dict[str, Any]) -> list[dict]:
        return await self.standin.autocomplete(
            " ".join(path),
            option,
            typed,
            user=self.here.user,
            channel=self.here.channel,
            **{f"{name}_": value for name, value in so_far.items()},
        )

    async def _click(self, argument: str) -> str:
        if not argument.strip().isdigit():
            raise PlaygroundError("click which button? e.g. click 1")
        number = int(argument)
        if not 1 <= number <= len(self.screen.buttons):
            raise PlaygroundError(f"there is no button {number} on screen (there are {len(self.screen.buttons)})")
        message, button = self.screen.buttons[number - 1]
        current = self.standin.messages.get(int(message["id"]), message)
        reply = await self.standin.click(current, button["custom_id"], user=self.here.user)
        messages = await self._settled(reply)
        if reply.callback_type in (6, 7):  # the pressed message itself changed: the screen starts again from it
            return self._shown(self.screen.show, messages)
        return self._shown(self.screen.add, messages)  # a new (private) answer below, the pressed message stays

    def _shown(self, show: Callable[[list[dict]], str], messages: list[dict]) -> str:
        """Messages put on screen, then any thread the bot started meanwhile, announced as Discord does."""
        self.screen.names = _names(self.standin)
        text = show(messages)
        started = [t for t in _threads(self.standin) if t.id not in self._threads]
        self._threads |= {t.id for t in started}
        bot = self.standin.world.bot.name
        notes = [f"{bot} started a thread: #{t.name}. Type `in #{t.name}` to go there." for t in started]
        return "\n".join([text, *notes]) if notes else text

    def _save(self, argument: str) -> str:
        number, _, where = argument.strip().partition(" ")
        if not number.isdigit() or not where.strip():
            raise PlaygroundError("save which file where? e.g. save 1 chart.png")
        files = self.screen.files
        if not 1 <= int(number) <= len(files):
            raise PlaygroundError(f"there is no file {number} on screen (there are {len(files)})")
        attachment = files[int(number) - 1]
        path = Path(where.strip()).expanduser()
        if path.is_dir():
            path = path / attachment["filename"]
        try:
            path.write_bytes(self.standin.file_bytes(attachment))
        except OSError as exc:
            raise PlaygroundError(f"could not write {path}: {exc.strerror or exc}") from None
        return f"Saved {file_line(attachment)} to {path}."

    async def _settled(self, reply: Reply) -> list[dict]:
        """The answer and any follow-ups that arrive right after it."""
        while True:
            seen = (len(reply.followups), reply.edits)
            with contextlib.suppress(TimeoutError):
                await reply.wait(_changed_since(seen), QUIET_AFTER_ANSWER)
            if (len(reply.followups), reply.edits) == seen:
                break
        return [m for m in [reply.message, *reply.followups] if m and "modal" not in m]


def _changed_since(seen: tuple[int, int]) -> Callable[[Reply], bool]:
    return lambda r: (len(r.followups), r.edits) != seen


def _threads(standin: StandIn) -> list[Channel]:
    return [c for g in standin.world.guilds for c in g.channels if c.type == ChannelType.PUBLIC_THREAD]


def _names(standin: StandIn) -> dict[int, str]:
    """How mentions read in the terminal: every channel, member and role of the demo world by id."""
    names: dict[int, str] = {}
    for guild in standin.world.guilds:
        names |= {c.id: f"#{c.name}" for c in guild.channels}
        names |= {r.id: f"@{r.name}" for r in guild.roles}
        names |= {m.user.id: f"@{m.user.name}" for m in guild.members}
    return names


async def prepare_demo(bot: StrangersBot, standin: StandIn) -> None:
    """Give the demo server its spoiler settings the first time it is used; later runs keep what people changed."""
    guild = standin.guild
    for name, policy in DEMO_CHANNELS.items():
        channel = standin.channel(name)
        if await bot.store.channel_setting(channel.id) is None:
            await bot.store.set_channel(guild.id, channel.id, policy, actor_id=guild.owner_id, now=bot.now())


@asynccontextmanager
async def playground(database: Path, facts: Path) -> AsyncIterator[Playground]:
    """The stand-in with the demo server (same ids every run), the real bot against it, and a Playground."""
    # The stand-in is a new Discord on every run, with no commands registered: the bot must sync again, though
    # its database remembers syncing them to the last run's stand-in.
    store = await Store.open(database)
    try:
        await store.forget_command_syncs()
    finally:
        await store.close()
    async with StandIn(World.demo(fixed_ids())) as standin:
        settings = Settings(token=standin.token, database_path=database, facts_path=facts)
        # The stand-in sends every GUILD_CREATE at once: no need for discord.py's 2 s wait after them.
        async with running_client(standin, lambda: StrangersBot(settings, guild_ready_timeout=0.01)) as bot:
            await prepare_demo(bot, standin)
            yield Playground(standin)
        if standin.problems:
            raise RuntimeError("the stand-in saw problems:\n" + "\n".join(standin.problems))


def describe_demo() -> str:
    # The bot's own words for a setting (what /spoilers show says), so the two never disagree.
    lines = [f"Demo server: #general (the server default) {in_words(Policy())}."]
    lines += [f"  #{name} {in_words(p)}." for name, p in DEMO_CHANNELS.items()]
    lines.append("  #general-thread follows #general. You are `member`; `as moderator` to manage. Type help.")
    return "\n".join(lines)
