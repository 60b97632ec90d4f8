"""A local stand-in for Discord's API v10: REST and gateway on 127.0.0.1, for the real, unmodified discord.py.

It keeps the state a real server would (registered commands, messages, interactions) and checks what the bot
sends against Discord's rules. Anything it does not know is refused loudly and remembered in ``problems``, so a
test can never pass by accident.
"""

from __future__ import annotations

from aiohttp import web

from .core import API_PREFIX
from .menus import Menus
from .uploads import content_type
from .world import World


class StandIn(Menus):
    """Start with ``async with StandIn() as discord:``; point discord.py at it with ``pointed_at(discord)``."""

    def __init__(self, world: World | None = None, *, token: str | None = None) -> None:
        super().__init__(world, token=token)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        app.router.add_get("/attachments/{channel}/{attachment}/{filename}", self._file)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _file(self, request: web.Request) -> web.Response:
        """An uploaded file, as Discord's CDN serves it at an attachment's ``url``."""
        key = request.match_info["attachment"]
        data = self.files.get(int(key)) if key.isdigit() else None
        if data is None:
            return web.Response(status=404, text="404: Not Found")
        return web.Response(body=data, content_type=content_type(request.match_info["filename"], data).split(";")[0])

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
