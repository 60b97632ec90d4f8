"""Every quote in the facts file is Andrew Haigh's own words, verbatim from the seed articles, with its outlet."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bot.facts import load_facts
from bot.models import Quote
from bot.settings import DEFAULT_FACTS

# The seed articles are the only source the quotes may come from. They are not part of the repository: they sit in
# ../shared/seeds beside the clone where the project is worked on, and CI checks them out there.
SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
MISSING = f"the seed articles are not beside this clone (expected {SEEDS}, i.e. ../shared/seeds)"
OUTLETS = {"RogerEbert.com", "Time"}
ELISION = " … "  # where a quote leaves words out of the article's text


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def seed_texts() -> dict[str, str]:
    """The articles by file name; a plain clone skips the check, CI (CI=true) fails without them."""
    if not SEEDS.is_dir():
        if in_ci():
            pytest.fail(f"{MISSING}; CI must provide them")
        pytest.skip(MISSING)
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    if not texts:
        pytest.fail(f"the seed folder {SEEDS} holds no .txt articles")
    return texts


QUOTES = load_facts(DEFAULT_FACTS).data.quotes


def test_the_articles_quotes_are_all_there() -> None:
    assert len(QUOTES) >= 4, "the seed articles quote Haigh four times (RogerEbert.com three, Time once)"


@pytest.mark.parametrize("quote", QUOTES, ids=lambda q: q.id)
def test_quote_is_verbatim_from_a_seed_article(quote: Quote) -> None:
    texts = seed_texts()
    for part in quote.text.split(ELISION):
        assert part.strip() == part and part, f"{quote.id}: an elision ' … ' leaves an empty or padded part"
        sources = [name for name, text in texts.items() if part in text]
        assert sources, f"{quote.id}: this part is not word for word in any seed article: {part!r}"


@pytest.mark.parametrize("quote", QUOTES, ids=lambda q: q.id)
def test_quote_speaker_and_outlet(quote: Quote) -> None:
    assert quote.speaker == "Andrew Haigh", f"{quote.id}: speaker is {quote.speaker!r}"
    assert quote.outlet in OUTLETS, f"{quote.id}: outlet {quote.outlet!r} is not one of {sorted(OUTLETS)}"


@pytest.mark.parametrize(("ci", "outcome"), [("true", "failed"), ("", "skipped")])
def test_missing_articles_skip_a_plain_clone_and_fail_in_ci(
    ci: str, outcome: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(sys.modules[__name__], "SEEDS", tmp_path / "absent")
    raised = pytest.fail.Exception if outcome == "failed" else pytest.skip.Exception
    with pytest.raises(raised, match="not beside this clone"):
        seed_texts()
