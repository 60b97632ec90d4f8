"""Files sent with a message: ``multipart/form-data`` bodies read as Discord reads them, and its attachment rules.

From the Discord API docs ("Uploading Files", "Editing Message Attachments", the message and attachment objects):
a body is either JSON or multipart with the JSON in a ``payload_json`` part and each file in a ``files[n]`` part
(a ``Content-Disposition`` with a unique name and a filename); ``n`` is the placeholder id the ``attachments`` array
uses for that file. At most 10 attachments on a message, a description (alt text) of at most 1,024 characters,
each file within the upload limit and the whole request within 25 MiB. An edit keeps exactly the existing
attachments its ``attachments`` array lists (by their real ids) and adds the new files it lists (by placeholder).
"""

from __future__ import annotations

import json
import mimetypes
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .rules import RuleBroken, check
from .world import snowflake

# The per-file limit for a server without boosts, which an interaction also gives as ``attachment_size_limit``.
# Discord's docs said 10 MiB until September 2026 and 20 MiB since; the stand-in keeps the stricter figure, so a
# bot that passes here passes there.
UPLOAD_LIMIT = 10 * 1024 * 1024
REQUEST_LIMIT = 25 * 1024 * 1024  # "The maximum request size when sending a message is 25 MiB"
MAX_ATTACHMENTS = 10
DESCRIPTION_LIMIT = 1024
# The docs allow only these in a name an embed can point at (``attachment://NAME``); Discord rewrites other names
# on upload, which would silently break such links and a ``SPOILER_`` prefix: the stand-in refuses them instead.
SAFE_FILENAME = re.compile(r"^[A-Za-z0-9._-]{1,256}$")
_FILE_FIELD = re.compile(r"^files\[(\d{1,20})\]$")
SPOILER_PREFIX = "SPOILER_"


@dataclass(frozen=True, slots=True)
class Upload:
    """One ``files[n]`` part of a request."""

    index: int  # n: the placeholder id the attachments array refers to
    filename: str
    data: bytes


class TooLarge(RuleBroken):
    """A file or a request larger than Discord takes: 413, error 40005."""

    status = 413
    code = 40005
    message = "Request entity too large"


def form_error(path: list[str | int], code: str, text: str) -> dict[str, Any]:
    """Discord's nested "Invalid Form Body" errors: ``{"attachments": {"0": {"description": {"_errors": [...]}}}}``."""
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": text}]}
    for key in reversed(path):
        errors = {str(key): errors}
    return errors


def _refuse(path: list[str | int], code: str, text: str) -> RuleBroken:
    where = ".".join(str(p) for p in path)
    return RuleBroken(f"{where}: {text}", errors=form_error(path, code, text))


async def read_body(request: web.Request) -> tuple[dict[str, Any], list[Upload]]:
    """The JSON payload of a request and the files sent with it (none for a plain JSON body)."""
    if request.content_type != "multipart/form-data":
        return await request.json(), []
    if request.content_length is not None and request.content_length > REQUEST_LIMIT:
        raise TooLarge(f"the request is {request.content_length:,} bytes (limit {REQUEST_LIMIT:,})")
    reader = await request.multipart()
    payload: dict[str, Any] | None = None
    uploads: list[Upload] = []
    names: set[str] = set()
    total = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise RuleBroken("multipart: nested multipart bodies are not accepted")
        name = part.name or ""
        check(name not in names, "multipart", f"two parts are named {name!r}")
        names.add(name)
        data = await _read_part(part, REQUEST_LIMIT - total)
        total += len(data)
        if name == "payload_json":
            try:
                loaded = json.loads(data)
            except ValueError:
                raise _refuse(["payload_json"], "JSON_INVALID", "is not valid JSON") from None
            check(isinstance(loaded, dict), "payload_json", "must be a JSON object")
            payload = loaded
            continue
        field = _FILE_FIELD.match(name)
        if field is None:
            # Discord also reads plain form fields (content, tts...) without payload_json; discord.py never sends
            # them, and the stand-in does not read them: refused so a test notices rather than dropping them.
            raise RuleBroken(f"multipart: the stand-in reads payload_json and files[n] only, not a part named {name!r}")
        check(part.filename is not None, name, "a file part needs a filename in its Content-Disposition")
        uploads.append(Upload(int(field.group(1)), part.filename or "", data))
    check(payload is not None or bool(uploads), "multipart", "an empty multipart body")
    return payload or {}, uploads


async def _read_part(part: BodyPartReader, room: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(64 * 1024):
        size += len(chunk)
        if size > room:
            raise TooLarge(f"the request is over {REQUEST_LIMIT:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def content_type(filename: str, data: bytes) -> str:
    """What Discord reports as a file's type: sniffed from its first bytes, else guessed from its name."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    guessed, _ = mimetypes.guess_type(filename)
    if guessed and not guessed.startswith("image/"):  # an image type is only claimed when the bytes are one
        return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")
    return "application/octet-stream"


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header chunk, or None if the bytes are not a PNG."""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def attachments_for(
    data: Mapping[str, Any],
    uploads: list[Upload],
    *,
    existing: list[dict[str, Any]] | None = None,
    size_limit: int = UPLOAD_LIMIT,
    url_base: str,
    channel_id: int,
    ephemeral: bool = False,
) -> tuple[list[dict[str, Any]], dict[int, bytes]] | None:
    """The attachments a message will carry after this request, and the bytes of the new ones by attachment id.

    None when the request leaves the attachments as they are (an edit with no files and no ``attachments`` key).
    Raises RuleBroken (or TooLarge) where Discord would refuse the request.
    """
    existing = existing or []
    by_index: dict[int, Upload] = {}
    for upload in uploads:
        where: list[str | int] = [f"files[{upload.index}]"]
        if upload.index in by_index:
            raise _refuse(where, "BASE_TYPE_DUPLICATE", "two files use this placeholder id")
        by_index[upload.index] = upload
        if len(upload.data) > size_limit:
            raise TooLarge(f"files[{upload.index}] is {len(upload.data):,} bytes (limit {size_limit:,} per file)")
    listed = data.get("attachments")
    if listed is None:
        if not uploads:
            return None
        listed = [{"id": u.index, "filename": u.filename} for u in uploads]
        if existing:  # an edit sending files without an attachments array adds them to the ones already there
            listed = [{"id": a["id"]} for a in existing] + listed
    if not isinstance(listed, list):
        raise _refuse(["attachments"], "BASE_TYPE_ARRAY", "must be an array")
    old = {str(a["id"]): a for a in existing}
    result: list[dict[str, Any]] = []
    new_bytes: dict[int, bytes] = {}
    used: set[int] = set()
    for position, entry in enumerate(listed):
        path: list[str | int] = ["attachments", position]
        if not isinstance(entry, dict) or "id" not in entry:
            raise _refuse(path, "BASE_TYPE_REQUIRED", "each attachment needs an id")
        key = str(entry["id"])
        description = entry.get("description")
        if description is not None:
            if not isinstance(description, str) or len(description) > DESCRIPTION_LIMIT:
                size = len(description) if isinstance(description, str) else "?"
                raise _refuse(
                    [*path, "description"],
                    "BASE_TYPE_MAX_LENGTH",
                    f"must be {DESCRIPTION_LIMIT} or fewer in length (it is {size})",
                )
        if key in old:
            kept = dict(old.pop(key))
            if description is not None:
                kept["description"] = description
            result.append(kept)
            continue
        if not key.isdigit() or int(key) not in by_index:
            known = sorted(by_index)
            raise _refuse(
                [*path, "id"],
                "ATTACHMENT_NOT_FOUND",
                f"{entry['id']!r} is neither an attachment of this message nor a files[n] placeholder (files: {known})",
            )
        index = int(key)
        if index in used:
            raise _refuse([*path, "id"], "BASE_TYPE_DUPLICATE", f"files[{index}] is listed twice")
        used.add(index)
        upload = by_index[index]
        filename = entry.get("filename") or upload.filename  # the array's filename wins, as on Discord
        if not isinstance(filename, str) or not SAFE_FILENAME.match(filename):
            raise _refuse(
                [*path, "filename"],
                "FILENAME_INVALID",
                f"{filename!r} must be 1-256 ASCII letters, digits, dots, underscores or dashes",
            )
        attachment_id = snowflake()
        attachment: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(upload.data),
            "url": f"{url_base}/attachments/{channel_id}/{attachment_id}/{filename}",
            "proxy_url": f"{url_base}/attachments/{channel_id}/{attachment_id}/{filename}",
            "content_type": content_type(filename, upload.data),
        }
        if description is not None:
            attachment["description"] = description
        dimensions = png_size(upload.data)
        if dimensions:
            attachment["width"], attachment["height"] = dimensions
        if ephemeral:
            attachment["ephemeral"] = True
        result.append(attachment)
        new_bytes[attachment_id] = upload.data
    unlisted = sorted(set(by_index) - used)
    if unlisted:
        raise _refuse(
            ["attachments"],
            "ATTACHMENT_NOT_LISTED",
            f"files[{unlisted[0]}] was sent but the attachments array does not list id {unlisted[0]}",
        )
    if len(result) > MAX_ATTACHMENTS:
        raise _refuse(
            ["attachments"], "BASE_TYPE_MAX_LENGTH", f"a message holds at most {MAX_ATTACHMENTS} (got {len(result)})"
        )
    return result, new_bytes


def is_spoiler(attachment: Mapping[str, Any]) -> bool:
    """Discord blurs a file whose name starts with ``SPOILER_`` until it is clicked."""
    return str(attachment.get("filename", "")).startswith(SPOILER_PREFIX)
