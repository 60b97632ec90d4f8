"""A flood of bad input across every command: each gets a clear answer, nothing crashes, no mention ever pings.

Every command is sent past the checks of Discord's own client (``past_the_client=True``: over-long text,
out-of-range numbers, channels of the wrong kind), so the bot's own guards are what is tested. The discord_api
fixture fails the test if any message would ping or break a Discord rule.
"""

from __future__ import annotations

import pytest

from bot.render.errors import SORRY
from standin import StandIn

LONG = "x" * 5000
MENTIONS = "@everyone @here <@123456789012345678> <@&123456789012345678>"
INJECTION = "||spoiler|| **bold** `code` > quote # title [link](http://x.test) \\||"

# (command, options, as moderator?)
CASES: list[tuple[str, dict[str, object], bool]] = [
    ("ask", {"question": ""}, False),
    ("ask", {"question": "   \n\t  "}, False),
    ("ask", {"question": LONG}, False),
    ("ask", {"question": "x" * 201}, False),
    ("ask", {"question": MENTIONS}, False),
    ("ask", {"question": f"{MENTIONS} who plays harry"}, False),
    ("ask", {"question": INJECTION}, False),
    ("ask", {"question": "'; DROP TABLE facts; --"}, False),
    ("ask", {"question": 'NEAR("harry" "adam", 2) AND NOT harry* ^adam'}, False),
    ("ask", {"question": '"unbalanced (quote'}, False),
    ("ask", {"question": "\x00\x01\x02 nul bytes"}, False),
    ("ask", {"question": "🎬🎞️👻 " * 10}, False),
    ("ask", {"question": "ｗｈｏ ｐｌａｙｓ ｈａｒｒｙ"}, False),
    ("ask", {"question": "a" * 200}, False),
    ("plot", {"moment": "no such moment at all"}, False),
    ("plot", {"moment": ""}, False),
    ("plot", {"moment": LONG}, False),
    ("plot", {"moment": MENTIONS}, False),
    ("plot", {"moment": "-1"}, False),
    ("plot", {"moment": "9999"}, False),
    ("plot", {"moment": INJECTION}, False),
    ("character", {"name": "Voldemort"}, False),
    ("character", {"name": ""}, False),
    ("character", {"name": LONG}, False),
    ("character", {"name": MENTIONS}, False),
    ("quote", {"topic": "no-such-topic"}, False),
    ("quote", {"topic": LONG}, False),
    ("quote", {"topic": MENTIONS}, False),
    ("quote", {"search": LONG}, False),
    ("quote", {"search": MENTIONS}, False),
    ("quote", {"search": "the and of"}, False),
    ("quote", {"search": "zzzzqqqq"}, False),
    ("quote", {"search": INJECTION}, False),
    ("theory show", {"theory": "no such theory"}, False),
    ("theory show", {"theory": MENTIONS}, False),
    ("theory show", {"theory": LONG}, False),
    ("theory suggest", {"title": "", "claim": "A claim long enough to count."}, False),
    ("theory suggest", {"title": "ab", "claim": "A claim long enough to count."}, False),
    ("theory suggest", {"title": LONG, "claim": "A claim long enough to count."}, False),
    ("theory suggest", {"title": "A fine title", "claim": "short"}, False),
    ("theory suggest", {"title": "A fine title", "claim": LONG}, False),
    ("theory suggest", {"title": MENTIONS, "claim": f"{MENTIONS} {INJECTION}"}, False),
    ("theory review", {}, False),
    ("theory poll", {}, False),
    ("theory poll", {"hours": 0}, True),
    ("theory poll", {"hours": 100000}, True),
    ("theory poll", {"hours": -5}, True),
    ("theory poll", {"theories": "nothing, nowhere"}, True),
    ("theory poll", {"theories": "adams-screenplay"}, True),
    ("theory poll", {"theories": LONG}, True),
    ("theory close", {"poll": "999999"}, True),
    ("theory close", {"poll": "not a number"}, True),
    ("theory close", {"poll": "1"}, False),
    ("theory results", {"poll": "999999"}, False),
    ("theory results", {"poll": MENTIONS}, False),
    ("spoilers set", {"channel_": "ending-talk", "allowed": "ending"}, False),
    ("spoilers set", {"channel_": "film-talk", "allowed": "plot"}, True),
    ("spoilers show", {"channel_": "film-talk"}, False),
    ("spoilers reset", {"channel_": "general"}, False),
    ("spoilers reset", {"channel_": "general"}, True),
    ("spoilers default", {"allowed": "ending"}, False),
    ("spoilers list", {}, False),
]


@pytest.mark.parametrize(("command", "options", "moderator"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
async def test_bad_input_gets_a_clear_answer(bot, discord_api: StandIn, command, options, moderator) -> None:
    user = discord_api.world.moderator if moderator else discord_api.world.member
    reply = await discord_api.slash(command, user=user, past_the_client=True, **options)
    assert reply.complete
    assert SORRY not in reply.text, f"/{command} {options} hit an unexpected error"
    assert reply.text.strip(), "an empty answer is not a clear answer"
    if reply.ephemeral:
        assert len(reply.text) < 2000


def test_the_flood_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c[0].split()[0] for c in CASES}) >= 5
