"""The stand-in takes files as Discord does (multipart bodies on every route that sends or edits a message) and
refuses what Discord refuses: too many, too big, badly named, unlisted, or with alt text over 1,024 characters."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from typing import Any, Literal

import aiohttp
import discord
import pytest
from discord import app_commands
from PIL import Image

from standin import StandIn
from standin.harness import running_client
from standin.uploads import DESCRIPTION_LIMIT, MAX_ATTACHMENTS, UPLOAD_LIMIT


def png(width: int = 40, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (71, 82, 196)).save(out, format="PNG")
    return out.getvalue()


PICTURE = png()


def picture(name: str = "chart.png", **kwargs: Any) -> discord.File:
    return discord.File(io.BytesIO(PICTURE), name, **kwargs)


class FileBot(discord.Client):
    """A plain discord.py client that answers /files in each of the ways a bot can send or edit files."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True), guild_ready_timeout=0.01)
        self.tree = app_commands.CommandTree(self)
        self.sent: list[discord.Message] = []
        self.done = asyncio.Event()  # set when a /files handler has finished, edits and all

        @self.tree.command(name="files", description="Answer with files")
        @app_commands.describe(way="How the files go out")
        async def files(
            interaction: discord.Interaction, way: Literal["respond", "defer", "followup", "channel", "update"]
        ) -> None:
            if way == "respond":
                await interaction.response.send_message("Results", file=picture(description="A bar chart"))
            elif way == "defer":
                await interaction.response.defer()
                await interaction.edit_original_response(content="Results", attachments=[picture(spoiler=True)])
            elif way == "followup":
                await interaction.response.send_message("Results follow")
                message = await interaction.followup.send(file=picture("a.png"), wait=True)
                self.sent.append(await message.edit(attachments=[picture("b.png", description="Second")]))
            elif way == "channel":
                await interaction.response.send_message("Posting", ephemeral=True)
                assert isinstance(interaction.channel, discord.TextChannel)
                message = await interaction.channel.send("Posted", file=picture("first.png"))
                self.sent.append(message)
                kept = await message.edit(attachments=[*message.attachments, picture("second.png")])
                self.sent.append(kept)
            else:
                await interaction.response.send_message("Old", file=picture("old.png"))
                original = await interaction.original_response()
                self.sent.append(await original.edit(content="New", attachments=[picture("new.png")]))
            self.done.set()

    async def setup_hook(self) -> None:
        await self.tree.sync()


@pytest.fixture
async def file_bot(discord_api: StandIn) -> AsyncIterator[FileBot]:
    async with running_client(discord_api, FileBot) as client:
        yield client


async def test_an_interaction_response_carries_a_file_with_its_alt_text(file_bot: FileBot, discord_api) -> None:
    reply = await discord_api.slash("files", way="respond")
    [attachment] = reply.attachments
    assert attachment["filename"] == "chart.png"
    assert attachment["description"] == "A bar chart"
    assert attachment["content_type"] == "image/png"
    assert (attachment["size"], attachment["width"], attachment["height"]) == (len(PICTURE), 40, 20)
    assert discord_api.file_bytes(attachment) == PICTURE
    assert reply.content == "Results"


async def test_a_deferred_answer_edited_with_a_spoiler_file(file_bot: FileBot, discord_api) -> None:
    reply = await discord_api.slash("files", way="defer")
    [attachment] = reply.attachments
    assert attachment["filename"] == "SPOILER_chart.png"
    assert "description" not in attachment
    assert discord_api.file_bytes(attachment["id"]) == PICTURE


async def test_a_follow_up_with_a_file_and_an_edit_that_replaces_it(file_bot: FileBot, discord_api) -> None:
    reply = await discord_api.slash("files", way="followup")
    await asyncio.wait_for(file_bot.done.wait(), 10)
    [attachment] = reply.followups[0]["attachments"]
    assert (attachment["filename"], attachment["description"]) == ("b.png", "Second")
    [edited] = file_bot.sent
    assert [(a.filename, a.description) for a in edited.attachments] == [("b.png", "Second")]


async def test_a_channel_message_edit_keeps_the_files_it_lists(file_bot: FileBot, discord_api) -> None:
    await discord_api.slash("files", way="channel")
    await asyncio.wait_for(file_bot.done.wait(), 10)
    first, kept = file_bot.sent
    assert [a.filename for a in first.attachments] == ["first.png"]
    assert [a.filename for a in kept.attachments] == ["first.png", "second.png"]
    assert kept.attachments[0].id == first.attachments[0].id  # the same file, not a new upload
    stored = discord_api.messages[kept.id]
    assert [a["filename"] for a in stored["attachments"]] == ["first.png", "second.png"]
    assert await kept.attachments[1].read() == PICTURE  # served at its url, as Discord's CDN does


async def test_an_edit_of_the_original_response_replaces_its_file(file_bot: FileBot, discord_api) -> None:
    reply = await discord_api.slash("files", way="update")
    await asyncio.wait_for(file_bot.done.wait(), 10)
    assert reply.content == "New"
    assert [a["filename"] for a in reply.attachments] == ["new.png"]


async def test_discord_py_sees_the_refusal_of_alt_text_over_the_limit(file_bot: FileBot, discord_api) -> None:
    channel = file_bot.get_channel(discord_api.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send(file=picture(description="x" * (DESCRIPTION_LIMIT + 1)))
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert "attachments.0.description" in refused.value.text
    assert len(discord_api.problems) == 1
    discord_api.problems.clear()


# -- the rules, one request at a time ------------------------------------------------------------------------------


def form(payload: dict[str, Any] | None, files: list[tuple[str, str | None, bytes]]) -> aiohttp.FormData:
    """A multipart body: ``payload_json`` and (part name, filename, bytes) for each file."""
    body = aiohttp.FormData(quote_fields=False)
    if payload is not None:
        body.add_field("payload_json", json.dumps(payload), content_type="application/json")
    for name, filename, data in files:
        if filename is None:  # a plain form field
            body.add_field(name, data.decode("latin-1"))
        else:
            body.add_field(name, io.BytesIO(data), filename=filename, content_type="application/octet-stream")
    return body


def listed(count: int, **extra: Any) -> dict[str, Any]:
    return {"content": "x", "attachments": [{"id": i, "filename": f"f{i}.png"} | extra for i in range(count)]}


def parts(count: int, size: int = 0) -> list[tuple[str, str | None, bytes]]:
    return [(f"files[{i}]", f"f{i}.png", PICTURE if not size else b"\0" * size) for i in range(count)]


REFUSED = [
    ("eleven files", listed(MAX_ATTACHMENTS + 1), parts(MAX_ATTACHMENTS + 1), 400, "at most 10"),
    ("alt text too long", listed(1, description="d" * 1025), parts(1), 400, "1024 or fewer"),
    ("a file too big", listed(1), parts(1, UPLOAD_LIMIT + 1), 413, "per file"),
    ("a space in a name", {"attachments": [{"id": 0}]}, [("files[0]", "poll results.png", PICTURE)], 400, "ASCII"),
    ("a path for a name", {"attachments": [{"id": 0}]}, [("files[0]", "../x.png", PICTURE)], 400, "ASCII"),
    ("a file not listed", listed(1), parts(2), 400, "does not list id 1"),
    ("a listed file not sent", listed(2), parts(1), 400, "neither an attachment"),
    ("a file part without a filename", listed(1), [("files[0]", None, PICTURE)], 400, "needs a filename"),
    ("the same part twice", listed(1), [*parts(1), *parts(1)], 400, "two parts"),
    ("a field the stand-in does not read", listed(1), [*parts(1), ("content", None, b"hi")], 400, "payload_json"),
    ("no message and no file", {"attachments": []}, [], 400, "empty"),
]


@pytest.mark.parametrize(("payload", "files", "status", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
async def test_uploads_discord_would_refuse(payload: dict, files: list, status: int, words: str) -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        url = f"{standin.api_base}/channels/{standin.channel('general').id}/messages"
        auth = {"Authorization": f"Bot {standin.token}"}
        async with http.post(url, data=form(payload, files), headers=auth) as resp:
            body = await resp.json()
        assert resp.status == status
        assert body["code"] == (40005 if status == 413 else 50035)
        assert words in standin.problems[0] and len(standin.problems) == 1
        assert standin.messages == {} and standin.files == {}


async def test_the_errors_name_the_field_as_discord_does() -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        url = f"{standin.api_base}/channels/{standin.channel('general').id}/messages"
        auth = {"Authorization": f"Bot {standin.token}"}
        async with http.post(url, data=form(listed(1, description="d" * 1025), parts(1)), headers=auth) as resp:
            body = await resp.json()
        [error] = body["errors"]["attachments"]["0"]["description"]["_errors"]
        assert error["code"] == "BASE_TYPE_MAX_LENGTH"
        standin.problems.clear()


async def test_ten_files_and_a_file_of_exactly_the_limit_are_fine() -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        url = f"{standin.api_base}/channels/{standin.channel('general').id}/messages"
        auth = {"Authorization": f"Bot {standin.token}"}
        async with http.post(url, data=form(listed(MAX_ATTACHMENTS), parts(MAX_ATTACHMENTS)), headers=auth) as resp:
            assert resp.status == 200
            assert len((await resp.json())["attachments"]) == MAX_ATTACHMENTS
        async with http.post(url, data=form(listed(1), parts(1, UPLOAD_LIMIT)), headers=auth) as resp:
            assert resp.status == 200
            [attachment] = (await resp.json())["attachments"]
        assert attachment["size"] == UPLOAD_LIMIT and attachment["content_type"] == "application/octet-stream"
        assert standin.problems == []
