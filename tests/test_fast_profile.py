"""The `fast` profile: its static backbone, its config, and what it marks unavailable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from narrascope.analyzers.actors import gazetteer_actors
from narrascope.cli.app import app
from narrascope.config import Config, ConfigError
from narrascope.document import Document
from narrascope.encoders import EncoderIdentity, build_encoder, identity
from narrascope.encoders.static import StaticEncoder
from narrascope.models import ModelError, load_package, packaged_path
from narrascope.pipeline import Pipeline
from narrascope.relations import lexicon
from narrascope.server import ServerSettings, create_app

STATIC = EncoderIdentity("narrascope/static-minilm-l6-pca256-int8", 256)
# the steps of the accurate profile the fast one does not run (actors: `actor_names` serves them)
NOT_IN_FAST = {"entities", "relations", "claims", "roles", "explanation", "techniques"}


@pytest.fixture(scope="module")
def static() -> StaticEncoder:
    encoder = build_encoder(Config.load(profile="fast").encoder)
    assert isinstance(encoder, StaticEncoder)
    return encoder


@pytest.fixture(scope="module")
def fast() -> Pipeline:
    return Pipeline.from_config(Config.load(profile="fast"))


def test_static_encoder_shape_norm_and_identity(static: StaticEncoder) -> None:
    texts = [
        "Russia supplied drones to Iran.",
        "Moscow delivered drones to Tehran.",
        "The recipe needs two eggs and a cup of flour.",
        "",
    ]
    vectors = static.encode(texts)
    assert vectors.shape == (4, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert np.all(np.isfinite(vectors))
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert static.encode([]).shape == (0, 256)
    assert identity(static) == STATIC
    assert static.name == f"static:{STATIC.model}"
    # the shipped file stays small
    size = sum(p.stat().st_size for p in packaged_path("static-minilm").iterdir())
    assert size < 10_000_000


def test_heads_of_one_backbone_are_refused_on_the_other(static: StaticEncoder) -> None:
    with pytest.raises(ModelError, match="static-minilm"):
        load_package(packaged_path("genre"), "genre", static)
    for task in ("genre", "frames"):  # the fast profile's own packages fit its backbone
        assert load_package(packaged_path(f"fast-{task}"), task, static).meta.task == task
    fast_narratives = packaged_path("fast-narratives")
    assert load_package(fast_narratives, "narratives", static).meta.encoder.dimension == 256
    minilm = EncoderIdentity("sentence-transformers/all-MiniLM-L6-v2", 384)
    with pytest.raises(ModelError, match="trained on encoder narrascope/static-minilm"):
        load_package(fast_narratives, "narratives", minilm)


def test_profile_config_and_unknown_profiles(tmp_path: Path) -> None:
    assert Config.load().profile == "accurate"
    fast = Config.load(profile="fast")
    assert fast.profile == "fast" and fast.encoder.backend == "static"
    assert Path(fast.options["narratives"]["model"]).is_dir()  # a packaged path, made absolute
    with pytest.raises(ConfigError, match="unknown profile 'turbo'"):
        Config.load(profile="turbo")
    bad = tmp_path / "bad.toml"
    bad.write_text('[pipeline]\nanalyzers = ["segmentation"]\nprofile = "turbo"\n')
    with pytest.raises(ConfigError, match="pipeline.profile"):
        Config.load(bad)
    accurate = tmp_path / "accurate.toml"
    accurate.write_text('[pipeline]\nanalyzers = ["segmentation"]\n')
    with pytest.raises(ConfigError, match="profile is 'accurate', not 'fast'"):
        Config.load(accurate, "fast")


def test_fast_pipeline_marks_what_it_does_not_serve(fast: Pipeline, sample_text: str) -> None:
    assert set(fast.omitted) >= NOT_IN_FAST and "actors" not in fast.omitted
    doc = fast.analyze(sample_text)
    assert {k for k, v in doc.unavailable.items() if v == "profile fast"} == set(fast.omitted)
    assert doc.actors and doc.narratives is not None and doc.narratives.narratives
    assert doc.check_offsets() == []
    assert not doc.relations and not doc.entities  # not run: marked above, not silently empty


def test_spacy_free_actors_are_the_default_actors(pipeline: Pipeline, sample_text: str) -> None:
    accurate = pipeline.analyze(sample_text)
    found = gazetteer_actors(sample_text)
    assert [(a.start, a.end, a.actor) for a in found] == [
        (a.start, a.end, a.actor) for a in accurate.actors
    ]


def test_gazetteer_prefix_tree_matches_as_the_plain_alternation(sample_text: str) -> None:
    forms = list(lexicon.gazetteer())
    plain = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    before = re.compile(rf"(?<![\w.\-])(?:{plain})(?![\w])")
    text = (
        sample_text + " Russians and Russia's allies; the United States of America, the United "
        "States, U.S.-led talks, NATO-led forces, the Washington Post, Kyiv and Kyivan officials."
    )
    expected = [m.span() for m in before.finditer(text)]
    assert expected and [m.span() for m in lexicon.actor_pattern().finditer(text)] == expected


def test_cli_analyze_fast_writes_the_unavailable_layers(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "fast.jsonl"
    runner = CliRunner()
    result = runner.invoke(app, ["analyze", str(sample_path), "--profile", "fast", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not analysed (profile fast): entities, relations" in result.stderr
    (line,) = out.read_text(encoding="utf-8").splitlines()
    doc = json.loads(line)
    assert set(doc["unavailable"]) >= NOT_IN_FAST
    assert set(doc["unavailable"].values()) == {"profile fast"}
    assert doc["actors"] and doc["narratives"]["narratives"]
    assert doc["analyzers"] == [
        "segmentation",
        "language",
        "actor_names",
        "embeddings",
        "narratives",
        "genre",
        "frames",
    ]
    assert doc["genre"]["label"] in {"opinion", "reporting", "satire"} and doc["frames"]
    refused = runner.invoke(app, ["analyze", str(sample_path), "--profile", "turbo"])
    assert refused.exit_code == 2 and "unknown profile 'turbo'" in refused.output


def test_api_and_form_choose_the_profile(sample_text: str) -> None:
    light = Pipeline.from_config(only=["segmentation"])
    app_ = create_app(ServerSettings(), pipeline=light)
    with TestClient(app_, base_url="http://127.0.0.1") as c:
        default = c.post("/api/analyze", json={"text": sample_text})
        assert (
            default.status_code == 200
            and Document.model_validate_json(default.text).unavailable == {}
        )
        r = c.post("/api/analyze", json={"text": sample_text, "profile": "fast"})
        assert r.status_code == 200, r.text
        doc = Document.model_validate_json(r.text)
        assert doc.unavailable.get("relations") == "profile fast" and doc.actors
        assert c.post("/api/analyze", json={"text": "x", "profile": "turbo"}).status_code == 422
        mixed = {"items": [{"text": "a", "profile": "fast"}, {"text": "b"}], "profile": "accurate"}
        assert c.post("/api/analyze/batch", json=mixed).status_code == 422
        page = c.get("/")
        assert '<option value="fast">' in page.text
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        shown = c.post("/analyze", data={"text": sample_text, "profile": "fast", "csrf": token})
        assert shown.status_code == 200 and "profile fast" in shown.text


def test_trainers_encode_with_the_chosen_profile() -> None:
    from narrascope.training.vectors import active_profile, training_encoder, use_profile

    assert identity(training_encoder()).dimension == 384
    with use_profile("fast"):
        assert active_profile() == "fast" and identity(training_encoder()) == STATIC
    assert active_profile() == "accurate"
    with pytest.raises(ConfigError), use_profile("turbo"):
        pass


def test_run_time_tfidf_weights_are_the_training_vectorizers(sample_text: str) -> None:
    from narrascope.analyzers.narratives import _model, tfidf_transform

    texts = [sample_text, sample_text[:500], "", "NATO and Russia; Russia and NATO."]
    for folder in (None, packaged_path("fast-narratives")):
        model = _model(load_package(folder, "narratives", None))
        trained = tfidf_transform(texts, model.vocabulary, model.idf)
        expected = 1.0 / (
            1.0 + np.exp(-(np.asarray(trained @ model.tfidf_coef.T) + model.tfidf_intercept))
        )
        assert np.allclose(model.tfidf_probs(texts), expected, rtol=0, atol=1e-9)


def test_train_refuses_an_unknown_profile(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "train",
            "frames",
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "m"),
            "--profile",
            "x",
        ],
    )
    assert result.exit_code == 2 and "unknown profile 'x'" in result.output
    assert not (tmp_path / "m").exists()
