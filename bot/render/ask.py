"""What /ask says for each verdict of the matcher: an answer, "not sure, did you mean", or an honest "I don't know".

Pure: takes the facts and the matcher's verdict, returns an ``Answer`` (and whether it answered the question).
Suggested questions carry the spoiler level of what they name (a fact's topic, a moment's title), so the channel's
policy hides any that give something away; only spoiler-free facts are offered when nothing fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ask import Confidence, Ref, Verdict
from ..models import FilmData, Level
from ..names import moment_name
from .answer import Answer, bold
from .film import ask_answer, fit_refs, no_match_answer
from .limits import shorten
from .markup import Segment

ECHO_LIMIT = 150  # as film.ECHO_LIMIT: a question shown back is cut to this before escaping
UNSURE_TITLE = "Not sure what you mean"
UNSURE_LINE = "I'm not sure which of these you mean, so I won't guess. Did you mean:"
UNSURE_FOOTER = "Ask again with /ask, in these words or your own."


def suggestion(data: FilmData, ref: Ref) -> Segment | None:
    """A question that leads to an entry, at the level of what the question itself names (a fact's topic, a moment's
    title), with its spoiler-free form where the title cannot be shown."""
    kind, ident = ref
    if kind == "fact" and (fact := data.fact(ident)):
        return Segment(fact.question, fact.topic_spoiler)
    if kind == "character" and (character := data.character(ident)):
        return Segment(f"Who is {character.name}?")  # names of characters give nothing away
    if kind == "moment" and (moment := data.moment(ident)):
        name = moment_name(moment)
        return Segment(f"What happens in “{moment.title}”?", name.level, safe=f"What happens in {name.safe}?")
    return None


def unsure_answer(data: FilmData, question: str, refs: Sequence[Ref], echo_level: Level = Level.NONE) -> Answer | None:
    """Two or three questions the facts can answer, closest first; None if none of them is known any more.

    The question is shown back at ``echo_level``, how much its own words give away (``bot.spoiler_terms``); each
    suggestion at its own level, so the channel's policy hides any that would give something away.
    """
    offered = [s for ref in refs if (s := suggestion(data, ref)) is not None]
    if not offered:
        return None
    return Answer(
        title=UNSURE_TITLE,
        blocks=[
            [bold("You asked:"), Segment(shorten(question, ECHO_LIMIT), echo_level)],
            [],
            [Segment(UNSURE_LINE)],
            *([Segment("•"), s] for s in offered),
        ],
        footer=UNSURE_FOOTER,
    )


def reply(data: FilmData, question: str, verdict: Verdict, echo_level: Level = Level.NONE) -> tuple[Answer, bool]:
    """/ask's answer for a verdict, and whether it answers the question (sure answers are public, the rest private).

    ``echo_level`` is how much the question's own words give away: it is shown back at that level in every answer.
    """
    if verdict.confidence is Confidence.SURE:
        answer = ask_answer(data, fit_refs(verdict.refs), question, echo_level)
        if answer is not None:
            return answer, True
    if verdict.confidence is not Confidence.UNKNOWN:
        unsure = unsure_answer(data, question, verdict.refs, echo_level)
        if unsure is not None:
            return unsure, False
    return no_match_answer(data, question, verdict.refs, echo_level), False
