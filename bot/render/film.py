"""What /film, /plot, /character, /ask and /ending say: answers built from the film's facts (pure).

Each function takes the facts (``FilmData``, read once at start-up) and returns an ``Answer`` whose segments carry
their spoiler levels; the sending helper applies the channel's policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Character, FilmData, Level, Moment
from ..names import moment_name
from ..search import character_label
from .answer import Answer, bold
from .limits import shorten
from .markup import Block, Segment, escape, raw

ECHO_LIMIT = 150  # a question shown back is cut to this before escaping (escaping can double it)
SUGGESTIONS = 3
REVEAL_ARG_LIMIT = 88
# One letter per kind of entry in an /ask reveal key ("ask:f.the-song,m.the-power-of-love").
KIND_CODES = {"fact": "f", "character": "c", "moment": "m", "theory": "t", "quote": "q"}
CODE_KINDS = {code: kind for kind, code in KIND_CODES.items()}
Ref = tuple[str, str]  # (kind, ref) of an index entry
NOT_KNOWN = "That isn't in what I know about the film, so I won't guess."


def film_card(data: FilmData) -> Answer:
    f = data.film
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
            *([Segment(f"• {c.actor} as {c.name}")] for c in data.characters),
            [],
            [bold("Recognition")],
            *([Segment(f"• {r}")] for r in f.recognition),
            [],
            [bold("Also by the director"), Segment(", ".join(f.director_known_for))],
        ],
        footer="Spoiler-free. Try /plot, /character, /ask or /ending.",
        layout=True,
    )


def plot_overview(data: FilmData) -> Answer:
    return Answer(
        title="The plot, moment by moment",
        blocks=[
            [bold("Premise")],
            [Segment(data.film.premise)],
            [],
            [bold("Moments")],
            *([raw(f"**{m.position}.**"), _title(m)] for m in data.moments),
        ],
        footer=(
            "To read one, give /plot its number or a word of its title (moment: 7). "
            "Titles above this channel's level are hidden."
        ),
        reveal_key="plot:all",
    )


def _title(moment: Moment) -> Segment:
    """A moment's title in a line that already gives its number: hidden, it reads as its level."""
    return Segment(moment.title, moment.title_spoiler, safe=f"(title hidden: spoiler level {moment.spoiler.label})")


def moment_answer(data: FilmData, moment: Moment) -> Answer:
    moments = data.moments
    index = moments.index(moment)
    before = moments[index - 1] if index > 0 else None
    after = moments[index + 1] if index + 1 < len(moments) else None
    blocks: list[Block] = []
    if before is not None:
        blocks += [
            [bold("Just before")],
            [moment_name(before).segment()],
            [Segment(before.summary, before.spoiler, moment=before.position)],
            [],
        ]
    blocks += [[bold("This moment")], [Segment(moment.summary, moment.spoiler, moment=moment.position)]]
    if after is not None:
        blocks += [
            [],
            [bold("Just after")],
            [moment_name(after).segment()],
            [Segment(after.summary, after.spoiler, moment=after.position)],
        ]
    return Answer(
        title=moment_name(moment),
        blocks=blocks,
        footer=f"Moment {moment.position} of {len(moments)} · spoiler level: {moment.spoiler.label}",
        reveal_key=f"moment:{moment.id}",
        layout=True,
    )


def character_answer(character: Character) -> Answer:
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


def entry(data: FilmData, kind: str, ref: str) -> tuple[str, str, Level] | None:
    """An index entry as (heading, text, spoiler level), or None if the facts no longer have it."""
    if kind == "fact" and (fact := data.fact(ref)):
        return fact.question, fact.answer, fact.spoiler
    if kind == "character" and (character := data.character(ref)):
        return character_label(character), character.summary, Level.NONE
    if kind == "moment" and (moment := data.moment(ref)):
        return f"Moment {moment.position}. {moment.title}", moment.summary, moment.spoiler
    if kind == "theory" and (theory := data.theory(ref)):
        return f"Theory: {theory.title}", f"{theory.claim} (Source: {theory.source}.)", theory.spoiler
    if kind == "quote" and (quote := data.quote(ref)):
        return f"{quote.speaker}, to {quote.outlet}", f"“{quote.text}”", quote.spoiler
    return None


def ask_key(refs: Sequence[Ref]) -> str:
    """The argument of an /ask reveal key: a letter and an id per entry."""
    return ",".join(f"{KIND_CODES[kind]}.{ref}" for kind, ref in refs)


def parse_ask_key(argument: str) -> list[Ref] | None:
    refs: list[Ref] = []
    for part in argument.split(","):
        code, _, ref = part.partition(".")
        if code not in CODE_KINDS or not ref:
            return None
        refs.append((CODE_KINDS[code], ref))
    return refs


def fit_refs(refs: Sequence[Ref]) -> list[Ref]:
    """The entries of an /ask answer, dropping related ones until their reveal key fits a custom_id."""
    kept = list(refs)
    while len(kept) > 1 and len(ask_key(kept)) > REVEAL_ARG_LIMIT:
        kept.pop()
    return kept


def ask_answer(
    data: FilmData, refs: Sequence[Ref], question: str | None = None, echo_level: Level = Level.NONE
) -> Answer | None:
    """The best match and its related entries, each with its spoiler level; None if one has gone.

    The question is shown back at ``echo_level``: how much its own words give away (``bot.spoiler_terms``), never the
    level of what it matched, so a harmless question ("what is the song?") reads as typed.
    """
    entries = [entry(data, kind, ref) for kind, ref in refs]
    if not refs or any(e is None for e in entries):
        return None
    found = [e for e in entries if e is not None]
    blocks: list[Block] = []
    if question is not None:
        blocks += [[bold("You asked:"), Segment(shorten(question, ECHO_LIMIT), echo_level)], []]
    for index, ((kind, ref), (heading, text, level)) in enumerate(zip(refs, found, strict=True)):
        label = "Best match" if index == 0 else "Related"
        if index:
            blocks.append([])
        scene = data.moment(ref) if kind == "moment" else None
        at = scene.position if scene is not None else 0  # a moment's text is hidden beyond a reader's progress
        blocks.append([bold(label), Segment(f"(spoiler level: {level.label})")])
        # A fact's question is a name with its own level ("What song plays at the end?" gives nothing away).
        fact = data.fact(ref) if kind == "fact" else None
        heading_level = min(level, fact.topic_spoiler) if fact is not None else level
        heading_segment = Segment(f"**{escape(heading)}**", heading_level, escape=False, moment=at)
        blocks.append([heading_segment, Segment(text, level, moment=at)])
    return Answer(
        title="Your question, answered",
        blocks=blocks,
        footer="Found in the facts this bot holds about the film. Ask another with /ask.",
        reveal_key="ask:" + ask_key(refs),
    )


def no_match_answer(data: FilmData, question: str, near: Sequence[Ref], echo_level: Level = Level.NONE) -> Answer:
    """An honest "I don't know", with questions it can answer: loosely related ones first, never a random fact."""
    spoiler_free = [f for f in data.facts if f.spoiler is Level.NONE]
    picked = [f for kind, ref in near if kind == "fact" and (f := data.fact(ref)) in spoiler_free]
    if len(spoiler_free) >= SUGGESTIONS:
        step = len(spoiler_free) / SUGGESTIONS  # otherwise spread over the range: cast, story, awards...
        picked += [spoiler_free[int(i * step)] for i in range(SUGGESTIONS)]
    examples: list[str] = []
    for fact in [*picked, *spoiler_free]:
        if fact is not None and fact.question not in examples:
            examples.append(fact.question)
    return Answer(
        title="No good match",
        blocks=[
            [bold("You asked:"), Segment(shorten(question, ECHO_LIMIT), echo_level)],
            [],
            [Segment(NOT_KNOWN)],
            [Segment("Questions I can answer include:")],
            *([Segment(f"• {q}")] for q in examples[:SUGGESTIONS]),
        ],
        footer="Try /plot, /character or /ending too.",
    )


def ending_answer(data: FilmData) -> Answer:
    """The ending explained; every sentence at level ENDING, whatever its own level, as the title promises."""
    end = Level.ENDING
    finale = [m for m in data.moments if m.spoiler is Level.ENDING]
    blocks: list[Block] = [[bold("The final scenes")]]
    blocks += [
        [Segment(f"{m.position}. {m.title}:", end, moment=m.position), Segment(m.summary, end, moment=m.position)]
        for m in finale
    ]
    blocks += [[], [bold("Where everyone ends up")]]
    blocks += [[Segment(f"{c.name}:", end), Segment(c.arc[-1].text, end)] for c in data.characters if c.arc]
    blocks += [[], [bold("Interpretations")]]
    blocks += [
        [Segment(f"{t.title}:", end), Segment(t.claim, end), Segment(f"(Source: {t.source}.)", end)]
        for t in data.theories
    ]
    return Answer(
        title="The ending explained",
        blocks=blocks,
        footer="Everything here is at spoiler level ending.",
        reveal_key="ending:all",
        layout=True,
    )
