"""What the /spoilers commands say, as plain functions: reasons, kinds of channel, change lines and Discord limits."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import Kind, Level, Place, Policy, Source, Style
from bot.render.limits import CHOICE_NAME_LIMIT
from bot.render.spoiler_settings import (
    LEVEL_CHOICES,
    STYLE_CHOICES,
    change_line,
    default_text,
    explain,
    label_text,
    reset_text,
    set_text,
    setting_line,
    shows,
)

CHANNEL, PARENT = 111, 222


def test_choices_cover_every_level_and_style_within_discord_limits() -> None:
    assert [v for v, _ in LEVEL_CHOICES] == [level.label for level in Level]
    assert [v for v, _ in STYLE_CHOICES] == [style.value for style in Style]
    assert all(0 < len(name) <= CHOICE_NAME_LIMIT for _, name in LEVEL_CHOICES + STYLE_CHOICES)


def test_shows_says_what_is_plain_and_what_happens_to_the_rest() -> None:
    assert shows(Policy(Level.PLOT)) == (
        "It shows the story plainly, but not the ending; the ending is wrapped in bars (click to read)."
    )
    assert shows(Policy(Level.NONE, Style.WRAP)).startswith("It shows nothing past the premise plainly;")
    assert "Reveal to me" in shows(Policy(Level.NONE, Style.PRIVATE))
    assert shows(Policy(Level.ENDING, Style.PRIVATE)) == "It shows everything plainly, the ending included."


def test_explain_gives_the_reason_for_each_source() -> None:
    text = Place(CHANNEL, Kind.TEXT)
    assert explain(text, Policy(source=Source.DEFAULT)) == [
        f"<#{CHANNEL}> shows nothing past the premise plainly; spoilers are wrapped in bars (click to read).",
        "Why: this channel has no setting of its own, so the server default applies (**none**, wrap).",
    ]
    assert "has its own setting (**plot**, wrap)" in explain(text, Policy(Level.PLOT, source=Source.CHANNEL))[1]

    thread = Place(CHANNEL, Kind.THREAD, PARENT)
    why = explain(thread, Policy(Level.ENDING, source=Source.PARENT))[1]
    assert "thread follows its channel" in why and f"<#{PARENT}>" in why
    why = explain(thread, Policy(source=Source.DEFAULT))[1]
    assert f"neither this thread nor <#{PARENT}>" in why and "server default" in why

    post = Place(CHANNEL, Kind.POST, PARENT)
    assert "post follows its forum" in explain(post, Policy(source=Source.PARENT))[1]


def test_explain_says_what_a_voice_channel_or_forum_setting_covers() -> None:
    assert "text chat" in explain(Place(CHANNEL, Kind.VOICE), Policy())[-1]
    assert "every post" in explain(Place(CHANNEL, Kind.FORUM), Policy())[-1]
    assert len(explain(Place(CHANNEL, Kind.TEXT), Policy())) == 2


def test_set_reset_and_default_confirmations() -> None:
    place = Place(CHANNEL, Kind.THREAD, PARENT)
    lines = set_text(place, Policy(Level.ENDING), Policy(Level.PLOT, source=Source.PARENT))
    assert lines[0] == f"<#{CHANNEL}> now shows everything plainly, the ending included (**ending**, wrap)."
    assert lines[-1] == f"Before: **plot**, wrap (from <#{PARENT}>)."

    lines = reset_text(place, Policy(Level.ENDING), Policy(Level.NONE, Style.PRIVATE, Source.DEFAULT))
    assert "it was **ending**, wrap" in lines[0]
    assert lines[1] == "It now follows the server default: **none**, private."

    assert "2 channels keep their own setting" in default_text(Policy(Level.PLOT), Policy(), 2)[-1]
    assert "1 channel keeps its own setting" in default_text(Policy(Level.PLOT), Policy(), 1)[-1]
    assert "applies everywhere" in default_text(Policy(Level.PLOT), Policy(), 0)[-1]
    assert default_text(Policy(Level.PLOT), Policy(), 0)[1].startswith(
        "Every channel without a setting of its own shows the story plainly, but not the ending;"
    )


def test_setting_lines_label_voice_forum_and_missing_channels() -> None:
    assert setting_line(CHANNEL, Policy(Level.PLOT), Place(CHANNEL, Kind.TEXT)) == f"<#{CHANNEL}>: **plot**, wrap"
    assert "(its chat)" in setting_line(CHANNEL, Policy(), Place(CHANNEL, Kind.VOICE))
    assert "(its posts)" in setting_line(CHANNEL, Policy(), Place(CHANNEL, Kind.FORUM))
    missing = setting_line(CHANNEL, Policy(Level.ENDING), None)
    assert f"channel {CHANNEL} (not found" in missing and "<#" not in missing


def test_change_lines_say_when_who_where_and_what() -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    unix = int(when.timestamp())
    assert change_line(CHANNEL, 7, None, "plot/wrap", when, bot_id=9) == (
        f"<t:{unix}:R> <@7> <#{CHANNEL}>: no setting of its own → plot, wrap"
    )
    assert change_line(None, 7, "none/wrap", "plot/private", when, bot_id=9).endswith(
        "server default: none, wrap → plot, private"
    )
    assert change_line(CHANNEL, 7, "plot/wrap", None, when, bot_id=9).endswith("reset (no setting of its own)")
    assert "channel was deleted" in change_line(CHANNEL, 9, "plot/wrap", None, when, bot_id=9)
    assert label_text(None) == "no setting of its own"
