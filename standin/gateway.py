"""The gateway: HELLO, IDENTIFY (token and intents checked), READY and GUILD_CREATE, RESUME, heartbeats, events,
and the ways Discord drops or invalidates a connection."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

from aiohttp import WSMsgType, web

from .core import Core
from .world import Channel, ChannelType, Guild

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


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


class Gateway(Core):
    """The websocket side of the stand-in, and the events and connection troubles it can send."""

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
