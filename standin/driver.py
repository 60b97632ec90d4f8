"""Playing a member: slash commands, autocomplete and button presses sent as Discord's client would send them."""

from __future__ import annotations

import secrets
import time
from typing import Any

from . import client_rules, elsewhere
from .elsewhere import Elsewhere
from .messages import message_buttons
from .permissions import Perm
from .reply import Reply
from .rest import Rest
from .uploads import UPLOAD_LIMIT
from .world import Channel, Guild, Member, Role, User, snowflake


def option_names(options: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments to option names: ``channel_`` is the option ``channel`` (clashing with a parameter)."""
    return {name.removesuffix("_"): value for name, value in options.items()}


class Driver(Rest):
    """What a member does in Discord's client, refused where the client would refuse it, then awaited."""

    def _context(
        self, user: User | None, channel: Channel | str | None, *, command: bool = True
    ) -> tuple[Guild, Channel, dict]:
        """Where and as whom: refused where Discord's client would not let the member act (a channel they cannot
        see; a command without Use Application Commands, which buttons do not need)."""
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
        allowed = guild.permissions_in(member, channel)
        if not allowed & Perm.VIEW_CHANNEL:
            raise LookupError(f"{user.name} cannot see #{channel.name}: Discord would not let them use anything there")
        if command and not allowed & Perm.USE_APPLICATION_COMMANDS:
            raise LookupError(f"{user.name} may not use application commands in #{channel.name}")
        carried = guild.permissions_in(member, channel, with_implicit=False)
        return guild, channel, guild.member_payload(member, permissions=carried)

    def _nowhere(self, user: User | None) -> tuple[Guild, Channel, Member]:
        """Outside any server: options are resolved against the demo server (the read-only commands have none that
        name a channel or a member)."""
        return self.guild, self.guild.channel_named("general"), self._member(self.guild, user)

    def _member(self, guild: Guild, user: User | None) -> Member:
        found = guild.member((user or self.world.member).id)
        assert found is not None  # _context has checked
        return found

    def _elsewhere(
        self, kind: int, data: dict, user: User | None, where: Elsewhere, message: dict | None = None
    ) -> tuple[dict, Reply]:
        """An interaction outside a server that invited the bot: no member, no server setting, the user's install."""
        user = user or self.world.member
        interaction_id, token = snowflake(), f"itoken.{secrets.token_urlsafe(32)}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.world.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(where.channel_id),
            "channel": where.channel,
            "token": token,
            "version": 1,
            "app_permissions": str(where.app_permissions()),
            "locale": "en-GB",
            "entitlements": [],
            "authorizing_integration_owners": where.owners(user),
            "context": where.context,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if where.guild_id is not None:  # a server that never invited the bot: the member, but no guild object
            payload["guild_id"] = str(where.guild_id)
            payload["guild_locale"] = "en-US"
            payload["member"] = {
                "user": user.payload(),
                "roles": [],
                "nick": None,
                "avatar": None,
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "permissions": str(elsewhere.USER_APP_PERMS),
            }
        else:
            payload["user"] = user.payload()
        if message is not None:
            payload["message"] = message
        reply = Reply(
            {2: "command", 4: "autocomplete", 3: "component"}[kind],
            interaction_id,
            token,
            where.channel_id,
            source_message=message,
        )
        self.replies[token] = reply
        return payload, reply

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
            "app_permissions": str(self.bot_permissions(channel.id, with_implicit=False)),
            "locale": "en-GB",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": UPLOAD_LIMIT,
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
        *,
        invoker: Member,
        here: Channel,
        checked: bool = True,
    ) -> list[dict]:
        """The options as Discord sends them; resolved channels carry the invoker's and the bot's permissions
        there, resolved members their own permissions in the channel the command runs in (none with the implicit
        denials applied, as Discord's docs say)."""
        known = {o["name"]: o for o in schema}
        unknown = set(values) - set(known)
        if unknown:
            raise LookupError(f"no option named {sorted(unknown)}; the command has {sorted(known)}")
        options = []
        for opt in schema:
            name = opt["name"]
            if name not in values:
                if name != focused and checked:
                    client_rules.check_required(opt)
                continue
            value = values[name]
            if name != focused and checked and opt["type"] not in (client_rules.USER, client_rules.CHANNEL):
                client_rules.check_value(opt, value)
            if opt["type"] == 7:
                channel = value if isinstance(value, Channel) else None
                if channel is None:
                    found = self.world.find_channel(int(value)) if str(value).isdigit() else None
                    channel = found[1] if found else guild.channel_named(str(value))
                if checked:
                    client_rules.check_channel_kind(opt, channel.type)
                resolved.setdefault("channels", {})[str(channel.id)] = channel.payload() | {
                    "permissions": str(guild.permissions_in(invoker, channel, with_implicit=False)),
                    "app_permissions": str(self.bot_permissions(channel.id, with_implicit=False)),
                }
                value = str(channel.id)
            elif opt["type"] == 6:
                user = value
                resolved.setdefault("users", {})[str(user.id)] = user.payload()
                member = guild.member(user.id)
                if member:
                    resolved.setdefault("members", {})[str(user.id)] = guild.member_payload(
                        member, permissions=guild.permissions_in(member, here, with_implicit=False)
                    )
                value = str(user.id)
            entry: dict[str, Any] = {"name": name, "type": opt["type"], "value": value}
            if name == focused:
                entry["focused"] = True
                entry["value"] = str(value)
            options.append(entry)
        return options

    def _command_data(
        self,
        command: str,
        context: tuple[Guild, Channel, Member],
        options: dict[str, Any],
        focused: str | None = None,
        checked: bool = True,
        where: Elsewhere | None = None,
    ) -> dict:
        guild, here, invoker = context
        path = command.lstrip("/").split()
        cmd = self.find_command(path[0], None if where else guild)
        place, installed_by = (where.context, elsewhere.USER_INSTALL) if where else (0, elsewhere.GUILD_INSTALL)
        if not elsewhere.allowed_in(cmd, place, installed_by):
            raise LookupError(f"Discord would not offer /{path[0]} there (context {place}, install {installed_by})")
        resolved: dict[str, dict] = {}
        schema, nest = cmd.get("options") or [], []
        for part in path[1:]:
            sub = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise LookupError(f"/{command}: {path[0]} has no subcommand {part!r}")
            nest.append(sub)
            schema = sub.get("options") or []
        leaf = self._options(schema, options, guild, resolved, focused, invoker=invoker, here=here, checked=checked)
        for sub in reversed(nest):
            leaf = [{"name": sub["name"], "type": sub["type"], "options": leaf}]
        data = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": leaf}
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def file_bytes(self, attachment: dict | int | str) -> bytes:
        """The bytes the bot uploaded for an attachment (one of a message's ``attachments``, or its id)."""
        key = int(attachment["id"] if isinstance(attachment, dict) else attachment)
        if key not in self.files:
            raise LookupError(f"no file was uploaded as attachment {key}")
        return self.files[key]

    async def _send(self, payload: dict, reply: Reply, timeout: float) -> Reply:
        reply.sent_at = time.perf_counter()
        reply.shards = await self.dispatch("INTERACTION_CREATE", payload)
        reply.delivered_at = time.perf_counter()
        try:
            # Answered, or answered too late (Discord refused it and the member saw "The application did not respond").
            await reply.wait(lambda r: r.complete or r.expired, timeout)
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
        where: Elsewhere | None = None,
        timeout: float = 10.0,
        past_the_client: bool = False,
        **options: Any,
    ) -> Reply:
        """Run ``/command`` (``"spoilers set"`` for a subcommand) as ``user`` in ``channel``; return the answer.

        Values Discord's client would refuse to send (too long, out of range, not a choice, a required option
        missing) raise ``Refused``; ``past_the_client=True`` sends them anyway, as a modified client might, to test
        a bot's own checks. An option whose name clashes with a parameter here takes a trailing underscore:
        ``channel_="ending-talk"`` is the command's ``channel`` option, while ``channel=`` stays the channel the
        command is run in. ``where`` (``bot_dm``, ``group_dm``, ``other_server`` of ``standin.elsewhere``) runs it
        outside the server, with the app installed to the member's own account.
        """
        if where is not None:
            data = self._command_data(
                command, self._nowhere(user), option_names(options), where=where, checked=not past_the_client
            )
            payload, reply = self._elsewhere(2, data, user, where)
            return await self._send(payload, reply, timeout)
        guild, chan, member = self._context(user, channel)
        context = (guild, chan, self._member(guild, user))
        data = self._command_data(command, context, option_names(options), checked=not past_the_client)
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
        where: Elsewhere | None = None,
        timeout: float = 10.0,
        **options: Any,
    ) -> list[dict]:
        """Type ``value`` into option ``focused`` of ``/command``; return the choices the bot offers.

        As with ``slash``, ``channel_=`` (any trailing underscore) names an option that clashes with a parameter.
        """
        values = {**option_names(options), focused: value}
        if where is not None:
            data = self._command_data(command, self._nowhere(user), values, focused=focused, where=where)
            payload, reply = self._elsewhere(4, data, user, where)
        else:
            guild, chan, member = self._context(user, channel)
            data = self._command_data(command, (guild, chan, self._member(guild, user)), values, focused=focused)
            payload, reply = self._interaction(4, data, guild, chan, member)
        await self._send(payload, reply, timeout)
        return reply.choices or []

    async def click(
        self,
        message: dict,
        button: str | int = 0,
        *,
        user: User | None = None,
        where: Elsewhere | None = None,
        timeout: float = 10.0,
    ) -> Reply:
        """Press a button of ``message`` (by custom_id, label or index) as ``user``; return what the bot did."""
        buttons = message_buttons(message)
        if isinstance(button, int):
            target = buttons[button]
        else:
            named = next((b for b in buttons if button in (b.get("custom_id"), b.get("label"))), None)
            if named is None:
                raise LookupError(f"no button {button!r} on the message; it has {[b.get('label') for b in buttons]}")
            target = named
        if target.get("disabled"):
            raise LookupError(f"button {target.get('label')!r} is disabled: Discord would not let anyone press it")
        data = {"custom_id": target["custom_id"], "component_type": 2}
        if where is not None:
            payload, reply = self._elsewhere(
                3, data, user, where, message=self.messages.get(int(message["id"]), message)
            )
            return await self._send(payload, reply, timeout)
        found = self.world.find_channel(int(message["channel_id"]))
        if found is None:
            raise LookupError("the message's channel is gone")
        guild, chan, member = self._context(user, found[1], command=False)
        current = self.messages.get(int(message["id"]), message)
        payload, reply = self._interaction(3, data, guild, chan, member, message=current)
        return await self._send(payload, reply, timeout)

    async def edit_permissions(
        self, channel: Channel | str, target: Role | User, *, allow: int = 0, deny: int = 0
    ) -> None:
        """A moderator changes a channel's overwrite for a role or a member (Edit Channel > Permissions), as
        ``Guild.set_overwrite``; the bot hears of it (CHANNEL_UPDATE), as it would from Discord."""
        if isinstance(channel, str):
            channel = self.guild.channel_named(channel)
        found = self.world.find_channel(channel.id)
        if found is None or channel.is_thread:
            raise LookupError(f"#{channel.name} has no overwrites of its own to edit")
        found[0].set_overwrite(channel, target, allow=allow, deny=deny)
        await self.dispatch("CHANNEL_UPDATE", channel.payload())
