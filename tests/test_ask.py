"""The /ask matcher (pure): the lexicon, typo mending, stems, confidence, related entries and hostile text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ask import Asker, Confidence, LexiconError, build_asker, load_lexicon, tokens
from bot.facts import load_facts
from bot.models import FilmData, Level
from bot.render.ask import reply, unsure_answer
from bot.render.film import NOT_KNOWN
from bot.settings import DEFAULT_FACTS


@cache
def film() -> FilmData:
    return load_facts(DEFAULT_FACTS).data


@cache
def asker() -> Asker:
    loaded = load_facts(DEFAULT_FACTS)
    return build_asker(loaded.data, loaded.phrasings)


def best(question: str) -> tuple[str, str] | None:
    verdict = asker().ask(question)
    return verdict.best if verdict.confidence is Confidence.SURE else None


# ---------------------------------------------------------------- words


def test_mentions_emoji_and_links_are_not_words() -> None:
    typed = "@everyone who plays harry <@123> <@&1> <#55> <:pog:123> <a:x:9> </ask:123> https://x.y/z?q=1"
    assert tokens(typed) == ["who", "plays", "harry"]
    assert tokens("What’s Harry's song?") == ["whats", "harrys", "song"]


def test_longing_is_not_long() -> None:
    a = asker()
    assert a.terms("longing") != a.terms("long")
    assert best("how long is the movie") is None  # the running time is not in the facts; Haigh's longing is no answer


def test_phrases_and_slang_become_the_facts_words() -> None:
    a = asker()
    assert a.terms("is it an lgbt film") == a.terms("gay queer film")
    assert a.terms("do they do ket") == a.terms("ketamine")
    assert "1980s" in a.words("what decade are they stuck in")
    assert a.terms("what killed harry") == a.terms("what died harry")
    assert a.words("whats it about, no spoilers pls") == ["about"]


def test_typos_are_mended_against_the_facts_own_words() -> None:
    a = asker()
    assert a.mend("sogn") == "song"  # swapped letters
    assert a.mend("nominatons") == "nominations"
    assert a.mend("ketamin") == "ketamine"
    assert a.mend("weather") is None  # not "father": a different first letter is not a typo we mend
    assert a.mend("cup") is None  # too short to mend at all


def test_misspelt_filler_is_dropped_like_filler() -> None:
    a = asker()
    assert a.terms("who plays the main charcter") == a.terms("who plays the main")
    assert "tall" in a.words("how tall is he")  # short words are never taken for filler


def test_actor_names_stand_for_their_characters() -> None:
    harrys_death = {("fact", "what-happened-to-harry"), ("fact", "was-harry-dead-all-along")}
    assert best("does paul mescal die in it") in harrys_death
    assert best("is that paul mescal") == ("fact", "who-plays-harry")


# ---------------------------------------------------------------- answers and confidence


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how long is the movie", None),
        ("what year did the movie come out", ("fact", "film-year")),
        ("whats the film about, no spoilers pls", ("fact", "what-is-it-about")),
        ("what decade are his parents stuck in", ("fact", "why-are-the-parents-young")),
        ("the club scene, do they do ket?", ("fact", "the-club")),
        ("whats the diner scene abt", ("fact", "the-diner")),
        ("what killed harry", ("fact", "what-happened-to-harry")),
        ("who plays harry", ("fact", "who-plays-harry")),
        ("who is harry", ("character", "harry")),
        ("who won the 1998 world cup", None),
        ("what is the budget", None),
        ("where was it filmed", None),
    ],
)
def test_the_issues_examples(question: str, expected: tuple[str, str] | None) -> None:
    assert best(question) == expected


def test_a_rare_word_the_facts_never_use_is_no_answer() -> None:
    verdict = asker().ask("who directed aftersun")
    assert verdict.confidence is not Confidence.SURE  # Haigh directed this film, not Aftersun
    assert asker().ask("who directed it").confidence is Confidence.SURE


def test_related_entries_are_on_the_answers_topic() -> None:
    verdict = asker().ask("what killed harry")
    assert verdict.confidence is Confidence.SURE
    assert ("fact", "how-parents-died") not in verdict.refs  # a death, but not Harry's
    assert len(verdict.refs) <= 3
    # who plays Adam or his mum is not about Harry: no related entry rather than an off-topic one
    assert asker().ask("who plays harry").refs == (("fact", "who-plays-harry"),)


def test_every_facts_own_question_finds_that_fact() -> None:
    """The questions /ask suggests ("did you mean", "questions I can answer") must themselves be answered."""
    misses = [(f.question, asker().ask(f.question)) for f in film().facts if best(f.question) != ("fact", f.id)]
    assert misses == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_verdict(question: str) -> None:
    verdict = asker().ask(question)
    assert len(verdict.refs) == len(verdict.scores) <= 3
    assert (verdict.confidence is Confidence.UNKNOWN) == (not verdict.refs)


# ---------------------------------------------------------------- what members read


def test_unsure_answers_offer_questions_each_at_its_own_spoiler_level() -> None:
    data = film()
    refs = [("fact", "was-harry-dead-all-along"), ("fact", "who-plays-harry")]
    answer = unsure_answer(data, "harry ghost?", refs, Level.ENDING)
    assert answer is not None and answer.reveal_key is None
    segments = answer.segments()
    ghost = next(s for s in segments if s.text == data.fact("was-harry-dead-all-along").question)
    plays = next(s for s in segments if s.text == data.fact("who-plays-harry").question)
    assert ghost.level is Level.ENDING and plays.level is Level.NONE
    assert next(s for s in segments if s.text == "harry ghost?").level is Level.ENDING  # echoed as the caller judged
    moment = unsure_answer(data, "q", [("moment", "the-diner"), ("moment", "the-power-of-love")])
    assert moment is not None
    diner = next(s for s in moment.segments() if "“The diner”" in s.text)
    song = next(s for s in moment.segments() if "“The Power of Love”" in s.text)
    assert diner.level is Level.NONE  # a spoiler-free title, shown anywhere
    assert song.level is Level.ENDING and song.safe == "What happens in Moment 20 (ending)?"  # its own level


def test_reply_for_each_verdict() -> None:
    data, a = film(), asker()
    answer, found = reply(data, "who plays harry", a.ask("who plays harry"))
    assert found and answer.reveal_key == "ask:f.who-plays-harry"
    answer, found = reply(data, "who won the 1998 world cup", a.ask("who won the 1998 world cup"))
    assert not found and any(s.text == NOT_KNOWN for s in answer.segments())
    answer, found = reply(data, "who directed aftersun", a.ask("who directed aftersun"))
    assert not found and answer.title == "Not sure what you mean"


# ---------------------------------------------------------------- the lexicon file


def test_the_packaged_lexicon_loads() -> None:
    lexicon = load_lexicon()
    assert "who" in lexicon.light and "pls" in lexicon.filler and lexicon.synonyms["ket"] == ("ketamine",)
    assert lexicon.phrases[("how", "long")] == ("runtime",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[words]\nfiller = 3\n", "[words] filler must be a list"),
        ('[synonyms]\n"two words" = "x"\n', "maps single words"),
        ('[phrases]\n"!!" = "x"\n', "no words"),
        ("[synonyms\n", "not valid UTF-8 TOML"),
        ('[words]\nfiller = ["ket"]\n[synonyms]\nket = "ketamine"\n', "ket: both filler and a synonym"),
    ],
)
def test_a_broken_lexicon_is_named_with_its_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lexicon\.toml: .*" + problem.replace("[", r"\[").replace("]", r"\]")):
        load_lexicon(path)


def test_a_missing_lexicon_is_named(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot be read"):
        load_lexicon(tmp_path / "missing.toml")
