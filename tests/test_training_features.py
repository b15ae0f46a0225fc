"""Training-corpus readers: SemEval-2025 gold read through the dataset readers, end-exclusive offsets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from narrascope.training.features import read_narrative_articles, read_role_mentions

FIXTURE_RELEASE = Path(__file__).parent / "fixtures" / "semeval2025" / "EN" / "train"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The fixture release under both training-release names the trainers read."""
    for release in ("train_dec4", "train_oct16"):
        shutil.copytree(FIXTURE_RELEASE, tmp_path / "EN" / release)
    return tmp_path


def test_narrative_articles_sorted_with_sorted_labels(corpus: Path) -> None:
    articles = read_narrative_articles(corpus, ["EN", "BG"])  # BG absent: skipped
    assert [a.id for a in articles] == [
        "EN_CC_900003.txt",
        "EN_CC_900004.txt",
        "EN_UA_900001.txt",
        "EN_UA_900002.txt",
    ]
    assert all(a.language == "EN" and a.vectors is None for a in articles)
    assert articles[1].narratives == ["Other"] and articles[1].subnarratives == ["Other"]
    two = articles[3]
    assert two.narratives == sorted(two.narratives) and len(two.narratives) == 2
    assert two.text.startswith("\ufeff")  # stored text, byte-order mark kept
    assert "\r\n" in articles[2].text


def test_narrative_articles_exclude_and_missing_documents(corpus: Path) -> None:
    (corpus / "EN" / "train_dec4" / "raw-documents" / "EN_CC_900003.txt").unlink()
    articles = read_narrative_articles(corpus, ["EN"], exclude_ids={"EN_UA_900001.txt"})
    assert [a.id for a in articles] == ["EN_CC_900004.txt", "EN_UA_900002.txt"]


def test_role_mentions_end_exclusive_and_sorted(corpus: Path) -> None:
    articles, mentions = read_role_mentions(corpus, ["EN"])
    assert list(articles) == ["EN_UA_900001.txt", "EN_UA_900002.txt"]
    assert len(mentions) == 5
    assert mentions == sorted(mentions, key=lambda m: (m.article, m.start, m.end))
    for m in mentions:
        assert articles[m.article].text[m.start : m.end] == m.text
    kyiv = next(m for m in mentions if m.text == "Kyiv")
    assert kyiv.main_role == "Antagonist" and kyiv.fine_roles == ["Conspirator", "Instigator"]


def test_role_mentions_exclude_ids(corpus: Path) -> None:
    articles, mentions = read_role_mentions(corpus, ["EN"], exclude_ids=["EN_UA_900001.txt"])
    assert list(articles) == ["EN_UA_900002.txt"]
    assert {m.article for m in mentions} == {"EN_UA_900002.txt"}


def test_missing_data_folder_gives_empty_corpus(tmp_path: Path) -> None:
    assert read_narrative_articles(tmp_path / "absent", ["EN"]) == []
    assert read_role_mentions(tmp_path / "absent", ["EN"]) == ({}, [])


def test_real_role_mentions_match_their_text(shared_data: Path) -> None:
    articles, mentions = read_role_mentions(shared_data / "semeval2025t10", ["EN", "RU"])
    matches = sum(articles[m.article].text[m.start : m.end] == m.text for m in mentions)
    assert (
        len(mentions) > 400 and matches / len(mentions) > 0.95
    )  # a few organiser offsets are off by one
