"""Word tokens that keep combining marks: whole Hindi words, the default's tokens elsewhere."""

from __future__ import annotations

import random
import re

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from narrascope.text.tokens import mark_ranges, token_pattern, word_tokens

HINDI = "भारत ने रूस से हथियार खरीदे"

ENGLISH = [
    "Russia's forces shelled Kharkiv on 12 March 2024; NATO (and the U.S.) condemned it.",
    "The so-called 'special military operation' isn't over — Zelensky said, per_cent 3.5%.",
    "CO2 levels: 420ppm, up from 280 ppm pre-industrial… “Alarmist” claims, e-mail & co-op.",
]


def default_tokens(text: str) -> list[str]:
    """What scikit-learn's default word tokenizer finds (lowercased, as the vectorizer does)."""
    vectorizer = TfidfVectorizer()
    return vectorizer.build_tokenizer()(vectorizer.build_preprocessor()(text))


def test_the_default_pattern_breaks_hindi_words_and_ours_keeps_them():
    assert default_tokens(HINDI) == ["रत", "हथ", "खर"]  # the defect: vowel signs split words
    assert word_tokens(HINDI) == ["भारत", "ने", "रूस", "से", "हथियार", "खरीदे"]
    # virama (क्), nukta (ज़), anusvara (ं), chandrabindu (ँ) and the danda as a separator
    assert word_tokens("अमेरिका ने प्रतिबंधों की घोषणा की। ज़मीन पर हमले जारी हैं।") == [
        "अमेरिका",
        "ने",
        "प्रतिबंधों",
        "की",
        "घोषणा",
        "की",
        "ज़मीन",
        "पर",
        "हमले",
        "जारी",
        "हैं",
    ]
    assert word_tokens("क्‍या") == ["क्‍या"]  # a zero-width joiner inside a word stays


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Россия и Украина: переговоры в Стамбуле",
            ["Россия", "Украина", "переговоры", "Стамбуле"],
        ),
        ("Украйната и България, НАТО ѝ помага", ["Украйната", "България", "НАТО", "помага"]),
        (
            "As sanções não funcionam, diz a União Europeia",
            ["As", "sanções", "não", "funcionam", "diz", "União", "Europeia"],
        ),  # fmt: skip
    ],
)
def test_cyrillic_and_portuguese_words_are_whole_and_as_before(text, expected):
    assert word_tokens(text) == expected
    assert word_tokens(text.lower()) == default_tokens(text)


def test_a_decomposed_accent_stays_inside_its_word():
    # Russian stress marks and decomposed Portuguese accents are combining marks too
    assert word_tokens("Росси\u0301я") == ["Росси\u0301я"]
    assert word_tokens("Росси\u0301я", "sklearn") == ["Росси"]  # "я" alone is too short
    assert word_tokens("na\u0303o") == ["na\u0303o"]


def test_english_tokens_are_exactly_the_default_ones():
    for text in ENGLISH:
        assert word_tokens(text.lower()) == default_tokens(text)
        assert word_tokens(text) == word_tokens(text, "sklearn")
    # a fitted vectorizer: same vocabulary and same matrix with either pattern
    ours = TfidfVectorizer(ngram_range=(1, 2), token_pattern=token_pattern("marks")).fit(ENGLISH)
    theirs = TfidfVectorizer(ngram_range=(1, 2)).fit(ENGLISH)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert (ours.transform(ENGLISH) != theirs.transform(ENGLISH)).nnz == 0


def test_without_marks_the_tokens_equal_the_default_on_random_text():
    alphabet = (
        "ab Z_09.,-'’\n\tжЖё漢—é" + "\u00ad"
    )  # letters, digits, punctuation, CJK, soft hyphen
    rng = random.Random(0)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert word_tokens(text) == re.findall(r"(?u)\b\w\w+\b", text), repr(text)


def test_the_mark_ranges_cover_every_plane():
    assert mark_ranges() == mark_ranges(tuple(range(17)))
    for mark in ("\u093f", "\u094d", "\u0902", "\u0301", "\u20dd"):  # Mn, Mn, Mn, Mn, Me
        assert re.fullmatch(f"[{mark_ranges()}]", mark)
    assert not re.search(f"[{mark_ranges()}]", "abcЖ漢।")


def test_unknown_pattern_names_are_refused():
    with pytest.raises(ValueError, match="tokens must be one of"):
        token_pattern("words")


def test_on_the_training_data_only_hindi_tokens_change(shared_data):
    from narrascope.training.features import read_narrative_articles, task_folder

    articles = read_narrative_articles(task_folder(shared_data), ("EN", "RU", "BG", "PT", "HI"))
    changed: dict[str, int] = {}
    total: dict[str, int] = {}
    for article in articles:
        text = article.text.lower()
        total[article.language] = total.get(article.language, 0) + 1
        if word_tokens(text) != word_tokens(text, "sklearn"):
            changed[article.language] = changed.get(article.language, 0) + 1
    assert set(total) == {"EN", "RU", "BG", "PT", "HI"}
    assert changed == {"HI": total["HI"]}  # English, Cyrillic and Portuguese: not one article


# Two topics whose words the default pattern reduces to the same tokens ('हथ', 'खर', 'सम'):
# news of weapons bought, and a broken hammer in bad weather.
WEAPONS = "हथियार खरीदे समाचार"
HAMMER = "हथौड़ा खराब मौसम"


def hindi_articles(count: int = 30):  # type: ignore[no-untyped-def]
    from narrascope.taxonomies import load_taxonomy
    from narrascope.training.features import Article

    taxonomy = load_taxonomy("semeval2025")
    sub = next(
        s for s in taxonomy.subnarratives if taxonomy.domain(s) == "URW" and "Other" not in s
    )
    articles = []
    for i in range(count):
        weapons = i % 2 == 0
        words = WEAPONS if weapons else HAMMER
        text = f"शीर्षक {i}\n\n" + " ".join([words] * 4) + f" अनुच्छेद {i}।\n\nऔर {words}।"
        narratives = [taxonomy.parent(sub)] if weapons else []
        articles.append(Article(f"HI-{i}.txt", "HI", text, narratives, [sub] if weapons else []))
    return taxonomy, sub, articles


def test_the_word_tfidf_baseline_both_ways_on_hindi(monkeypatch, tmp_path):
    from narrascope.training import narratives_lang

    _, _, articles = hindi_articles()
    monkeypatch.setattr(narratives_lang, "read_narrative_articles", lambda folder, langs: articles)
    monkeypatch.setattr(narratives_lang, "task_folder", lambda data: tmp_path)
    row = narratives_lang.baselines(tmp_path, "HI", folds=3)
    assert row["tfidf_fine"] == pytest.approx(1.0)  # whole words tell the topics apart
    # the default pattern sees the same three tokens in both topics: one answer for all
    assert row["tfidf_sklearn_fine"] <= 0.5
    assert row["other_fine"] == pytest.approx(0.5, abs=0.1)


def test_a_hindi_model_keeps_whole_words_from_training_to_analysis(tmp_path):
    import numpy as np

    from narrascope.analyzers.narratives import decide_rule
    from narrascope.analyzers.narratives_lang import PACKAGED, LanguageNarrativeModel, analyse
    from narrascope.analyzers.segmentation import Segmentation
    from narrascope.pipeline import document_from_text
    from narrascope.training.narratives import trained_labels
    from narrascope.training.narratives_lang import DEFAULTS, fit_model, write_model

    taxonomy, sub, articles = hindi_articles()
    labels = trained_labels(taxonomy)
    options = {**DEFAULTS, "pooled": False, "max_words": 60, "max_chars": 80}
    assert options["tokens"] == "marks"
    model = fit_model(articles, np.arange(len(articles)), labels, "HI", options)
    assert {"हथियार", "हथौड़ा", "हथियार खरीदे"} <= set(model["words"].vocabulary_)
    assert "हथ" not in model["words"].vocabulary_
    folder = write_model(tmp_path / "hi", model, labels, "HI", options, {"HI": 30})
    loaded = LanguageNarrativeModel(folder)
    assert loaded.tokens == "marks"
    assert loaded.words.build_analyzer()("भारत ने हथियार खरीदे") == [
        "भारत", "ने", "हथियार", "खरीदे", "भारत ने", "ने हथियार", "हथियार खरीदे",
    ]  # fmt: skip
    # the loaded model scores as the trained one
    texts = [a.text for a in articles[:4]]
    trained = narratives_lang_probs(model, texts, labels)
    assert np.abs(loaded.probabilities(texts) - trained).max() < 0.01

    doc = document_from_text(f"समाचार\n\nभारत ने {WEAPONS} किया।\n\nदूसरा अनुच्छेद {WEAPONS}।")
    Segmentation().process([doc])
    layer = analyse(doc, loaded, taxonomy, decide_rule)
    assert [n.label for n in layer.subnarratives] == [sub]
    assert layer.subnarratives[0].evidence and doc.check_offsets() == []

    # models saved before the option existed keep scikit-learn's pattern
    old = LanguageNarrativeModel(PACKAGED / "bg")
    assert old.tokens == "sklearn"
    assert old.words.token_pattern == r"(?u)\b\w\w+\b"


def narratives_lang_probs(model, texts, labels):  # type: ignore[no-untyped-def]
    from narrascope.training.narratives import predict
    from narrascope.training.narratives_lang import model_features

    return predict(model_features(model, texts, None), model["coef"], model["intercept"])


def test_the_harness_tfidf_baseline_reads_whole_hindi_words(monkeypatch, tmp_path):
    import sklearn.feature_extraction.text as sklearn_text

    from narrascope.evaluation import harness

    patterns = []
    real = sklearn_text.TfidfVectorizer

    class Spy(real):  # type: ignore[misc, valid-type]
        def fit_transform(self, raw_documents, y=None):  # type: ignore[no-untyped-def]
            patterns.append(self.token_pattern)
            return super().fit_transform(raw_documents, y)

    monkeypatch.setattr(sklearn_text, "TfidfVectorizer", Spy)
    fixtures = __import__("pathlib").Path(__file__).parent / "fixtures" / "semeval2025"
    harness.cross_validate(
        "semeval2025", fixtures, "train", tmp_path, k=2, lang="EN", systems=("tfidf-logreg",)
    )
    assert patterns and set(patterns) == {token_pattern("marks")}
