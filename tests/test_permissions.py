"""The bot's own permissions, pure: what each job needs, what is missing, Discord's refusals, and the README's link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.permissions import (
    CREATE_PUBLIC_THREADS,
    EMBED_LINKS,
    INVITE,
    INVITED_WITH,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Job,
    Refusal,
    Shortfall,
    missing,
    needs,
    refusal,
)
from bot.render import errors

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_job_needs_only_what_the_invite_gives() -> None:
    for job in Job:
        for in_thread in (False, True):
            assert all(need in INVITED_WITH for need in needs(job, in_thread=in_thread))
            assert missing(INVITE, job, in_thread=in_thread) == ()


def test_what_is_missing_is_named() -> None:
    without_view = INVITE & ~VIEW_CHANNEL.bit
    assert missing(without_view, Job.UPDATE_POLL, in_thread=False) == (VIEW_CHANNEL,)
    assert missing(INVITE & ~SEND_MESSAGES.bit, Job.UPDATE_POLL, in_thread=False) == (SEND_MESSAGES,)
    # in a thread, Send Messages in Threads is what counts
    assert missing(INVITE & ~SEND_MESSAGES.bit, Job.UPDATE_POLL, in_thread=True) == ()
    assert missing(INVITE & ~SEND_MESSAGES_IN_THREADS.bit, Job.UPDATE_POLL, in_thread=True) == (
        SEND_MESSAGES_IN_THREADS,
    )
    assert missing(INVITE & ~CREATE_PUBLIC_THREADS.bit, Job.OPEN_THREAD, in_thread=False) == (CREATE_PUBLIC_THREADS,)
    assert missing(0, Job.UPDATE_POLL, in_thread=False) == (VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, 50001, Refusal.MISSING_ACCESS),
        (403, 50013, Refusal.MISSING_PERMISSIONS),
        (404, 10008, Refusal.MESSAGE_DELETED),
        (404, 10003, Refusal.CHANNEL_DELETED),
        (500, 0, Refusal.OTHER),
        (403, 0, Refusal.OTHER),
    ],
)
def test_discords_codes_name_the_real_cause(status: int, code: int, expected: Refusal) -> None:
    assert refusal(status, code) is expected


def test_the_wording_says_what_to_grant_and_where() -> None:
    text = errors.poll_cannot_close_here(Shortfall(7, (VIEW_CHANNEL,)))
    assert (
        text.startswith("I can't see <#7>,")
        and "Give my role View Channel in <#7> (Edit Channel > Permissions)" in text
    )
    in_thread = errors.poll_cannot_close_here(Shortfall(8, (SEND_MESSAGES_IN_THREADS, EMBED_LINKS), parent_id=7))
    assert "Send Messages in Threads and Embed Links in <#7>" in in_thread and "<#8> follows it" in in_thread
    assert "deleted" in errors.poll_not_updated(Refusal.MESSAGE_DELETED, Shortfall(7, ()))
    lost = errors.poll_not_updated(Refusal.MISSING_PERMISSIONS, Shortfall(7, (EMBED_LINKS,)))
    assert "I don't have Embed Links in <#7> any more (Discord answered Missing Permissions)" in lost
    assert "deleted" not in lost


def test_the_readme_link_and_table_match_what_the_bot_asks_for() -> None:
    readme = README.read_text(encoding="utf-8")
    assert f"permissions={INVITE}" in readme and f"**{INVITE}**" in readme
    rows = {m.group(1) for m in re.finditer(r"^\s*\| ([A-Z][\w ]+?) \| .+\|$", readme, re.MULTILINE)}
    # Discord's client says "View Channels" on the invite screen and "View Channel" in a channel's permissions
    assert {n.label.replace("View Channel", "View Channels") for n in INVITED_WITH} <= rows


def test_an_overwrite_naming_the_bot_is_pointed_at_not_its_role() -> None:
    text = errors.poll_cannot_close_here(Shortfall(7, (VIEW_CHANNEL,), named=True))
    assert "Allow View Channel on the overwrite with my own name in <#7>" in text and "my role" not in text
