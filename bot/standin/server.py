"""A local stand-in for Discord's API v10: REST and gateway on 127.0.0.1, for the real, unmodified discord.py.

It keeps the state a real server would (registered commands, messages, interactions) and checks what the bot
sends against Discord's rules. Anything it does not know is refused loudly and remembered in ``problems``, so a
test can never pass by accident.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import rules
from .world import Channel, ChannelType, Guild, User, World, iso_now, snowflake

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
EPHEMERAL = 1 << 6
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
Handler = Callable[[web.Request, re.Match[str]], Awaitable[web.Response]]


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body only when the content-type is exactly application/json (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


def error_response(status: int, code: int, message: str, **extra: Any) -> web.Response:
    return json_response({"code": code, "message": message, **extra}, status=status)


@dataclass
class Fault:
    """Make the next ``times`` requests matching ``method`` and ``path`` (a regex) fail with ``status``."""

    method: str
    path: str
    status: int
    times: int = 1
    retry_after: float = 0.05
    hits: int = 0


@dataclass
class Reply:
    """Everything the bot did in answer to one interaction."""

    kind: str  # "command", "autocomplete" or "component"
    interaction_id: int
    token: str
    channel_id: int
    source_message: dict | None = None  # for a component: the message whose button was pressed
    callback_type: int | None = None
    message: dict | None = None  # the response message, as it stands after any edits
    followups: list[dict] = field(default_factory=list)
    choices: list[dict] | None = None
    edits: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    # time.perf_counter() when the interaction went out on the gateway and when its callback POST came in.
    sent_at: float | None = None
    answered_at: float | None = None

    @property
    def complete(self) -> bool:
        """Answered: a message, an update or choices; a deferral counts once its message has been edited in."""
        if self.callback_type in (4, 7, 8, 9):
            return True
        return self.callback_type in (5, 6) and self.edits > 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message.get("flags", 0) & EPHEMERAL)

    @property
    def content(self) -> str:
        return (self.message or {}).get("content") or ""

    @property
    def embeds(self) -> list[dict]:
        return (self.message or {}).get("embeds") or []

    @property
    def text(self) -> str:
        """Content and every embed's visible text, for assertions about what a person would read."""
        return message_text(self.message or {})

    @property
    def buttons(self) -> list[dict]:
        return message_buttons(self.message or {})

    async def wait(self, predicate: Callable[[Reply], bool], timeout: float = 10.0) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: predicate(self)), timeout)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()


def message_text(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [
            embed.get("title") or "",
            (embed.get("author") or {}).get("name") or "",
            embed.get("description") or "",
        ]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in parts if p)


def option_names(options: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments to option names: ``channel_`` is the option ``channel`` (clashing with a parameter)."""
    return {name.removesuffix("_"): value for name, value in options.items()}


def message_buttons(message: dict) -> list[dict]:
    return [c for row in message.get("components") or [] for c in row.get("components") or [] if c.get("type") == 2]


class GatewaySession:
    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0
        self.session_id = secrets.token_hex(16)
        self.identified = asyncio.Event()

    async def send(self, op: int, d: Any, t: str | None = None) -> None:
        payload: dict[str, Any] = {"op": op, "d": d, "s": None, "t": t}
        if op == 0:
            self.seq += 1
            payload["s"] = self.seq
        await self.ws.send_str(json.dumps(payload))


class StandIn:
    """Start with ``async with StandIn() as discord:``; point discord.py at it with ``pointed_at(discord)``."""

    def __init__(self, world: World | None = None, *, token: str | None = None) -> None:
        self.world = world or World.demo()
        self.token = token or f"standin.{secrets.token_urlsafe(24)}"
        self.global_commands: list[dict] = []
        self.guild_commands: dict[int, list[dict]] = {}
        self.messages: dict[int, dict] = {}  # every message the bot created, by id
        self.replies: dict[str, Reply] = {}  # by interaction token
        self.calls: list[tuple[str, str]] = []  # (method, path) of every REST request, in order
        self.problems: list[str] = []  # rule breaks and unknown routes: a test fixture fails on any
        self.faults: list[Fault] = []
        self.sessions: list[GatewaySession] = []
        self.identifies = 0
        self.resumes = 0
        self.connected = asyncio.Event()
        # Notified after every REST request and every gateway connect, identify, resume and disconnect.
        self._changed = asyncio.Condition()
        # time.perf_counter() of the last READY + GUILD_CREATEs sent and of the last command registration (PUT).
        self.ready_at: float | None = None
        self.synced_at: float | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._add_routes()

    # -- lifecycle -------------------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for session in list(self.sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def guild(self) -> Guild:
        return self.world.guild

    def problem(self, text: str) -> None:
        log.error("stand-in: %s", text)
        self.problems.append(text)

    # -- gateway ---------------------------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        session = GatewaySession(ws)
        self.sessions.append(session)
        try:
            await session.send(10, {"heartbeat_interval": 41250})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                await self._gateway_op(session, data["op"], data.get("d"))
        finally:
            if session in self.sessions:
                self.sessions.remove(session)
            if not self.sessions:
                self.connected.clear()
            await self._news()
        return ws

    async def _gateway_op(self, session: GatewaySession, op: int, d: Any) -> None:
        if op == 1:  # heartbeat
            await session.ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        elif op == 2:  # identify
            if d.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            if d.get("intents", 0) & PRIVILEGED_INTENTS:
                self.problem(f"the bot asked for privileged intents ({d['intents']})")
                await session.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            self.identifies += 1
            await self._ready(session)
        elif op == 6:  # resume
            self.resumes += 1
            if d.get("token") != self.token:
                await session.send(9, False)
                return
            session.seq = int(d.get("seq") or 0)
            await session.send(0, {}, "RESUMED")
            session.identified.set()
            self.connected.set()
            await self._news()
        elif op in (3, 4, 8, 31):  # presence, voice state, request members, request soundboard: ignore
            return
        else:
            self.problem(f"unknown gateway op {op}")

    async def _ready(self, session: GatewaySession) -> None:
        world = self.world
        await session.send(
            0,
            {
                "v": 10,
                "user": world.bot.payload() | {"verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in world.guilds],
                "session_id": session.session_id,
                "resume_gateway_url": self.gateway_url,
                "shard": [0, 1],
                "application": {"id": str(world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
                "_trace": ["stand-in"],
            },
            "READY",
        )
        for guild in world.guilds:
            await session.send(0, guild.create_payload(), "GUILD_CREATE")
        self.ready_at = time.perf_counter()
        session.identified.set()
        self.connected.set()
        await self._news()

    async def _news(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def dispatch(self, event: str, data: dict) -> None:
        """Send an event to every connected gateway session."""
        await self.connected.wait()
        for session in list(self.sessions):
            if session.identified.is_set():
                await session.send(0, data, event)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway connection as Discord does when something goes wrong on its side."""
        for session in list(self.sessions):
            await session.ws.close(code=code, message=b"stand-in: dropped")

    async def request_reconnect(self) -> None:
        for session in list(self.sessions):
            await session.send(7, None)

    async def invalidate_session(self, resumable: bool = False) -> None:
        for session in list(self.sessions):
            await session.send(9, resumable)

    async def remove_guild(self, guild: Guild) -> None:
        """The bot was removed from (or lost) a server."""
        self.world.guilds.remove(guild)
        await self.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    async def delete_channel(self, channel: Channel) -> None:
        found = self.world.find_channel(channel.id)
        if found:
            found[0].channels.remove(channel)
        event = "THREAD_DELETE" if channel.type == ChannelType.PUBLIC_THREAD else "CHANNEL_DELETE"
        await self.dispatch(event, channel.payload())

    # -- REST ------------------------------------------------------------------------------------------------------

    def _route(self, method: str, pattern: str, handler: Handler) -> None:
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$"
        self._routes.append((method, re.compile(regex), handler))

    def _add_routes(self) -> None:
        r = self._route
        r("GET", "/users/@me", self._get_me)
        r("GET", "/oauth2/applications/@me", self._get_application)
        r("GET", "/gateway", self._get_gateway)
        r("GET", "/gateway/bot", self._get_gateway)
        r("GET", "/applications/{app}/commands", self._get_commands)
        r("PUT", "/applications/{app}/commands", self._put_commands)
        r("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands)
        r("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands)
        r("POST", "/interactions/{id}/{token}/callback", self._callback)
        r("POST", "/webhooks/{app}/{token}", self._followup)
        r("GET", "/webhooks/{app}/{token}/messages/{message}", self._get_webhook_message)
        r("PATCH", "/webhooks/{app}/{token}/messages/{message}", self._edit_webhook_message)
        r("DELETE", "/webhooks/{app}/{token}/messages/{message}", self._delete_webhook_message)
        r("GET", "/channels/{channel}", self._get_channel)
        r("POST", "/channels/{channel}/messages", self._post_message)
        r("GET", "/channels/{channel}/messages/{message}", self._get_message)
        r("PATCH", "/channels/{channel}/messages/{message}", self._edit_message)
        r("DELETE", "/channels/{channel}/messages/{message}", self._delete_message)
        r("POST", "/channels/{channel}/messages/{message}/threads", self._start_thread)

    async def _unknown(self, request: web.Request) -> web.Response:
        self.problem(f"request outside the API: {request.method} {request.path}")
        return error_response(404, 0, "404: Not Found")

    async def _rest(self, request: web.Request) -> web.Response:
        path = request.path[len(API_PREFIX) :]
        self.calls.append((request.method, path))
        for fault in self.faults:
            if fault.hits < fault.times and fault.method == request.method and re.search(fault.path, path):
                fault.hits += 1
                return self._fault_response(fault)
        for method, regex, handler in self._routes:
            match = regex.match(path)
            if match and method == request.method:
                if not path.startswith(("/interactions/", "/webhooks/")) and not self._authorised(request):
                    return error_response(401, 0, "401: Unauthorized")
                try:
                    return await handler(request, match)
                except rules.RuleBroken as exc:
                    self.problem(f"{request.method} {path}: {exc}")
                    return error_response(400, 50035, "Invalid Form Body", errors={"_errors": [str(exc)]})
                finally:
                    await self._news()
        self.problem(f"unknown route: {request.method} {path}")
        return error_response(404, 0, f"The stand-in does not know {request.method} {path}")

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    @staticmethod
    def _fault_response(fault: Fault) -> web.Response:
        if fault.status == 429:
            resp = error_response(
                429, 0, "You are being rate limited.", retry_after=fault.retry_after, **{"global": False}
            )
            resp.headers.update(
                {
                    "Via": "1.1 google",  # without it, discord.py takes a 429 for a Cloudflare ban and gives up
                    "Retry-After": str(fault.retry_after),
                    "X-RateLimit-Scope": "user",
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(fault.retry_after),
                    "X-RateLimit-Bucket": "stand-in-fault",
                }
            )
            return resp
        return web.Response(status=fault.status, text="stand-in: injected failure", content_type="text/plain")

    def fail_next(self, method: str, path: str, status: int, *, times: int = 1, retry_after: float = 0.05) -> Fault:
        fault = Fault(method, path, status, times, retry_after)
        self.faults.append(fault)
        return fault

    async def _get_me(self, request: web.Request, m: re.Match[str]) -> web.Response:
        return json_response(self.world.bot.payload() | {"verified": True, "mfa_enabled": False})

    async def _get_application(self, request: web.Request, m: re.Match[str]) -> web.Response:
        owner = self.world.guild.member(self.world.guild.owner_id)
        return json_response(
            {
                "id": str(self.world.application_id),
                "name": "Strangers Bot",
                "icon": None,
                "description": "Talk about All of Us Strangers",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": (owner.user if owner else self.world.bot).payload(),
                "summary": "",
                "verify_key": "0" * 64,
                "team": None,
                "flags": 0,
                "tags": [],
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "approximate_guild_count": len(self.world.guilds),
            }
        )

    async def _get_gateway(self, request: web.Request, m: re.Match[str]) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
            }
        )

    def _commands_for(self, m: re.Match[str]) -> list[dict]:
        guild = m.groupdict().get("guild")
        return self.guild_commands.setdefault(int(guild), []) if guild else self.global_commands

    async def _get_commands(self, request: web.Request, m: re.Match[str]) -> web.Response:
        return json_response(self._commands_for(m))

    async def _put_commands(self, request: web.Request, m: re.Match[str]) -> web.Response:
        body = await request.json()
        rules.validate_commands(body)
        guild = m.groupdict().get("guild")
        registered = []
        for cmd in body:
            entry = {
                "id": str(snowflake()),
                "application_id": str(self.world.application_id),
                "version": str(snowflake()),
                "type": cmd.get("type", 1),
                "description": cmd.get("description", ""),
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
            } | cmd
            if guild:
                entry["guild_id"] = guild
            registered.append(entry)
        target = self._commands_for(m)
        target[:] = registered
        self.synced_at = time.perf_counter()
        return json_response(registered)

    def find_command(self, name: str, guild: Guild | None = None) -> dict:
        """The registered command a member would see in ``guild``: its guild commands first, then global ones."""
        pools = [self.guild_commands.get(guild.id, [])] if guild else []
        for pool in [*pools, self.global_commands]:
            for cmd in pool:
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd
        raise LookupError(f"/{name} is not registered with the stand-in")

    # -- messages --------------------------------------------------------------------------------------------------

    def _new_message(self, channel_id: int, data: dict, *, interaction: dict | None = None) -> dict:
        rules.validate_message(data)
        found = self.world.find_channel(channel_id)
        message = {
            "id": str(snowflake()),
            "channel_id": str(channel_id),
            "author": self.world.bot.payload(),
            "content": data.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "mention_channels": [],
            "attachments": [],
            "embeds": data.get("embeds") or [],
            "reactions": [],
            "pinned": False,
            "type": 20 if interaction else 0,
            "flags": data.get("flags") or 0,
            "components": data.get("components") or [],
            "application_id": str(self.world.application_id),
            "allowed_mentions": data.get("allowed_mentions"),
        }
        if found:
            message["guild_id"] = str(found[0].id)
        if interaction:
            message["webhook_id"] = str(self.world.application_id)
            message["interaction_metadata"] = interaction
        self._check_pings(message)
        if not message["flags"] & EPHEMERAL:
            self.messages[int(message["id"])] = message
        return message

    def _check_pings(self, message: dict) -> None:
        """A mention in the text only pings when allowed_mentions lets it: record any message that would ping."""
        allowed = message.get("allowed_mentions")
        text = message_text(message)
        mentions = re.findall(r"@everyone|@here|<@&?!?\d+>", text)
        if mentions and (allowed is None or allowed.get("parse") or allowed.get("users") or allowed.get("roles")):
            self.problem(f"message {message['id']} would ping {mentions}")

    def _edit(self, message: dict, data: dict) -> dict:
        rules.validate_message(data, creating=False)
        for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
            if key in data:
                message[key] = data[key] if data[key] is not None else ([] if key != "content" else "")
        message["edited_timestamp"] = iso_now()
        self._check_pings(message)
        return message

    async def _post_message(self, request: web.Request, m: re.Match[str]) -> web.Response:
        channel_id = int(m["channel"])
        if self.world.find_channel(channel_id) is None:
            return error_response(404, 10003, "Unknown Channel")
        return json_response(self._new_message(channel_id, await request.json()))

    def _stored(self, m: re.Match[str]) -> dict | None:
        message = self.messages.get(int(m["message"]))
        return message if message and message["channel_id"] == m["channel"] else None

    async def _get_message(self, request: web.Request, m: re.Match[str]) -> web.Response:
        message = self._stored(m)
        return json_response(message) if message else error_response(404, 10008, "Unknown Message")

    async def _edit_message(self, request: web.Request, m: re.Match[str]) -> web.Response:
        if self.world.find_channel(int(m["channel"])) is None:
            return error_response(404, 10003, "Unknown Channel")
        message = self._stored(m)
        if message is None:
            return error_response(404, 10008, "Unknown Message")
        return json_response(self._edit(message, await request.json()))

    async def _delete_message(self, request: web.Request, m: re.Match[str]) -> web.Response:
        if self._stored(m) is None:
            return error_response(404, 10008, "Unknown Message")
        del self.messages[int(m["message"])]
        return web.Response(status=204)

    async def _get_channel(self, request: web.Request, m: re.Match[str]) -> web.Response:
        found = self.world.find_channel(int(m["channel"]))
        return json_response(found[1].payload()) if found else error_response(404, 10003, "Unknown Channel")

    async def _start_thread(self, request: web.Request, m: re.Match[str]) -> web.Response:
        found = self.world.find_channel(int(m["channel"]))
        if found is None or self._stored(m) is None:
            return error_response(404, 10008, "Unknown Message")
        guild, parent = found
        if parent.type != ChannelType.TEXT:
            return error_response(400, 50024, "Cannot execute action on this channel type")
        body = await request.json()
        rules.check(1 <= len(body.get("name", "")) <= 100, "thread", "name must be 1-100 characters")
        thread = Channel(int(m["message"]), body["name"], ChannelType.PUBLIC_THREAD, parent.id, guild_id=guild.id)
        guild.channels.append(thread)
        payload = thread.payload() | {"owner_id": str(self.world.bot.id), "newly_created": True}
        await self.dispatch("THREAD_CREATE", payload)
        return json_response(payload, status=201)

    # -- interactions ----------------------------------------------------------------------------------------------

    def _reply_for(self, token: str) -> Reply | None:
        return self.replies.get(token)

    async def _callback(self, request: web.Request, m: re.Match[str]) -> web.Response:
        reply = self._reply_for(m["token"])
        if reply is None or str(reply.interaction_id) != m["id"]:
            return error_response(404, 10062, "Unknown interaction")
        reply.answered_at = reply.answered_at or time.perf_counter()
        if reply.callback_type is not None:
            self.problem(f"interaction {reply.interaction_id} was answered twice")
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        body = await request.json()
        kind, data = body.get("type"), body.get("data") or {}
        result: dict[str, Any] = {
            "interaction": {
                "id": str(reply.interaction_id),
                "type": {"command": 2, "autocomplete": 4, "component": 3}[reply.kind],
            }
        }
        if kind == 8:
            rules.check(reply.kind == "autocomplete", "callback", "choices answer only an autocomplete interaction")
            rules.validate_choices(data.get("choices") or [])
            reply.choices = data.get("choices") or []
        elif kind == 4:
            reply.message = self._new_message(reply.channel_id, data, interaction=self._metadata(reply))
            result["interaction"] |= {
                "response_message_id": reply.message["id"],
                "response_message_ephemeral": reply.ephemeral,
            }
            result["resource"] = {"type": 4, "message": reply.message}
        elif kind == 5:
            placeholder = {"flags": (data.get("flags") or 0) | 128, "content": ""}
            reply.message = self._placeholder(reply, placeholder)
            result["interaction"] |= {
                "response_message_id": reply.message["id"],
                "response_message_loading": True,
                "response_message_ephemeral": bool(placeholder["flags"] & EPHEMERAL),
            }
            result["resource"] = {"type": 5, "message": reply.message}
        elif kind in (6, 7):
            rules.check(reply.kind == "component", "callback", "only a component interaction can update its message")
            reply.message = reply.source_message
            if kind == 7 and reply.message is not None:
                self._edit(reply.message, data)
                reply.edits += 1
                result["resource"] = {"type": 7, "message": reply.message}
        elif kind == 9:
            reply.message = {"modal": data}
        else:
            raise rules.RuleBroken(f"unknown interaction callback type {kind!r}")
        reply.callback_type = kind
        await reply.notify()
        return json_response(result)

    def _placeholder(self, reply: Reply, data: dict) -> dict:
        message = {
            "id": str(snowflake()),
            "channel_id": str(reply.channel_id),
            "author": self.world.bot.payload(),
            "content": "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 20,
            "flags": data["flags"],
            "components": [],
            "webhook_id": str(self.world.application_id),
            "application_id": str(self.world.application_id),
            "interaction_metadata": self._metadata(reply),
        }
        if not message["flags"] & EPHEMERAL:
            self.messages[int(message["id"])] = message
        return message

    def _metadata(self, reply: Reply) -> dict:
        return {
            "id": str(reply.interaction_id),
            "type": 2 if reply.kind == "command" else 3,
            "user": self.world.bot.payload(),
            "authorizing_integration_owners": {},
        }

    def _webhook_reply(self, m: re.Match[str]) -> Reply | None:
        reply = self._reply_for(m["token"])
        return reply if reply and m["app"] == str(self.world.application_id) else None

    async def _followup(self, request: web.Request, m: re.Match[str]) -> web.Response:
        reply = self._webhook_reply(m)
        if reply is None:
            return error_response(404, 10015, "Unknown Webhook")
        if reply.callback_type is None:
            self.problem(f"a follow-up to interaction {reply.interaction_id} came before its response")
            return error_response(404, 10015, "Unknown Webhook")
        message = self._new_message(reply.channel_id, await request.json(), interaction=self._metadata(reply))
        reply.followups.append(message)
        await reply.notify()
        return json_response(message)

    def _webhook_message(self, reply: Reply, message_id: str) -> dict | None:
        if message_id == "@original":
            return reply.message
        return next((f for f in reply.followups if f["id"] == message_id), None)

    async def _get_webhook_message(self, request: web.Request, m: re.Match[str]) -> web.Response:
        reply = self._webhook_reply(m)
        message = reply and self._webhook_message(reply, m["message"])
        return json_response(message) if message else error_response(404, 10008, "Unknown Message")

    async def _edit_webhook_message(self, request: web.Request, m: re.Match[str]) -> web.Response:
        reply = self._webhook_reply(m)
        message = reply and self._webhook_message(reply, m["message"])
        if not reply or not message:
            return error_response(404, 10008, "Unknown Message")
        body = await request.json()
        if message.get("flags", 0) & 128:  # a deferred "thinking" message becomes the answer
            message["flags"] &= ~128
        self._edit(message, body)
        if m["message"] == "@original":
            reply.edits += 1
        await reply.notify()
        return json_response(message)

    async def _delete_webhook_message(self, request: web.Request, m: re.Match[str]) -> web.Response:
        reply = self._webhook_reply(m)
        message = reply and self._webhook_message(reply, m["message"])
        if not reply or not message:
            return error_response(404, 10008, "Unknown Message")
        self.messages.pop(int(message["id"]), None)
        return web.Response(status=204)

    # -- playing a member ------------------------------------------------------------------------------------------

    def _context(self, user: User | None, channel: Channel | str | None) -> tuple[Guild, Channel, dict]:
        user = user or self.world.member
        if isinstance(channel, str) or channel is None:
            channel = self.guild.channel_named(channel or "general")
        found = self.world.find_channel(channel.id)
        if found is None:
            raise LookupError(f"channel {channel.name} is not in any stand-in server")
        guild = found[0]
        member = guild.member(user.id)
        if member is None:
            raise LookupError(f"{user.name} is not a member of {guild.name}")
        return guild, channel, guild.member_payload(member, with_permissions=True)

    def _interaction(
        self, kind: int, data: dict, guild: Guild, channel: Channel, member: dict, message: dict | None = None
    ) -> tuple[dict, Reply]:
        interaction_id, token = snowflake(), f"itoken.{secrets.token_urlsafe(32)}"
        payload = {
            "id": str(interaction_id),
            "application_id": str(self.world.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "member": member,
            "token": token,
            "version": 1,
            "app_permissions": str((1 << 51) - 1),
            "locale": "en-GB",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        reply = Reply(
            {2: "command", 4: "autocomplete", 3: "component"}[kind],
            interaction_id,
            token,
            channel.id,
            source_message=message,
        )
        self.replies[token] = reply
        return payload, reply

    def _options(
        self,
        schema: list[dict],
        values: dict[str, Any],
        guild: Guild,
        resolved: dict[str, dict],
        focused: str | None = None,
    ) -> list[dict]:
        known = {o["name"]: o for o in schema}
        unknown = set(values) - set(known)
        if unknown:
            raise LookupError(f"no option named {sorted(unknown)}; the command has {sorted(known)}")
        options = []
        for opt in schema:
            name = opt["name"]
            if name not in values:
                if opt.get("required") and name != focused:
                    raise LookupError(f"option {name!r} is required (Discord would not let a member send this)")
                continue
            value = values[name]
            if opt["type"] == 7:
                channel = value if isinstance(value, Channel) else None
                if channel is None:
                    found = self.world.find_channel(int(value)) if str(value).isdigit() else None
                    channel = found[1] if found else guild.channel_named(str(value))
                resolved.setdefault("channels", {})[str(channel.id)] = channel.payload() | {
                    "permissions": str((1 << 51) - 1)
                }
                value = str(channel.id)
            elif opt["type"] == 6:
                user = value
                resolved.setdefault("users", {})[str(user.id)] = user.payload()
                member = guild.member(user.id)
                if member:
                    resolved.setdefault("members", {})[str(user.id)] = guild.member_payload(
                        member, with_permissions=True
                    )
                value = str(user.id)
            elif name != focused and opt.get("choices"):
                allowed = [c["value"] for c in opt["choices"]]
                if value not in allowed:
                    raise LookupError(f"{value!r} is not one of the choices of {name!r}: {allowed}")
            entry: dict[str, Any] = {"name": name, "type": opt["type"], "value": value}
            if name == focused:
                entry["focused"] = True
                entry["value"] = str(value)
            options.append(entry)
        return options

    def _command_data(self, command: str, guild: Guild, options: dict[str, Any], focused: str | None = None) -> dict:
        path = command.lstrip("/").split()
        cmd = self.find_command(path[0], guild)
        resolved: dict[str, dict] = {}
        schema, nest = cmd.get("options") or [], []
        for part in path[1:]:
            sub = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise LookupError(f"/{command}: {path[0]} has no subcommand {part!r}")
            nest.append(sub)
            schema = sub.get("options") or []
        leaf = self._options(schema, options, guild, resolved, focused)
        for sub in reversed(nest):
            leaf = [{"name": sub["name"], "type": sub["type"], "options": leaf}]
        data = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": leaf}
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    async def _send(self, payload: dict, reply: Reply, timeout: float) -> Reply:
        reply.sent_at = time.perf_counter()
        await self.dispatch("INTERACTION_CREATE", payload)
        try:
            await reply.wait(lambda r: r.complete, timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer {reply.kind} interaction {reply.interaction_id} within {timeout} s"
            ) from None
        return reply

    async def slash(
        self,
        command: str,
        *,
        user: User | None = None,
        channel: Channel | str | None = None,
        timeout: float = 10.0,
        **options: Any,
    ) -> Reply:
        """Run ``/command`` (``"spoilers set"`` for a subcommand) as ``user`` in ``channel``; return the answer.

        An option whose name clashes with a parameter here takes a trailing underscore: ``channel_="ending-talk"``
        is the command's ``channel`` option, while ``channel=`` stays the channel the command is run in.
        """
        guild, chan, member = self._context(user, channel)
        data = self._command_data(command, guild, option_names(options))
        payload, reply = self._interaction(2, data, guild, chan, member)
        return await self._send(payload, reply, timeout)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        value: str = "",
        *,
        user: User | None = None,
        channel: Channel | str | None = None,
        timeout: float = 10.0,
        **options: Any,
    ) -> list[dict]:
        """Type ``value`` into option ``focused`` of ``/command``; return the choices the bot offers.

        As with ``slash``, ``channel_=`` (any trailing underscore) names an option that clashes with a parameter.
        """
        guild, chan, member = self._context(user, channel)
        data = self._command_data(command, guild, {**option_names(options), focused: value}, focused=focused)
        payload, reply = self._interaction(4, data, guild, chan, member)
        await self._send(payload, reply, timeout)
        return reply.choices or []

    async def click(
        self, message: dict, button: str | int = 0, *, user: User | None = None, timeout: float = 10.0
    ) -> Reply:
        """Press a button of ``message`` (by custom_id, label or index) as ``user``; return what the bot did."""
        buttons = message_buttons(message)
        if isinstance(button, int):
            target = buttons[button]
        else:
            target = next((b for b in buttons if button in (b.get("custom_id"), b.get("label"))), None)
            if target is None:
                raise LookupError(f"no button {button!r} on the message; it has {[b.get('label') for b in buttons]}")
        if target.get("disabled"):
            raise LookupError(f"button {target.get('label')!r} is disabled: Discord would not let anyone press it")
        found = self.world.find_channel(int(message["channel_id"]))
        if found is None:
            raise LookupError("the message's channel is gone")
        guild, chan, member = self._context(user, found[1])
        current = self.messages.get(int(message["id"]), message)
        data = {"custom_id": target["custom_id"], "component_type": 2}
        payload, reply = self._interaction(3, data, guild, chan, member, message=current)
        return await self._send(payload, reply, timeout)

    def channel(self, name: str) -> Channel:
        return self.guild.channel_named(name)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds, checked after each REST request and gateway change: for what the bot
        does on its own (a background task editing a message, a reconnect), where there is no interaction to wait on."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
