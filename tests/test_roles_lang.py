"""The backbone-free role model for Russian, Bulgarian, Portuguese and Hindi: features, training
on given mentions, the package round trip, and the roles step on a Russian article."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.analyzers.actors import Actors
from narrascope.analyzers.roles_lang import (
    LanguageRoleModel,
    classify_mentions,
    mention_actor,
    near_tokens,
    profiles,
    wide_window,
)
from narrascope.analyzers.segmentation import Segmentation
from narrascope.document import Language
from narrascope.pipeline import document_from_text
from narrascope.training.features import RoleGold
from narrascope.training.roles_lang import Mentions, fit, predict, scores, write_model

# Written for these tests: Russia attacks (antagonist), Ukraine suffers (innocent).
ATTACK = "Россия снова обстреляла города, армия России нанесла удары по жилым домам."
VICTIM = "Украина страдает: мирные жители Украины гибнут под обстрелами, дети остались без крова."


def test_features_leave_the_mention_out_and_tag_sides():
    text = "Вчера Россия обстреляла Киев."
    start = text.index("Россия")
    end = start + len("Россия")
    assert "Россия" not in wide_window(text, start, end)
    tokens = near_tokens(text, start, end, "RUS", "ru").split()
    assert "l_вчера" in tokens and "r_обстреляла" in tokens and "m_россия" in tokens
    assert {"a_RUS", "b_russia", "g_ru", "bg_russia_ru"} <= set(tokens)
    assert mention_actor("России", "ru") == "RUS"
    assert mention_actor("Украйна", "bg") == "UKR"
    assert mention_actor("Ukraine", "en") == "UKR"


def _training_mentions() -> Mentions:
    gold, langs, texts = [], [], []
    for i in range(12):
        for text, name, main, fine in (
            (ATTACK, "Россия", "Antagonist", "Instigator"),
            (VICTIM, "Украина", "Innocent", "Victim"),
        ):
            body = f"Сообщение {i}. {text}"
            start = body.index(name)
            gold.append(RoleGold(f"RU_{i}_{name}", start, start + len(name), name, main, [fine]))
            langs.append("ru")
            texts.append(body)
    return Mentions.build(gold, langs, texts)


def test_fit_predict_and_package_round_trip(tmp_path):
    mentions = _training_mentions()
    options = {"C": 10.0, "pooled": True, "max_chars": 2000, "max_words": 500}
    rows = np.arange(len(mentions.gold))
    model = fit(mentions, rows, options)
    pred = predict(model, mentions, rows)
    assert scores(mentions.gold, pred) == {"main_accuracy": 1.0, "fine_exact_match": 1.0}

    folder = write_model(tmp_path / "roles-lang", model, mentions, options, 1.0)
    loaded = LanguageRoleModel(folder)
    assert loaded.languages == ("bg", "hi", "pt", "ru") and loaded.joint

    doc = document_from_text(
        "Новости\n\n" + ATTACK + "\n\n" + VICTIM, language=Language(code="ru", score=1.0)
    )
    Segmentation().process([doc])
    Actors().process([doc])
    found = {
        p.actor: (p.main_role, [f.label for f in p.fine_roles]) for p in profiles(doc, loaded, "ru")
    }
    assert found == {"RUS": ("Antagonist", ["Instigator"]), "UKR": ("Innocent", ["Victim"])}
    profile = next(p for p in profiles(doc, loaded, "ru") if p.actor == "RUS")
    assert profile.mentions and all(doc.text[m.start : m.end] == m.text for m in profile.mentions)
    spans = [(a.start, a.end) for a in doc.actors]
    given = classify_mentions(doc, spans, loaded, "ru")
    assert [r.main_role for r in given] == [
        "Antagonist" if a.actor == "RUS" else "Innocent" for a in doc.actors
    ]


def test_cross_validation_on_real_data_beats_nothing_silently(shared_data):
    from narrascope.training.roles_lang import cross_validate, read_mentions

    mentions = read_mentions(shared_data, ("BG",))
    assert len(mentions.gold) > 300 and set(mentions.lang) == {"bg"}
    row = cross_validate(mentions, "BG", folds=2, max_chars=3000, max_words=2000)
    assert row["articles"] > 100
    assert 0.0 <= row["fine_exact_match"] <= 1.0
    assert 0.0 < row["majority_main_accuracy"] < 1.0


@pytest.mark.parametrize("lang", ["RU"])
def test_russian_subtask1_mentions_come_from_train_dec4(shared_data, lang):
    from narrascope.training.features import read_role_mentions, task_folder

    articles, gold = read_role_mentions(task_folder(shared_data), [lang])
    assert len(gold) > 200 and all(a.startswith("RU") for a in articles)


# --- the --lang paths of `predict` and `evaluate` on a Russian split written for the test ----

RU_ARTICLES = {
    "RU_T1.txt": "Удары по городам\n\n" + ATTACK + "\n\n" + VICTIM,
    "RU_T2.txt": (
        "Переговоры о помощи\n\nСША и НАТО обсудили помощь Украине. Вашингтон обещает новые "
        "поставки оружия, а Кремль осудил это решение и пригрозил ответом."
    ),
}


def _russian_split(root):
    import shutil
    from pathlib import Path

    folder = root / "RU" / "train_dec4"
    (folder / "raw-documents").mkdir(parents=True)
    shutil.copytree(
        Path(__file__).parent / "fixtures" / "semeval2025" / "taxonomy", root / "taxonomy"
    )
    rows = []
    for doc_id, text in RU_ARTICLES.items():
        (folder / "raw-documents" / doc_id).write_text(text, encoding="utf-8")
    for doc_id, name, main, fine in (
        ("RU_T1.txt", "Россия", "Antagonist", "Instigator"),
        ("RU_T2.txt", "США", "Protagonist", "Guardian"),
    ):
        start = RU_ARTICLES[doc_id].index(name)
        rows.append(f"{doc_id}\t{name}\t{start}\t{start + len(name) - 1}\t{main}\t{fine}\n")
    (folder / "subtask-1-annotations.txt").write_text("".join(rows), encoding="utf-8")
    (folder / "subtask-2-annotations.txt").write_text(
        "RU_T1.txt\tOther\tOther\nRU_T2.txt\tOther\tOther\n", encoding="utf-8"
    )
    return root


def test_predict_and_evaluate_with_lang_ru(tmp_path):
    from typer.testing import CliRunner

    from narrascope.analyzers import narratives_lang, roles_lang
    from narrascope.cli import app
    from narrascope.datasets import semeval2025

    data = _russian_split(tmp_path / "data")
    runner = CliRunner()
    out = tmp_path / "pred"
    args = ["--data", str(data), "--split", "train_dec4", "--lang", "RU"]
    result = runner.invoke(app, ["predict", "semeval2025", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    narratives = semeval2025.read_subtask2(out / "subtask-2.txt")
    roles = semeval2025.read_subtask1(out / "subtask-1.txt")
    if "ru" in narratives_lang.load_models():
        assert set(narratives) == set(RU_ARTICLES)
    else:  # never an English guess written as a Russian prediction
        assert narratives == {} and "narratives unavailable: language ru" in result.output
    if roles_lang.load_model() is not None:
        assert [r.mention for r in roles] == ["Россия", "США"]
        assert all(r.main_role and r.fine_roles for r in roles)
    else:
        assert roles == [] and "roles unavailable: language ru" in result.output

    result = runner.invoke(app, ["evaluate", "semeval2025", *args, "--out", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ev" / "narrascope" / "scores.json").is_file()


# --- the packaged models ------------------------------------------------------------------------

RUSSIAN_ARTICLE = (
    "Запад снова вооружает Киев\n\n"
    "США и НАТО объявили о новых поставках оружия Украине. Вашингтон обещает ракеты и танки, "
    "а европейские столицы оплачивают войну деньгами своих налогоплательщиков.\n\n"
    "В Кремле заявили, что Россия не допустит угрозы своей безопасности и ответит на "
    "расширение альянса. Путин назвал поставки прямым вмешательством Запада в конфликт."
)


def test_packaged_language_models_load():
    from narrascope.analyzers import narratives_lang, roles_lang

    narratives = narratives_lang.load_models()
    assert "ru" in narratives
    for code, model in narratives.items():
        assert model.language == code and model.coef.shape[1] == len(model.labels)
    roles = roles_lang.load_model()
    assert roles is not None and set(roles.languages) == {"bg", "hi", "pt", "ru"}
    assert roles.main_coef.shape[0] == 3 and roles.fine_coef.shape[0] == 22


def test_analyze_a_russian_article_gives_narratives_and_roles_with_evidence():
    from narrascope.pipeline import Pipeline

    pipeline = Pipeline.from_config(only=["language", "actors", "narratives", "roles"])
    doc = pipeline.analyze(document_from_text(RUSSIAN_ARTICLE))
    assert doc.language is not None and doc.language.code == "ru"
    assert "narratives" not in doc.unavailable and "roles" not in doc.unavailable
    assert doc.unavailable["embeddings"] == "language ru"
    assert doc.narratives is not None and doc.narratives.narratives
    chosen = [n for n in doc.narratives.narratives if n.label != "Other"]
    assert all(n.evidence for n in chosen)
    actors = {p.actor for p in doc.roles}
    assert {"RUS", "USA", "UKR"} <= actors
    for profile in doc.roles:
        assert profile.main_role in {"Protagonist", "Antagonist", "Innocent"}
        assert profile.fine_roles and profile.mentions
    assert doc.check_offsets() == []
