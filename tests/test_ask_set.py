"""The /ask evaluation set (issue 13): its split is the recorded one, its halves partition it, its answers exist.

tests/data/ask_set.toml is the full set; tests/data/split_ask_set.py splits it with a fixed seed into ask_tune.toml
(tune on it) and ask_held_out.toml (report on it). These checks keep the three files honest with one another.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
FILM = Path(__file__).parents[1] / "data" / "film.toml"
FILM_YEAR = "film-year"  # the film card's year; /ask gets a fact for it, and until then it is the one id allowed


def load_splitter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("split_ask_set", DATA / "split_ask_set.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name: str) -> dict[str, Any]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def answerable(data: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return [(entry["q"], tuple(entry["expect"])) for entry in data["questions"]]


def unanswerable(data: dict[str, Any]) -> list[str]:
    return [entry["q"] for entry in data["unanswerable"]]


def normalised(question: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", question.lower()).split())


def known_ids() -> set[str]:
    film = tomllib.loads(FILM.read_text(encoding="utf-8"))
    ids = {fact["id"] for fact in film["facts"]}
    ids |= {f"character:{character['id']}" for character in film["characters"]}
    ids |= {f"moment:{moment['id']}" for moment in film["moments"]}
    return ids


def test_the_split_files_are_what_the_script_makes_from_the_set() -> None:
    splitter = load_splitter()
    tune, held_out = splitter.split((DATA / "ask_set.toml").read_text(encoding="utf-8"))
    assert (DATA / "ask_tune.toml").read_text(encoding="utf-8") == tune
    assert (DATA / "ask_held_out.toml").read_text(encoding="utf-8") == held_out
    for text in (tune, held_out):
        assert f"SEED = {splitter.SEED}" in text.splitlines()[1]
        assert "tests/data/ask_set.toml" in text.splitlines()[1]


def test_the_split_does_not_depend_on_anything_but_the_seed() -> None:
    text = (DATA / "ask_set.toml").read_text(encoding="utf-8")
    assert load_splitter().split(text) == load_splitter().split(text)


@pytest.mark.parametrize("kind", ["questions", "unanswerable"])
def test_the_halves_are_disjoint_and_cover_the_set(kind: str) -> None:
    pick = answerable if kind == "questions" else unanswerable
    whole, tune, held_out = pick(read("ask_set.toml")), pick(read("ask_tune.toml")), pick(read("ask_held_out.toml"))
    assert len(set(whole)) == len(whole), "a question appears twice in the set"
    assert not set(tune) & set(held_out)
    assert sorted(tune + held_out) == sorted(whole)
    assert abs(len(tune) - len(held_out)) <= 1


def test_no_question_is_asked_twice_even_in_other_words_of_case_or_punctuation() -> None:
    data = read("ask_set.toml")
    questions = [q for q, _ in answerable(data)] + unanswerable(data)
    seen: dict[str, str] = {}
    for question in questions:
        key = normalised(question)
        assert key not in seen, f"{question!r} repeats {seen[key]!r}"
        seen[key] = question


def test_the_set_shares_no_question_with_the_set_the_search_was_tuned_on() -> None:
    tuned_on = read("ask_questions.toml")
    old = {normalised(entry["q"]) for kind in ("questions", "unanswerable") for entry in tuned_on.get(kind, [])}
    data = read("ask_set.toml")
    shared = [q for q in [q for q, _ in answerable(data)] + unanswerable(data) if normalised(q) in old]
    assert not shared


def test_every_expected_answer_exists_in_the_facts_file() -> None:
    ids = known_ids()
    unknown = {
        expected
        for _, expect in answerable(read("ask_set.toml"))
        for expected in expect
        if expected not in ids and expected != FILM_YEAR
    }
    assert not unknown
    for _, expect in answerable(read("ask_set.toml")):
        assert expect, "an answerable question without an expected answer"
        assert len(set(expect)) == len(expect)


def test_the_set_is_big_enough() -> None:
    data = read("ask_set.toml")
    assert len(answerable(data)) >= 250
    assert len(unanswerable(data)) >= 60


def test_every_fact_and_the_year_are_asked_about_in_both_halves() -> None:
    film = tomllib.loads(FILM.read_text(encoding="utf-8"))
    wanted = {fact["id"] for fact in film["facts"]} | {FILM_YEAR}
    for name in ("ask_tune.toml", "ask_held_out.toml"):
        covered = {expected for _, expect in answerable(read(name)) for expected in expect}
        assert not wanted - covered, f"{name} never asks about {sorted(wanted - covered)}"
