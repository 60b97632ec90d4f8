"""Every quote in the facts file is Andrew Haigh's own words, verbatim from the seed articles, with its outlet."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.facts import load_facts
from bot.models import Quote
from bot.settings import DEFAULT_FACTS

# CI checks out ../shared beside the clone; the seed articles are the only source the quotes may come from.
SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
OUTLETS = {"RogerEbert.com", "Time"}
ELISION = " … "  # where a quote leaves words out of the article's text


def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.fail(f"the seed articles are missing: expected the folder {SEEDS} (../shared/seeds beside the clone)")
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
