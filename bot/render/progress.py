"""What /progress says: a member's own progress and what it lets them read (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Level, Moment, Progress, Watched
from ..progress import WATCHED_NAMES, moment_safe_name
from ..resolve import Resolution
from .answer import Answer, bold
from .errors import could_mean
from .markup import Block, Segment
from .phrases import echo, stamp

WHAT_IS_KEPT = (
    "What is kept: your Discord user id, how far you said you have watched (and the moment, if you gave one) and when "
    "you last changed it, the same in every server and DM. It is kept until you run /progress clear, which deletes it."
)
UNCHANGED = "Answers everyone can read still follow each channel's own spoiler setting."
MOMENT_NEEDS_PART_WAY = "A moment only goes with “part way”: pick “part way” to say how far you have got."
NOTHING_TO_CLEAR = "You have no progress saved, so there was nothing to delete."
CLEARED = "Your progress is deleted. Answers only you see follow each channel's spoiler setting again."


def unresolved_moment(resolution: Resolution[Moment], count: int) -> str:
    """The refusal of a moment typed without the autocomplete: only spoiler-free names are shown back."""
    if resolution.ambiguous:
        names = could_mean([moment_safe_name(m) for m in resolution.could_mean])
        return (
            f"“{echo(resolution.typed)}” matches several moments: {names}. Pick one, or give its number. "
            "Nothing was saved."
        )
    return (
        f"I don't know that moment. Pick one from the list as you type, or give its number (1 to {count}). "
        "Nothing was saved."
    )


def level_meaning(level: Level) -> str:
    return {
        Level.NONE: "the premise only: everything else stays hidden",
        Level.PLOT: "the film's events up to where you are: the ending stays hidden",
        Level.ENDING: "everything, the ending included",
    }[level]


def describe(progress: Progress, moment: Moment | None, count: int) -> str:
    where = WATCHED_NAMES[progress.watched]
    if progress.watched is Watched.PART_WAY:
        where = f"part way, up to {moment_safe_name(moment)} of {count}" if moment else "part way (no moment given)"
    return where


def progress_answer(progress: Progress | None, moment: Moment | None, level: Level | None, count: int) -> Answer:
    """/progress show: what is saved, what it means for answers only this member reads."""
    blocks: list[Block]
    if progress is None or level is None:
        blocks = [
            [Segment("You haven't said how far you have watched.")],
            [Segment("Tell me with /progress set, and answers only you see can show more of the film plainly.")],
        ]
    else:
        blocks = [
            [bold("Watched"), Segment(describe(progress, moment, count))],
            [bold("Saved"), Segment(stamp(progress.updated_at, "R"), escape=False)],
            [bold("Answers only you see show plainly"), Segment(level_meaning(level))],
        ]
        if progress.watched is Watched.PART_WAY and moment is None:
            blocks.append([Segment("Add a moment (/progress set watched: part way moment: …) to see more.")])
    blocks += [[], [Segment(UNCHANGED)], [Segment(WHAT_IS_KEPT)]]
    return Answer(title="Your progress through the film", blocks=blocks, footer="Only you can see this.")


def saved(progress: Progress, moment: Moment | None, level: Level, count: int) -> list[Sequence[Segment]]:
    """The private confirmation after /progress set."""
    return [
        [bold("Saved:"), Segment(f"{describe(progress, moment, count)}.")],
        [Segment(f"Answers only you see now show plainly {level_meaning(level)}. {UNCHANGED}")],
        [Segment("Delete it any time with /progress clear.")],
    ]
