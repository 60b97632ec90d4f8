"""What /ask says for each verdict of the matcher: an answer, "not sure, did you mean", or an honest "I don't know".

Pure: takes the facts and the matcher's verdict, returns an ``Answer`` (and whether it answered the question).
Suggested questions carry the spoiler level of what they lead to, so the channel's policy hides any that give
something away; only spoiler-free facts are offered when nothing fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ask import Confidence, Ref, Verdict
from ..models import FilmData, Level
from .answer import Answer, bold
from .film import ask_answer, fit_refs, no_match_answer
from .limits import shorten
from .markup import Segment

ECHO_LIMIT = 150  # as film.ECHO_LIMIT: a question shown back is cut to this before escaping
UNSURE_TITLE = "Not sure what you mean"
UNSURE_LINE = "I'm not sure which of these you mean, so I won't guess. Did you mean:"
UNSURE_FOOTER = "Ask again with /ask, in these words or your own."


def suggestion(data: FilmData, ref: Ref) -> tuple[str, Level, int] | None:
    """A question that leads to an entry, its spoiler level and (for a moment) its position in the film."""
    kind, ident = ref
    if kind == "fact" and (fact := data.fact(ident)):
        return fact.question, fact.spoiler, 0
    if kind == "character" and (character := data.character(ident)):
        return f"Who is {character.name}?", Level.NONE, 0
    if kind == "moment" and (moment := data.moment(ident)):
        # Moment titles are spoiler-free by the facts file's rule; the moment's text is what carries its level.
        return f"What happens in “{moment.title}”?", Level.NONE, 0
    return None


def unsure_answer(data: FilmData, question: str, refs: Sequence[Ref]) -> Answer | None:
    """Two or three questions the facts can answer, closest first; None if none of them is known any more."""
    offered = [s for ref in refs if (s := suggestion(data, ref)) is not None]
    if not offered:
        return None
    echo_level = max(level for _, level, _ in offered)  # the question may give away as much as what it is near
    return Answer(
        title=UNSURE_TITLE,
        blocks=[
            [bold("You asked:"), Segment(shorten(question, ECHO_LIMIT), echo_level)],
            [],
            [Segment(UNSURE_LINE)],
            *([Segment("•"), Segment(text, level, moment=at)] for text, level, at in offered),
        ],
        footer=UNSURE_FOOTER,
    )


def reply(data: FilmData, question: str, verdict: Verdict) -> tuple[Answer, bool]:
    """/ask's answer for a verdict, and whether it answers the question (sure answers are public, the rest private)."""
    if verdict.confidence is Confidence.SURE:
        answer = ask_answer(data, fit_refs(verdict.refs), question)
        if answer is not None:
            return answer, True
    if verdict.confidence is not Confidence.UNKNOWN:
        unsure = unsure_answer(data, question, verdict.refs)
        if unsure is not None:
            return unsure, False
    return no_match_answer(data, question, verdict.refs), False
