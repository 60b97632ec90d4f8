"""Members' own messages and the context menus run on them ("Apps" on a message), as Discord's client sends them.

A message command arrives as an interaction of type 2 whose data has ``type`` 3, the ``target_id`` of the message
and the message itself under ``resolved.messages``. The app's permissions in the channel come as ``app_permissions``,
computed from the bot's roles, so a bot that lacks one (Manage Messages) can tell before it tries.
"""

from __future__ import annotations

from typing import Any

from . import elsewhere
from .driver import Driver
from .elsewhere import Elsewhere
from .reply import Reply
from .world import Channel, User, iso_now, snowflake

MESSAGE_COMMAND = 3


class Menus(Driver):
    def post(
        self,
        content: str,
        *,
        user: User | None = None,
        channel: Channel | str | None = None,
        attachments: int = 0,
    ) -> dict:
        """A message a member writes (with ``attachments`` files), kept as Discord keeps it."""
        user = user or self.world.member
        _, chan, _ = self._context(user, channel)
        message: dict[str, Any] = {
            "id": str(snowflake()),
            "channel_id": str(chan.id),
            "guild_id": str(chan.guild_id),
            "author": user.payload(),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(snowflake()),
                    "filename": f"picture{n}.png",
                    "size": 1024,
                    "url": f"https://cdn.example/picture{n}.png",
                    "proxy_url": f"https://cdn.example/picture{n}.png",
                }
                for n in range(attachments)
            ],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }
        self.messages[int(message["id"])] = message
        return message

    def find_menu(self, name: str) -> dict:
        for cmd in self.global_commands:
            if cmd["name"] == name and cmd.get("type") == MESSAGE_COMMAND:
                return cmd
        raise LookupError(f"no message command {name!r} is registered with the stand-in")

    async def menu(
        self,
        name: str,
        message: dict,
        *,
        user: User | None = None,
        where: Elsewhere | None = None,
        timeout: float = 10.0,
    ) -> Reply:
        """Run the message command ``name`` ("Apps" > name on ``message``) as ``user``; return the answer."""
        cmd = self.find_menu(name)
        context, installed_by = (where.context, elsewhere.USER_INSTALL) if where else (0, elsewhere.GUILD_INSTALL)
        if not elsewhere.allowed_in(cmd, context, installed_by):
            raise LookupError(f"Discord would not offer {name!r} there (context {context}, install {installed_by})")
        current = self.messages.get(int(message["id"]), message)
        data = {
            "id": cmd["id"],
            "name": cmd["name"],
            "type": MESSAGE_COMMAND,
            "target_id": current["id"],
            "resolved": {"messages": {current["id"]: current}},
        }
        if where is not None:
            payload, reply = self._elsewhere(2, data, user, where)
        else:
            found = self.world.find_channel(int(current["channel_id"]))
            if found is None:
                raise LookupError("the message's channel is gone")
            guild, chan, member = self._context(user, found[1])
            payload, reply = self._interaction(2, data, guild, chan, member)  # app_permissions: the bot's, here
        return await self._send(payload, reply, timeout)
