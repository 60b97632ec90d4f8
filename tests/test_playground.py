"""The playground: typed lines parsed like Discord's prompt, answers shown readably, a script run end to end."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest

from playground.parse import Action, CommandLine, parse_line
from playground.render import Screen

CLONE = Path(__file__).resolve().parent.parent  # the repository, where the playground runs from


def test_parsing_commands_and_actions() -> None:
    assert parse_line("/plot moment: diner") == CommandLine(("plot",), {"moment": "diner"})
    assert parse_line("/theory poll hours: 2 hidden_results: true") == CommandLine(
        ("theory", "poll"), {"hours": "2", "hidden_results": "true"}
    )
    assert parse_line('/ask question: "what: is this?"') == CommandLine(("ask",), {"question": "what: is this?"})
    assert parse_line("/ask question: who plays harry, really") == CommandLine(
        ("ask",), {"question": "who plays harry, really"}
    )
    assert parse_line("as moderator") == Action("as", "moderator")
    assert parse_line("in #spoilers") == Action("in", "#spoilers")
    assert parse_line("exit") == Action("quit")
    assert parse_line("   ") is None and parse_line("# a comment") is None
    with pytest.raises(ValueError, match="unknown instruction"):
        parse_line("dance")
    with pytest.raises(ValueError, match="given twice"):
        parse_line("/plot moment: a moment: b")


def test_screen_hides_spoilers_until_revealed_and_numbers_buttons() -> None:
    message = {
        "flags": 64,
        "embeds": [
            {
                "title": "The ending",
                "description": "Safe part. ||Harry \\| is a ghost.|| More.",
                "footer": {"text": "spoiler-free footer"},
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "label": "Reveal to me", "custom_id": "reveal:ending:all", "emoji": {"name": "👁"}},
                    {"type": 2, "label": "Closed", "custom_id": "x", "disabled": True},
                ],
            }
        ],
    }
    screen = Screen()
    text = screen.show([message])
    assert "(only you can see this)" in text and "┏━ The ending" in text
    assert "ghost" not in text and "[spoiler 1]" in text
    assert "[1] 👁 Reveal to me" in text and "[2] Closed (disabled)" in text
    assert [b["custom_id"] for _, b in screen.buttons] == ["reveal:ending:all", "x"]
    assert "‹Harry | is a ghost.›" in screen.reveal(1)
    with pytest.raises(ValueError):
        screen.reveal(2)


def test_screen_shows_files_with_size_alt_text_and_spoiler_marks() -> None:
    message = {
        "content": "Results",
        "attachments": [
            {"filename": "poll-3.png", "size": 24_883, "content_type": "image/png", "description": "Bar chart: 3"},
            {"filename": "SPOILER_poll-4.png", "size": 900, "content_type": "image/png"},
            {"filename": "notes.txt", "size": 3 * 1024 * 1024, "content_type": "text/plain"},
        ],
    }
    screen = Screen()
    text = screen.show([message])
    assert "[image: poll-3.png (24.3 KB)]  (file 1)" in text
    assert "  alt text: Bar chart: 3" in text
    assert "[spoiler image: SPOILER_poll-4.png (900 bytes)]  (file 2)" in text
    assert "[file: notes.txt (3.0 MB)]  (file 3)" in text
    assert [f["filename"] for f in screen.files] == ["poll-3.png", "SPOILER_poll-4.png", "notes.txt"]
    assert parse_line("save 1 chart.png") == Action("save", "1 chart.png")


SCRIPT = """\
# what a new visitor might try
/film
/plot moment: diner
reveal 2
as moderator
in #spoilers
/ending
click 1
/theory poll hours: 2
click 2
/theory close poll: 1
/theory results poll: 1
save 1 {chart}
save 2 {chart}
as member
/spoilers set channel: #general allowed: ending
/nope
click 99
"""


async def test_a_script_runs_through_the_real_bot(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    chart = tmp_path / "chart.png"
    script.write_text(SCRIPT.format(chart=chart))
    transcript = await _run_script(script, tmp_path / "pg.db")
    steps = dict(_steps(transcript))
    assert "┏━ All of Us Strangers (2023)" in steps["member@#general> /film"]
    diner = steps["member@#general> /plot moment: diner"]
    assert "┏━ 15. The diner" in diner and "[spoiler 2]" in diner and "family special" not in diner
    revealed = steps["member@#general> reveal 2"]
    assert "‹" in revealed and "[spoiler 2]" not in revealed and "[spoiler 1]" in revealed
    ending = steps["moderator@#spoilers> /ending"]
    assert "(spoiler hidden here" in ending and "[1] 👁 Reveal to me" in ending and "overdose" not in ending
    private = steps["moderator@#spoilers> click 1"]
    assert private.startswith("(only you can see this)") and "overdose" in private
    poll = steps["moderator@#spoilers> /theory poll hours: 2"]
    assert "┏━ Theory poll #1" in poll and "[1] 1" in poll and "Reveal to me" in poll
    vote = steps["moderator@#spoilers> click 2"]
    assert "Your vote is on 2" in vote and "(only you can see this)" in vote  # the press's one answer
    results = steps["moderator@#spoilers> /theory results poll: 1"]
    # #spoilers shows the plot, privately: the ending-level titles are drawn and described in spoiler-free forms
    assert re.search(r"\[image: poll-1-results\.png \(\d+\.\d KB\)\]  \(file 1\)", results)
    unwrapped = " ".join(line.strip() for line in results.splitlines())  # long lines wrap at the terminal's width
    assert "alt text: Bar chart: Theory poll #1: final results, 1 vote. 1. Theory 1 (ending): 0 votes" in unwrapped
    saved = steps[f"moderator@#spoilers> save 1 {chart}"]
    expected = f"Saved [image: poll-1-results.png ({chart.stat().st_size / 1024:.1f} KB)] to {chart}."
    assert " ".join(saved.split()) == expected  # a long path wraps at the terminal's width too
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "there is no file 2 on screen (there are 1)" in steps[f"moderator@#spoilers> save 2 {chart}"]
    refused = steps["member@#spoilers> /spoilers set channel: #general allowed: ending"]
    assert "(only you can see this)" in refused and "Manage Channels" in refused
    assert "is not registered" in steps["member@#spoilers> /nope"]
    assert "there is no button 99" in steps["member@#spoilers> click 99"]
    # Nothing written outside the configured database.
    assert all(name.startswith("pg.db") for name in _files(tmp_path) if name not in ("demo.txt", "chart.png"))


async def test_a_second_run_on_the_same_database_still_has_every_command(tmp_path: Path) -> None:
    """The stand-in is a new Discord each run: the bot must register its commands again, though its database
    remembers syncing them to the previous run's stand-in."""
    script = tmp_path / "again.txt"
    script.write_text("/plot moment: the-d\nas moderator\n/spoilers show\n")
    for _ in range(2):
        transcript = await _run_script(script, tmp_path / "pg.db")
        steps = dict(_steps(transcript))
        assert "┏━ 15. The diner" in steps["member@#general> /plot moment: the-d"]
        assert "not registered" not in transcript


async def _run_script(script: Path, database: Path) -> str:
    """``python -m bot playground --script`` in a child process; its transcript, once it exited cleanly."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        "--script",
        str(script),
        "--database",
        str(database),
        cwd=CLONE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_outside_a_clone_the_playground_says_where_it_runs(tmp_path: Path) -> None:
    """Installed without the repository beside it, ``python -m bot playground`` finds no playground: one sentence."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"import sys; sys.path = [p for p in sys.path if p not in ('', {str(CLONE)!r})]; "
        "from bot.__main__ import main; sys.exit(main(['playground']))",
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert err.decode().strip() == "The playground runs from a clone of the repository: start it there."


def _steps(transcript: str) -> list[tuple[str, str]]:
    """The transcript as (prompt and line, what was printed after it)."""
    blocks = transcript.split("\n\n")
    return [(b.split("\n", 1)[0], b.split("\n", 1)[1] if "\n" in b else "") for b in blocks if "> " in b.split("\n")[0]]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def _tab(pg, line: str) -> list[str]:
    """What Tab puts on the line (one candidate) or shows in its menu (several), asking the bot from a thread."""
    from playground.completion import completions
    from playground.console import readline_matches

    loop = asyncio.get_running_loop()

    def ask(path: tuple[str, ...], option: str, typed: str) -> list[dict]:
        return asyncio.run_coroutine_threadsafe(pg.suggest(path, option, typed, {}), loop).result(10)

    found = await asyncio.to_thread(completions, pg, line, ask)
    matches = readline_matches(line, found)
    return matches if len(matches) == 1 else [c.label for c in found]


async def test_tab_completes_like_discord(bot, discord_api) -> None:
    from playground.session import Playground

    pg = Playground(discord_api)
    assert await _tab(pg, "/pl") == ["/plot "]  # a unique completion ends with a space
    assert await _tab(pg, "/plot m") == ["/plot moment: "]
    assert [label.split()[0] for label in await _tab(pg, "/spoilers s")] == ["set", "show"]
    assert [label.split()[0] for label in await _tab(pg, "/spoilers set ")] == ["channel:", "allowed:", "style:"]
    # Choices by their names, matched anywhere in the name.
    assert await _tab(pg, "/spoilers set channel: #general allowed: every") == [
        "/spoilers set channel: #general allowed: Ending: everything, the ending included "
    ]
    assert await _tab(pg, "/spoilers set channel: #gen") == ["#general", "#general-thread"]
    assert await _tab(pg, "/spoilers set channel: #general al") == ["/spoilers set channel: #general allowed: "]
    # The bot's autocomplete, as it answers: "mes" finds Harry through the actor's name.
    assert await _tab(pg, "/character name: mes") == ["/character name: Harry (Paul Mescal) "]
    assert await _tab(pg, "/plot moment: diner") == ["/plot moment: 15. The diner "]
    topics = await _tab(pg, "/quote topic: ")
    assert "harry (3 quotes)" in topics and "love (3 quotes)" in topics  # the topic counts stay
    assert await _tab(pg, "as m") == ["as moderator", "as member"]

    # The line reads the names; what is sent is the picked choice's value, as Discord's client sends it.
    harry = await pg.execute("/character name: Harry (Paul Mescal)")
    assert "┏━ Harry" in harry
    await _tab(pg, "/theory show theory: hopeful")
    await pg.execute("/theory show theory: A hopeful ending: love remains")
    assert "A hopeful ending: love remains" in await pg.execute("reveal")  # the title is a spoiler in #general
    await pg.execute("as moderator")
    changed = await pg.execute(
        "/spoilers set channel: #ending-talk allowed: Ending: everything, the ending included style: wrap"
    )
    assert "(playground)" not in changed and "#ending-talk" in changed and "ending" in changed


def test_timestamps_read_as_discord_shows_them() -> None:
    from playground.render import plain

    now = 1_800_000_000  # 15 January 2027 08:00 UTC
    # as Discord's client (moment.js's fromNow) says it: rounded, and the next unit from 45 s, 45 min, 22 h, 26 days
    assert plain(f"<t:{now + 24 * 3600 - 60}:R>", now=now) == "in a day"  # a 24-hour poll a minute after it opened
    assert plain(f"<t:{now + 22 * 3600}:R>", now=now) == "in a day"
    assert plain(f"<t:{now + 21 * 3600 + 1799}:R>", now=now) == "in 21 hours"
    assert plain(f"<t:{now + 90 * 60 - 1}:R>", now=now) == "in an hour"
    assert plain(f"<t:{now + 90 * 60}:R>", now=now) == "in 2 hours"
    assert plain(f"<t:{now + 44}:R>", now=now) == "in a few seconds"
    assert plain(f"<t:{now + 45}:R>", now=now) == "in a minute"
    assert plain(f"<t:{now + 45 * 60}:R>", now=now) == "in an hour"
    assert plain(f"<t:{now + 36 * 3600}:R>", now=now) == "in 2 days"
    assert plain(f"<t:{now + 26 * 86400}:R>", now=now) == "in a month"
    assert plain(f"<t:{now - 400 * 86400}:R>", now=now) == "a year ago"
    assert plain(f"<t:{now - 600 * 86400}:R>", now=now) == "2 years ago"
    assert plain(f"<t:{now - 2 * 3600}:R>", now=now) == "2 hours ago"
    assert plain(f"<t:{now + 20}:R>", now=now) == "in a few seconds"
    assert plain(f"<t:{now - 5 * 60}:R>", now=now) == "5 minutes ago"
    assert plain(f"<t:{now + 3 * 86400}:R>", now=now) == "in 3 days"
    assert plain(f"<t:{now + 40 * 86400}:R>", now=now) == "in a month"
    assert plain(f"Closes <t:{now}:R> (<t:{now}:f>)", now=now - 3600) == "Closes in an hour (15 January 2027 08:00 UTC)"
    assert plain(f"<t:{now}>", now=now) == "15 January 2027 08:00 UTC"  # no style: Discord's default, f
    assert plain(f"<t:{now}:D> <t:{now}:t>", now=now) == "15 January 2027 08:00 UTC"


def test_long_lines_wrap_at_spaces_keeping_their_gutter() -> None:
    from playground.render import wrap

    line = "┃ • " + " ".join(["word"] * 30)
    lines = wrap(line, 40)
    assert all(len(piece) <= 40 for piece in lines) and len(lines) > 2
    assert lines[0].startswith("┃ • word") and all(piece.startswith("┃   word") for piece in lines[1:])
    assert " ".join(piece.removeprefix("┃ • ").strip("┃ ") for piece in lines) == " ".join(["word"] * 30)
    assert wrap("┃ short", 40) == ["┃ short"]
    assert wrap("┃ " + "x" * 60, 40) == ["┃ " + "x" * 60]  # a word longer than the line is never cut


def test_answers_in_a_box_and_the_playgrounds_own_lines_wrap_too() -> None:
    """Components V2 answers (most answers) are drawn in a box: each piece of a long line keeps its "│ " gutter. The
    playground's own text (its banner, help) wraps as well, a two-column line under its second column."""
    from playground.render import wrapped

    claim = " ".join(["reaching"] * 20)
    box = {"type": 17, "components": [{"type": 10, "content": f"**Claim:** {claim}"}]}
    screen = Screen(width=50)
    lines = screen.show([{"flags": 1 << 15, "components": [box]}]).splitlines()
    inside = [line for line in lines if line.startswith("│ ")]
    assert len(inside) > 2 and all(len(line) <= 50 for line in lines)
    assert inside[0].startswith("│ Claim: reaching") and all(line.startswith("│ reaching") for line in inside[1:])
    assert " ".join(line.removeprefix("│ ") for line in inside) == f"Claim: {claim}"
    said = "  say TEXT          write a message in this channel as yourself (numbered: 1, 2, ...)"
    helped = wrapped(said, 50).splitlines()
    assert len(helped) > 1 and all(len(line) <= 50 for line in helped)
    assert all(line.startswith(" " * 20) and line[20] != " " for line in helped[1:])  # under "write"
    assert " ".join(" ".join(helped).split()) == " ".join(said.split())


def test_a_full_vote_bar_does_not_look_like_a_hidden_spoiler() -> None:
    screen = Screen()
    text = screen.show([{"content": "`████████████` 1 vote · 100%\n||Harry is a ghost||"}])
    bar, hidden = text.splitlines()[:2]
    assert bar == "████████████ 1 vote · 100%"  # inline code shows without its backticks
    assert hidden.endswith("[spoiler 1]") and "█" not in hidden


def test_a_private_answer_to_a_button_leaves_the_message_and_its_buttons_on_screen() -> None:
    def buttons(*labels: str) -> list[dict]:
        return [{"type": 1, "components": [{"type": 2, "label": x, "custom_id": x} for x in labels]}]

    screen = Screen()
    screen.show([{"content": "Poll ||one||", "components": buttons("1", "2")}])
    shown = screen.add([{"content": "Your vote is on ||one||", "flags": 64}])
    assert shown.startswith("(only you can see this)\nYour vote is on ▒▒▒[spoiler 2]") and "Poll" not in shown
    assert [b["label"] for _, b in screen.buttons] == ["1", "2"]
    screen.add([{"content": "More", "components": buttons("Reveal")}])
    assert [b["label"] for _, b in screen.buttons] == ["1", "2", "Reveal"]  # numbered after those above


async def test_a_hidden_results_poll_keeps_its_buttons_and_its_thread_is_announced(bot, discord_api) -> None:
    from playground.session import Playground

    pg = Playground(discord_api)
    await pg.execute("as moderator")
    await pg.execute("in #spoilers")
    poll = await pg.execute("/theory poll hours: 24 hidden_results: true")
    closes = next(line for line in poll.splitlines() if "Closes" in line)
    assert "in a day (" in closes and closes.count("UTC") == 1  # relative, then the absolute time once
    thread = discord_api.guild.channels[-1]
    assert f"started a thread: #{thread.name}." in poll
    assert not (await pg.execute("click 1")).startswith("(playground)")
    assert not (await pg.execute("click 2")).startswith("(playground)")  # the poll's buttons are still there
    assert await bot.store.tallies(1) == {2: 1}  # the vote moved to 2
    assert (await pg.execute(f"in #{thread.name}")).startswith("You are now in")
    settings = await pg.execute("/spoilers show")
    assert f"#{thread.name}" in settings and "#unknown" not in settings


async def test_option_mistakes_are_shown_as_discord_shows_them(bot, discord_api) -> None:
    from playground.session import Playground

    pg = Playground(discord_api)
    assert await pg.execute("/film extra: 1") == "(playground) /film has no options: type /film alone."
    assert await pg.execute("/plot extra: 1") == "(playground) /plot has no option 'extra'; its options are moment."
    said = await pg.execute("/ask question: " + "x" * 499)
    assert said == "question: Must be 200 or fewer in length. (Discord does not send the command like this.)"
    assert (await pg.execute("/character")).startswith("name: This option is required.")
    await pg.execute("as moderator")
    assert (await pg.execute("/theory poll hours: 0")).startswith("hours: Must be 1 or more.")
    assert (await pg.execute("/theory poll hours: soon")).startswith("hours: Must be a whole number.")
    assert (await pg.execute("/spoilers set channel: #general allowed: bogus")).startswith("allowed: Choose one of “")
    assert not [r for r in discord_api.replies.values() if r.kind == "command"]  # nothing was sent


async def test_the_message_menus_from_the_prompt(tmp_path: Path) -> None:
    script = tmp_path / "menus.txt"
    script.write_text(
        "say who plays harry?\n"
        'menu "Ask about this" on 1\n'
        "say harry is dead all along\n"
        "as moderator\n"
        "menu Hide spoilers on 2\n"
        'menu "Ask about this" on 9\n'
        "menu Ask about this\n"
    )
    steps = dict(_steps(await _run_script(script, tmp_path / "pg.db")))
    assert steps["member@#general> say who plays harry?"] == "[message 1] member: who plays harry?"
    asked = steps['member@#general> menu "Ask about this" on 1']
    assert asked.startswith("(only you can see this)") and "Mescal" in asked
    hidden = steps["moderator@#general> menu Hide spoilers on 2"]
    assert "(only you can see this)" in hidden and "original is removed" in " ".join(hidden.split())
    assert "there is no message 9" in steps['moderator@#general> menu "Ask about this" on 9']
    assert "on which message" in steps["moderator@#general> menu Ask about this"]


async def test_values_typed_without_tab_resolve_as_the_autocomplete_would(bot, discord_api) -> None:
    """The issue's own lines: a topic typed in part, theories by the numbers /theory list shows. (Enter here picks
    the first suggestion, as in Discord's menu; values typed past it reach the bot's resolver, tested end to end.)"""
    from playground.session import Playground

    pg = Playground(discord_api)
    await pg.execute("in #ending-talk")
    song = await pg.execute("/quote topic: song")
    assert "There is no quote topic" not in song and "the song" in song
    await pg.execute("as moderator")
    poll = await pg.execute("/theory poll theories: 1,2")
    assert "Theory poll #1" in poll and "(only you can see this)" not in poll
    polled = [o.theory_key for o in (await bot.store.poll(1)).options]
    assert polled == [t.id for t in bot.film.theories[:2]]  # numbers 1 and 2 of /theory list, nothing else
    unknown = " ".join((await pg.execute("/theory show theory: 99")).split())
    assert (
        "(only you can see this)" in unknown
        and f"a number from /theory list (1 to {len(bot.film.theories)})" in unknown
    )
