"""A theory poll as a Components V2 layout (pure): one section per theory with its vote button beside it.

Each option's text follows the channel's policy (a title above the level is wrapped in its own spoiler bar, or left
out in the private style), so a member who opens a bar sees the number of the button right beside it. Ten options,
their counts, the heading, the closing line, a chart, the footer and a "Reveal to me" row stay within V2's 40
components.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..component_ids import reveal_id, vote_id, withdraw_id
from ..models import Policy, Poll
from ..polls import bar, leaders, option_name, percent
from .layout import ActionRow, ButtonSpec, Container, Item, Layout, Picture, Section, Separator, TextDisplay, pack
from .limits import inline
from .markup import Segment, needs_reveal, raw
from .phrases import plural, stamp
from .theories import poll_footer, poll_title, visible_counts

WITHDRAW_LABEL = "Withdraw my vote"
INSTRUCTIONS = "Which reading of the film convinces you most? Press the number beside a theory to vote."
OPTION_TEXT_LIMIT = 300


def option_text(poll: Poll, index: int, votes: list[int] | None, winners: set[int], policy: Policy) -> str:
    option = poll.options[index]
    mark = " \N{TROPHY}" if index in winners else ""
    line = inline([[raw(f"**{option.position}.**{mark}"), option_name(option).segment()]], policy)
    if votes is not None:
        total = sum(votes)
        line += f"\n`{bar(votes[index], total)}` {plural(votes[index], 'vote')} · {percent(votes[index], total)}"
    return line[:OPTION_TEXT_LIMIT]


def closing_text(poll: Poll, votes: list[int] | None) -> str:
    if poll.closed_at is not None:
        lines = []
        if votes is not None:
            lines.append(f"{plural(sum(votes), 'member')} voted." if sum(votes) else "Nobody voted in this poll.")
        lines.append(f"Closed {stamp(poll.closed_at)}.")
        return "\n".join(lines)
    how = "Results are hidden until it closes." if poll.hidden else "Results update as people vote."
    return (
        f"Closes {stamp(poll.closes_at, 'R')} ({stamp(poll.closes_at)}). {how}\n"
        f"One vote each: press another number to move your vote, or {WITHDRAW_LABEL} to take it back."
    )


def poll_layout(poll: Poll, counts: Mapping[int, int], policy: Policy, picture: Picture | None = None) -> Layout:
    """The poll message: buttons disabled once closed (the winners green), "Reveal to me" where text is left out,
    and the results chart (a closed poll's ``picture``, attached to the same message) below the closing line."""
    shown = visible_counts(poll, counts)
    votes = [shown.get(o.position, 0) for o in poll.options] if shown is not None else None
    all_votes = [counts.get(o.position, 0) for o in poll.options]
    winners = set(leaders(votes)) if votes is not None and poll.closed else set()
    won = set(leaders(all_votes)) if poll.closed else set()
    children: list[Section | TextDisplay | Separator | Picture] = []
    if not poll.closed:
        children.append(TextDisplay(INSTRUCTIONS))
    for index, option in enumerate(poll.options):
        style = "primary"
        if poll.closed:
            style = "success" if index in won else "secondary"
        button = ButtonSpec(vote_id(poll.id, option.position), str(option.position), style, disabled=poll.closed)
        children.append(Section((option_text(poll, index, votes, winners, policy),), button))
    children += [Separator(), TextDisplay(closing_text(poll, votes))]
    if picture is not None:
        children.append(picture)
    segments = [Segment(o.title, o.spoiler) for o in poll.options]
    buttons: list[ButtonSpec] = []
    if not poll.closed:
        buttons.append(ButtonSpec(withdraw_id(poll.id), WITHDRAW_LABEL, "secondary"))
    if needs_reveal(segments, policy):
        buttons.append(ButtonSpec(reveal_id(f"poll:{poll.id}"), "Reveal to me", emoji="\N{EYE}"))
    tail: tuple[Item, ...] = (ActionRow(tuple(buttons)),) if buttons else ()
    (layout,) = pack(poll_title(poll), [Container(tuple(children))], poll_footer(poll), tail=tail)
    return layout
