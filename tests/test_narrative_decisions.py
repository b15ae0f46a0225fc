"""Decision rules of the per-language narrative models: the rule a model names, and the rule the
trainer chooses by inner cross-validation on the training articles alone."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.analyzers.narratives import decide_ranked, decide_rule
from narrascope.taxonomies import load_taxonomy
from russian_corpus import topic_articles


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy("semeval2025")


def _urw_sub(taxonomy) -> str:
    return next(
        s for s in taxonomy.subnarratives if taxonomy.domain(s) == "URW" and "Other" not in s
    )


def test_the_ranked_rule_is_the_english_models_ranked_decision(taxonomy):
    sub = _urw_sub(taxonomy)
    scores = {sub: 0.4, taxonomy.parent(sub): 0.3, "Other": 0.2}
    rule = {"rule": "ranked", "other_gate": 0.5, "relative": 0.5}
    assert decide_rule(taxonomy, scores, rule) == decide_ranked(taxonomy, scores, 0.5, 0.5)
    assert set(decide_rule(taxonomy, scores, rule).subnarratives) == {sub}


def test_the_threshold_rule_answers_other_when_no_label_reaches_it(taxonomy):
    sub = _urw_sub(taxonomy)
    parent = taxonomy.parent(sub)
    scores = {sub: 0.4, parent: 0.3, "Other": 0.2}
    # the ranked rule keeps the best subnarrative however low; one threshold of 0.5 does not
    low = decide_rule(taxonomy, scores, {"rule": "threshold", "threshold": 0.5})
    assert low.narratives.keys() == {"Other"} and low.subnarratives.keys() == {"Other"}
    kept = decide_rule(taxonomy, scores, {"rule": "threshold", "threshold": 0.35})
    assert set(kept.subnarratives) == {sub} and set(kept.narratives) == {parent}
    # a narrative above threshold with none of its subnarratives gets "<narrative>: Other"
    alone = decide_rule(taxonomy, {parent: 0.6}, {"rule": "threshold", "threshold": 0.5})
    assert set(alone.subnarratives) == {f"{parent}: Other"}
    with pytest.raises(ValueError):
        decide_rule(taxonomy, scores, {"rule": "vote"})


def _options(**extra):
    from narrascope.training.narratives_lang import DEFAULTS

    return {**DEFAULTS, "pooled": False, "max_words": 60, "max_chars": 80, **extra}


def test_the_inner_cv_picks_the_rule_that_scores_best_wherever_it_sits_in_the_grid(
    taxonomy, monkeypatch
):
    from narrascope.training import narratives_lang
    from narrascope.training.narratives import trained_labels

    articles, sub = topic_articles(taxonomy)  # a third carry `sub`, two thirds are "Other"
    labels = trained_labels(taxonomy)
    always_other = {"rule": "ranked", "other_gate": 0.0, "relative": 0.5}  # F1 2/3 here
    never_other = {"rule": "ranked", "other_gate": 1.01, "relative": 0.5}  # F1 1/3 at most
    separable = {"rule": "threshold", "threshold": 0.5}  # the topics separate: F1 near 1
    for grid in ([always_other, never_other, separable], [separable, always_other, never_other]):
        monkeypatch.setattr(narratives_lang, "DECISION_GRID", tuple(grid))
        chosen = narratives_lang.choose_decision(
            articles, np.arange(len(articles)), labels, "RU", _options()
        )
        assert chosen == separable
    # with the separable rule gone, always "Other" (2/3) beats never "Other" (<= 1/3)
    monkeypatch.setattr(narratives_lang, "DECISION_GRID", (never_other, always_other))
    chosen = narratives_lang.choose_decision(
        articles, np.arange(len(articles)), labels, "RU", _options()
    )
    assert chosen == always_other


def test_the_inner_cv_reads_only_the_training_rows(taxonomy, monkeypatch):
    from narrascope.training import narratives_lang
    from narrascope.training.narratives import trained_labels

    articles, _ = topic_articles(taxonomy)
    labels = trained_labels(taxonomy)
    rows = np.arange(0, 24)  # articles 24-29 play the held-out outer fold
    fitted: list[set[int]] = []
    real_fit = narratives_lang.fit_heads_model

    def recording_fit(arts, fit_rows, *args, **kwargs):
        fitted.append({int(i) for i in fit_rows})
        return real_fit(arts, fit_rows, *args, **kwargs)

    monkeypatch.setattr(narratives_lang, "fit_heads_model", recording_fit)
    model = narratives_lang.fit_model(
        articles, rows, labels, "RU", _options(decision="cv", inner_folds=3)
    )
    assert model["decision"] in narratives_lang.DECISION_GRID
    assert len(fitted) == 1 + 3  # the model itself, then one fit per inner fold
    assert fitted[0] == set(range(24))
    for inner in fitted[1:]:
        assert inner < set(range(24)) and len(inner) == 16  # two of three inner folds


def test_a_chosen_rule_is_saved_loaded_and_applied(taxonomy, tmp_path, monkeypatch):
    from narrascope.analyzers.narratives_lang import LanguageNarrativeModel, analyse
    from narrascope.analyzers.segmentation import Segmentation
    from narrascope.pipeline import document_from_text
    from narrascope.training import narratives_lang
    from narrascope.training.narratives import trained_labels

    articles, sub = topic_articles(taxonomy, second_paragraph=True)
    labels = trained_labels(taxonomy)
    rule = {"rule": "threshold", "threshold": 0.4}
    monkeypatch.setattr(narratives_lang, "DECISION_GRID", (rule,))
    options = _options(decision="cv")
    model = narratives_lang.fit_model(articles, np.arange(len(articles)), labels, "RU", options)
    assert model["decision"] == rule
    folder = narratives_lang.write_model(tmp_path / "ru", model, labels, "RU", options, {"RU": 30})
    loaded = LanguageNarrativeModel(folder)
    assert loaded.decision == rule

    doc = document_from_text("Новость\n\nоружие поставки Запад, оружие идет.\n\nЕще оружие.")
    Segmentation().process([doc])
    layer = analyse(doc, loaded, taxonomy, decide_rule)
    assert [n.label for n in layer.subnarratives] == [sub]
    other = document_from_text("Новость\n\nвыборы партия бюджет.")
    Segmentation().process([other])
    assert [n.label for n in analyse(other, loaded, taxonomy, decide_rule).narratives] == ["Other"]

    text = narratives_lang.card(
        "RU", options, {"RU": 30}, len(labels), {"decisions": ["threshold 0.4"] * 5}, 1.0, rule
    )
    assert (
        "every label scoring 0.4 or more" in text and "cross-validation over the training" in text
    )
    assert "Decision chosen in the five CV folds: threshold 0.4" in text


def test_rule_names_and_fixed_rules():
    from narrascope.training.narratives_lang import fixed_decision, rule_name

    assert rule_name({"rule": "ranked", "other_gate": 0.5, "relative": 0.7}) == "ranked 0.5/0.7"
    assert rule_name({"rule": "threshold", "threshold": 0.4}) == "threshold 0.4"
    assert fixed_decision(_options()) == {"rule": "ranked", "other_gate": 0.5, "relative": 0.5}
    assert fixed_decision(_options(decision="threshold", threshold=0.3)) == {
        "rule": "threshold",
        "threshold": 0.3,
    }
    with pytest.raises(ValueError):
        fixed_decision(_options(decision="cv"))
