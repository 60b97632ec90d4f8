"""Plot lookup: the film card, the plot moment by moment, characters, free questions and the ending."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer, bold
from bot.errors import UserFacingError
from bot.models import Character, FilmData, Level, Moment
from bot.replies import send_answer
from bot.search import (
    character_label,
    did_you_mean,
    filter_characters,
    filter_moments,
    find_character,
    find_moment,
    moment_label,
)
from bot.spoilers import Block, Segment, escape
from bot.text import CHOICE_NAME_LIMIT, CHOICES_LIMIT, shorten

if TYPE_CHECKING:
    from bot.client import StrangersBot

log = logging.getLogger(__name__)

QUESTION_LIMIT = 200
ECHO_LIMIT = 150  # a question shown back is cut to this before escaping (escaping can double it)
NAME_ECHO_LIMIT = 60
RELATED = 2  # entries shown after the best match
REVEAL_ARG_LIMIT = 88
# One letter per kind of entry in an /ask reveal key ("ask:f.the-song,m.the-power-of-love").
KIND_CODES = {"fact": "f", "character": "c", "moment": "m", "theory": "t", "quote": "q"}
CODE_KINDS = {code: kind for kind, code in KIND_CODES.items()}
SUGGESTIONS = 3


def quoted(text: str, limit: int) -> str:
    """Member text shown back inside our own messages: one line, shortened, escaped (no markup, no pings)."""
    return escape(shorten(text, limit))


class QuestionText(app_commands.Transformer):
    """A free-text question: Discord enforces 1-200 characters, and so do we, politely, in case it didn't."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return QUESTION_LIMIT

    async def transform(self, interaction: discord.Interaction, value: str) -> str:
        text = " ".join(str(value).split())
        if not text:
            raise UserFacingError("Your question is empty. Ask me something about the film, like “who plays Harry?”")
        if len(str(value)) > QUESTION_LIMIT:
            raise UserFacingError(
                f"Please keep questions to {QUESTION_LIMIT} characters (yours has {len(str(value))}). "
                "A few words are enough, like “what song plays at the end?”"
            )
        return text


class Plot(commands.Cog):
    def __init__(self, bot: StrangersBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.answer_builders.update(
            moment=self.rebuild_moment,
            character=self.rebuild_character,
            ending=self.rebuild_ending,
            ask=self.rebuild_ask,
        )

    async def cog_unload(self) -> None:
        for kind in ("moment", "character", "ending", "ask"):
            self.bot.answer_builders.pop(kind, None)

    @property
    def data(self) -> FilmData:
        return self.bot.film

    # ------------------------------------------------------------------------------------------------ /film

    def film_card(self) -> Answer:
        f = self.data.film
        return Answer(
            title=f"{f.title} ({f.year})",
            blocks=[
                [Segment(f.premise)],
                [],
                [bold("Written and directed by"), Segment(f.writer_director)],
                [
                    bold("Based on"),
                    Segment(f"{f.based_on_title}, the {f.based_on_year} novel by {f.based_on_author} (loosely)"),
                ],
                [bold("Setting"), Segment(f.setting)],
                [bold("Distributor"), Segment(f.distributor)],
                [bold("Streaming on"), Segment(", ".join(f.streaming))],
                [],
                [bold("Cast")],
                *([Segment(f"• {c.actor} as {c.name}")] for c in self.data.characters),
                [],
                [bold("Recognition")],
                *([Segment(f"• {r}")] for r in f.recognition),
                [],
                [bold("Also by the director"), Segment(", ".join(f.director_known_for))],
            ],
            footer="Spoiler-free. Try /plot, /character, /ask or /ending.",
        )

    @app_commands.command(name="film", description="The film card: title, year, director, source novel and cast.")
    async def film(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, self.film_card())

    # ------------------------------------------------------------------------------------------------ /plot

    def plot_overview(self) -> Answer:
        return Answer(
            title="The plot, moment by moment",
            blocks=[
                [bold("Premise")],
                [Segment(self.data.film.premise)],
                [],
                [bold("Moments")],
                *([Segment(moment_label(m))] for m in self.data.moments),
            ],
            footer="Pick one with /plot moment: to read it. Moment titles are spoiler-free.",
        )

    def moment_answer(self, moment: Moment) -> Answer:
        moments = self.data.moments
        index = moments.index(moment)
        before = moments[index - 1] if index > 0 else None
        after = moments[index + 1] if index + 1 < len(moments) else None
        blocks: list[Block] = []
        if before is not None:
            blocks += [
                [bold("Just before"), Segment(f"({moment_label(before)})")],
                [Segment(before.summary, before.spoiler)],
                [],
            ]
        blocks += [[bold("This moment")], [Segment(moment.summary, moment.spoiler)]]
        if after is not None:
            blocks += [
                [],
                [bold("Just after"), Segment(f"({moment_label(after)})")],
                [Segment(after.summary, after.spoiler)],
            ]
        return Answer(
            title=moment_label(moment),
            blocks=blocks,
            footer=f"Moment {moment.position} of {len(moments)} · spoiler level: {moment.spoiler.label}",
            reveal_key=f"moment:{moment.id}",
        )

    async def rebuild_moment(self, argument: str) -> Answer | None:
        moment = self.data.moment(argument)
        return self.moment_answer(moment) if moment else None

    def _unknown_moment(self, typed: str) -> UserFacingError:
        matches = filter_moments(self.data.moments, typed)
        if matches:
            suggestions = [moment_label(m) for m in matches[:SUGGESTIONS]]
        else:
            names = {m.title: moment_label(m) for m in self.data.moments}
            names |= {m.id: moment_label(m) for m in self.data.moments}
            suggestions = did_you_mean(typed, names)
        hint = f" Did you mean {_either(suggestions)}?" if suggestions else ""
        return UserFacingError(
            f"I couldn't find a moment called “{quoted(typed, NAME_ECHO_LIMIT)}”.{hint} "
            "Use /plot without a moment to see them all, or pick one from the list as you type."
        )

    @app_commands.command(name="plot", description="The plot: the premise and its moments, or one moment in context.")
    @app_commands.describe(moment="A moment of the film (start typing to filter them, in film order)")
    async def plot(self, interaction: discord.Interaction, moment: str | None = None) -> None:
        if moment is None or not moment.strip():
            await send_answer(interaction, self.plot_overview())
            return
        found = find_moment(self.data.moments, moment)
        if found is None:
            raise self._unknown_moment(moment)
        await send_answer(interaction, self.moment_answer(found))

    @plot.autocomplete("moment")
    async def plot_moment_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=shorten(moment_label(m), CHOICE_NAME_LIMIT), value=m.id)
            for m in filter_moments(self.data.moments, current)[:CHOICES_LIMIT]
        ]

    # ------------------------------------------------------------------------------------------------ /character

    def character_answer(self, character: Character) -> Answer:
        blocks: list[Block] = [
            [bold("Played by"), Segment(character.actor)],
            [Segment(character.summary)],
            [],
            [bold("Their story")],
        ]
        blocks += [[Segment("•"), Segment(step.text, step.spoiler)] for step in character.arc]
        top = max((step.spoiler for step in character.arc), default=Level.NONE)
        return Answer(
            title=character.name,
            blocks=blocks,
            footer=f"Their story goes up to spoiler level {top.label}.",
            reveal_key=f"character:{character.id}",
        )

    async def rebuild_character(self, argument: str) -> Answer | None:
        character = self.data.character(argument)
        return self.character_answer(character) if character else None

    @app_commands.command(name="character", description="Who a character is, who plays them and their story.")
    @app_commands.describe(name="A character or the actor who plays them (start typing: “Mescal” finds Harry)")
    async def character(self, interaction: discord.Interaction, name: str) -> None:
        found = find_character(self.data.characters, name)
        if found is None:
            names = {}
            for c in self.data.characters:
                for spelling in (c.name, c.actor, c.id, *c.aliases):
                    names[spelling] = character_label(c)
            matches = [character_label(c) for c in filter_characters(self.data.characters, name)]
            suggestions = matches[:SUGGESTIONS] or did_you_mean(name, names)
            hint = f" Did you mean {_either(suggestions)}?" if suggestions else ""
            raise UserFacingError(
                f"I couldn't find a character called “{quoted(name, NAME_ECHO_LIMIT)}”.{hint} "
                "Pick one from the list as you type."
            )
        await send_answer(interaction, self.character_answer(found))

    @character.autocomplete("name")
    async def character_name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=shorten(character_label(c), CHOICE_NAME_LIMIT), value=c.id)
            for c in filter_characters(self.data.characters, current)[:CHOICES_LIMIT]
        ]

    # ------------------------------------------------------------------------------------------------ /ask

    def entry(self, kind: str, ref: str) -> tuple[str, str, Level] | None:
        """An index entry as (heading, text, spoiler level), or None if the facts no longer have it."""
        data = self.data
        if kind == "fact" and (fact := data.fact(ref)):
            return fact.question, fact.answer, fact.spoiler
        if kind == "character" and (character := data.character(ref)):
            return character_label(character), character.summary, Level.NONE
        if kind == "moment" and (moment := data.moment(ref)):
            return f"Moment {moment_label(moment)}", moment.summary, moment.spoiler
        if kind == "theory" and (theory := data.theory(ref)):
            return f"Theory: {theory.title}", f"{theory.claim} (Source: {theory.source}.)", theory.spoiler
        if kind == "quote" and (quote := data.quote(ref)):
            return f"{quote.speaker}, to {quote.outlet}", f"“{quote.text}”", quote.spoiler
        return None

    def ask_answer(self, refs: list[tuple[str, str]], question: str | None = None) -> Answer | None:
        """The best match and its related entries, each with its spoiler level; None if one has gone."""
        entries = [self.entry(kind, ref) for kind, ref in refs]
        if not refs or any(e is None for e in entries):
            return None
        found = [e for e in entries if e is not None]
        blocks: list[Block] = []
        if question is not None:
            # A question can give away as much as its answer ("is harry a ghost?"), so it is shown at the level
            # of the best match: the related entries are extras and should not hide a harmless question.
            echo_level = found[0][2]
            blocks += [[bold("You asked:"), Segment(shorten(question, ECHO_LIMIT), echo_level)], []]
        for index, (heading, text, level) in enumerate(found):
            label = "Best match" if index == 0 else "Related"
            if index:
                blocks.append([])
            blocks.append([bold(label), Segment(f"(spoiler level: {level.label})")])
            blocks.append([Segment(f"**{escape(heading)}**", level, escape=False), Segment(text, level)])
        return Answer(
            title="Your question, answered",
            blocks=blocks,
            footer="Found in the facts this bot holds about the film. Ask another with /ask.",
            reveal_key="ask:" + ",".join(f"{KIND_CODES[kind]}.{ref}" for kind, ref in refs),
        )

    async def rebuild_ask(self, argument: str) -> Answer | None:
        refs: list[tuple[str, str]] = []
        for part in argument.split(","):
            code, _, ref = part.partition(".")
            if code not in CODE_KINDS or not ref:
                return None
            refs.append((CODE_KINDS[code], ref))
        return self.ask_answer(refs)

    def no_match_answer(self, question: str, near: list[tuple[str, str]]) -> Answer:
        """An honest "I don't know", with questions it can answer: loosely related ones first, never a random fact."""
        spoiler_free = [f for f in self.data.facts if f.spoiler is Level.NONE]
        picked = [f for kind, ref in near if kind == "fact" and (f := self.data.fact(ref)) in spoiler_free]
        if len(spoiler_free) >= SUGGESTIONS:
            step = len(spoiler_free) / SUGGESTIONS  # otherwise spread over the range: cast, story, awards...
            picked += [spoiler_free[int(i * step)] for i in range(SUGGESTIONS)]
        examples: list[str] = []
        for fact in [*picked, *spoiler_free]:
            if fact.question not in examples:
                examples.append(fact.question)
        return Answer(
            title="No good match",
            blocks=[
                [bold("You asked:"), Segment(shorten(question, ECHO_LIMIT))],
                [],
                [Segment("I couldn't find a good answer to that in what I know about the film, so I won't guess.")],
                [Segment("Questions I can answer include:")],
                *([Segment(f"• {q}")] for q in examples[:SUGGESTIONS]),
            ],
            footer="Try /plot, /character or /ending too.",
        )

    @app_commands.command(name="ask", description="Ask a question about the film in your own words.")
    @app_commands.describe(question="Your question, e.g. “who plays Harry?” or “what song plays at the end?”")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Transform[str, QuestionText]) -> None:
        query = self.bot.searcher.parse(question)
        hits = await self.bot.store.search(query.match)
        best = self.bot.searcher.best(hits, query.terms, limit=1 + RELATED)
        refs = _fit_refs([(h.kind, h.ref) for h in best])
        answer = self.ask_answer(refs, question) if refs else None
        if answer is None:
            near = [(h.kind, h.ref) for h in self.bot.searcher.near_misses(hits, query.terms)]
            await send_answer(interaction, self.no_match_answer(question, near), ephemeral=True)
            return
        await send_answer(interaction, answer)

    # ------------------------------------------------------------------------------------------------ /ending

    def ending_answer(self) -> Answer:
        """The ending explained; every sentence at level ENDING, whatever its own level, as the title promises."""
        end = Level.ENDING
        finale = [m for m in self.data.moments if m.spoiler is Level.ENDING]
        blocks: list[Block] = [[bold("The final scenes")]]
        blocks += [[Segment(f"{moment_label(m)}:", end), Segment(m.summary, end)] for m in finale]
        blocks += [[], [bold("Where everyone ends up")]]
        blocks += [[Segment(f"{c.name}:", end), Segment(c.arc[-1].text, end)] for c in self.data.characters if c.arc]
        blocks += [[], [bold("Interpretations")]]
        blocks += [
            [Segment(f"{t.title}:", end), Segment(t.claim, end), Segment(f"(Source: {t.source}.)", end)]
            for t in self.data.theories
        ]
        return Answer(
            title="The ending explained",
            blocks=blocks,
            footer="Everything here is at spoiler level ending.",
            reveal_key="ending:all",
        )

    async def rebuild_ending(self, argument: str) -> Answer | None:
        return self.ending_answer()

    @app_commands.command(name="ending", description="The ending explained: what happens, and what it might mean.")
    async def ending(self, interaction: discord.Interaction) -> None:
        await send_answer(interaction, self.ending_answer())


def _either(options: list[str]) -> str:
    quoted_options = [f"“{escape(o)}”" for o in options]
    if len(quoted_options) <= 1:
        return "".join(quoted_options)
    return ", ".join(quoted_options[:-1]) + " or " + quoted_options[-1]


def _fit_refs(refs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The entries of an /ask answer, dropping related ones until their reveal key fits a custom_id."""
    refs = list(refs)
    while len(refs) > 1 and len(",".join(f"{KIND_CODES[k]}.{r}" for k, r in refs)) > REVEAL_ARG_LIMIT:
        refs.pop()
    return refs


async def setup(bot: StrangersBot) -> None:
    await bot.add_cog(Plot(bot))
