"""Contracts between the config, the pipeline, its analyzers and model packages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope import Pipeline
from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.segmentation import Segmentation
from narrascope.cli import app
from narrascope.config import Config, ConfigError
from narrascope.document import Document, Failure
from narrascope.encoders import EncoderIdentity, build_encoder, identity
from narrascope.models import ModelError, load_package, packaged_path
from narrascope.pipeline import PipelineError, check_contracts, isolate, with_requirements
from narrascope.registry import BUILTIN, get

MINILM = EncoderIdentity("sentence-transformers/all-MiniLM-L6-v2", 384)
TASKS = ["frames", "genre", "narratives", "roles", "techniques"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- config ----------------------------------------------------------------------------------


def test_a_typo_in_a_section_names_the_key_and_the_file(tmp_path):
    cfg = write(tmp_path / "my.toml", '[pipline]\nanalyzers = ["segmentation"]\n')
    with pytest.raises(ConfigError) as err:
        Config.load(cfg)
    assert "'pipline'" in str(err.value) and str(cfg) in str(err.value)


def test_an_empty_pipeline_is_refused(tmp_path):
    cfg = write(tmp_path / "c.toml", "[pipeline]\nanalyzers = []\n")
    with pytest.raises(ConfigError, match="the pipeline is empty"):
        Config.load(cfg)


CLAIMS = '[pipeline]\nanalyzers = ["segmentation", "entities", "actors", "relations", "claims"]\n'


def test_a_typo_in_an_analyzer_option_is_refused_before_models_load(tmp_path):
    cfg = write(tmp_path / "c.toml", CLAIMS + "\n[analyzers.claims]\ntreshold = 0.3\n")
    config = Config.load(cfg)
    with pytest.raises(ConfigError) as err:
        Pipeline.from_config(config)
    assert "[analyzers.claims] has no option 'treshold'" in str(err.value)
    assert "threshold" in str(err.value) and str(cfg) in str(err.value)


def test_an_option_of_the_wrong_type_is_refused(tmp_path):
    cfg = write(tmp_path / "c.toml", CLAIMS + '\n[analyzers.claims]\nthreshold = "high"\n')
    with pytest.raises(ConfigError, match=r"\[analyzers.claims\] threshold = 'high'"):
        Pipeline.from_config(cfg)


def test_an_unknown_analyzer_table_is_refused(tmp_path):
    cfg = write(
        tmp_path / "c.toml", '[pipeline]\nanalyzers = ["segmentation"]\n\n[analyzers.clams]\n'
    )
    with pytest.raises(ConfigError, match=r"unknown analyzer 'clams' in \[analyzers.clams\]"):
        Config.load(cfg)


def test_wrong_types_and_unknown_keys_in_sections(tmp_path):
    cfg = write(
        tmp_path / "c.toml",
        '[pipeline]\nanalyzers = ["segmentation"]\nbatch_size = 0\n\n[encoder]\nbackend = "onnx"\nmodle = "x"\n',
    )
    with pytest.raises(ConfigError) as err:
        Config.load(cfg)
    assert "pipeline.batch_size" in str(err.value) and "'encoder.modle'" in str(err.value)


def test_the_cli_reports_a_config_typo_in_one_line(tmp_path, sample_path):
    cfg = write(tmp_path / "c.toml", '[pipline]\nanalyzers = ["segmentation"]\n')
    result = CliRunner().invoke(app, ["analyze", str(sample_path), "--config", str(cfg)])
    assert result.exit_code == 2
    assert "pipline" in result.stderr and str(cfg) in result.stderr


def test_the_packaged_config_is_valid():
    config = Config.load()
    assert config.analyzers and config.encoder.backend == "onnx"


# --- analyzer contracts ----------------------------------------------------------------------


def test_an_unmet_requirement_is_refused_at_construction(tmp_path):
    cfg = write(tmp_path / "c.toml", '[pipeline]\nanalyzers = ["segmentation", "relations"]\n')
    with pytest.raises(PipelineError) as err:
        Pipeline.from_config(cfg)
    message = str(err.value)
    assert "'relations'" in message and "doc.entities" in message and "'entities'" in message


def test_a_requirement_produced_too_late_names_the_order():
    with pytest.raises(PipelineError, match="put 'segmentation' before 'embeddings'"):
        check_contracts([get("embeddings"), get("segmentation")])


def test_an_optional_input_produced_later_is_an_order_error():
    classes = [get(n) for n in ["segmentation", "entities", "embeddings", "roles", "actors"]]
    with pytest.raises(PipelineError, match="put 'actors' before 'roles'"):
        check_contracts(classes)


def test_a_directly_built_pipeline_is_checked_too():
    class NeedsVectors(Analyzer):
        name = "needs-vectors"
        requires = (contracts.SENTENCE_VECTORS,)

    with pytest.raises(PipelineError, match="cache\\[sentence_vectors\\]"):
        Pipeline([Segmentation(), NeedsVectors()], Config(analyzers=["segmentation"]))


def test_every_builtin_analyzer_declares_its_inputs_from_the_contracts_module():
    known = {
        v
        for v in vars(contracts).values()
        if isinstance(v, contracts.DocField | contracts.CacheKey)
    }
    for name in BUILTIN:
        cls = get(name)
        assert cls.produces, name
        assert set(cls.requires) | set(cls.optional) | set(cls.produces) <= known, name


def test_the_default_pipeline_satisfies_every_contract():
    check_contracts([get(n) for n in Config.load().analyzers])


def test_only_pulls_in_the_producers_of_what_is_required():
    order = Config.load().analyzers
    assert with_requirements(["claims"], order) == [
        "segmentation",
        "entities",
        "embeddings",
        "actors",
        "relations",
        "claims",
    ]
    assert with_requirements(["explanation"], order) == [
        "segmentation",
        "embeddings",
        "narratives",
        "explanation",
    ]


def test_a_missing_cache_value_is_an_error_not_a_default():
    doc = Document(id="d", text="x")
    with pytest.raises(contracts.MissingInput, match="narrative_scores"):
        contracts.NARRATIVE_SCORES.get(doc)


# --- one batch loop ---------------------------------------------------------------------------


def test_isolate_reports_only_the_failing_document():
    docs = [Document(id=str(i), text="t", meta={"input": f"file{i}"}) for i in range(4)]

    def process(batch: list[Document]) -> None:
        if any(d.id == "2" for d in batch):
            raise ValueError("bad input")

    results = list(isolate(docs, process))
    assert [r.id for r in results if isinstance(r, Document)] == ["0", "1", "3"]
    (failure,) = [r for r in results if isinstance(r, Failure)]
    assert failure == Failure(input="file2", reason="analysis failed: ValueError: bad input")


# --- model packages ---------------------------------------------------------------------------


@pytest.mark.parametrize("task", TASKS)
def test_every_shipped_model_is_a_package_for_the_default_encoder(task):
    package = load_package(None, task, MINILM)
    assert package.meta.task == task and package.meta.labels
    assert package.meta.encoder.model == MINILM.model and package.meta.encoder.dimension == 384
    assert (
        package.meta.data
        and package.meta.terms
        and package.meta.command.startswith(f"narrascope train {task} ")
    )
    assert "--out" in package.meta.command
    assert (package.path / "card.md").is_file() and package.config


def test_the_default_encoder_has_the_identity_the_shipped_models_record():
    assert identity(build_encoder()) == MINILM


def _copy(task: str, tmp_path: Path, **meta: object) -> Path:
    folder = tmp_path / task
    shutil.copytree(packaged_path(task), folder)
    data = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    data.update(meta)
    (folder / "meta.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_a_model_trained_on_another_encoder_is_refused(tmp_path):
    folder = _copy("genre", tmp_path, encoder={"model": "intfloat/e5-base", "dimension": 768})
    with pytest.raises(ModelError) as err:
        load_package(folder, "genre", MINILM)
    message = str(err.value)
    assert str(folder) in message and "genre" in message
    assert "intfloat/e5-base (768-d)" in message and "all-MiniLM-L6-v2 (384-d)" in message


def test_the_pipeline_refuses_a_mismatched_model_from_the_config(tmp_path):
    folder = _copy("frames", tmp_path, encoder={"model": "other/model", "dimension": 384})
    config = Config.load()
    config.options["frames"] = {"model": str(folder)}
    with pytest.raises(ModelError, match="other/model"):
        Pipeline.from_config(config, only=["frames"])


def test_a_user_model_package_from_the_config_is_used(tmp_path, sample_text):
    folder = _copy("genre", tmp_path)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    cfg = write(
        tmp_path / "c.toml",
        '[pipeline]\nanalyzers = ["segmentation", "embeddings", "genre"]\n\n'
        f'[analyzers.genre]\nmodel = "{folder}"\n',
    )
    pipeline = Pipeline.from_config(cfg)
    assert pipeline.analyzers[-1].model.labels == config["labels"]
    assert pipeline.analyze(sample_text).genre is not None


def test_a_package_of_another_task_or_without_meta_is_refused(tmp_path):
    with pytest.raises(ModelError, match="is a genre model package, not a frames one"):
        load_package(packaged_path("genre"), "frames", MINILM)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="meta.json is missing"):
        load_package(tmp_path / "empty", "genre", MINILM)


def test_train_requires_an_output_folder():
    result = CliRunner().invoke(app, ["train", "genre", "--data", "."])
    assert result.exit_code == 2 and "--out" in result.output + result.stderr


def test_padding_changes_the_identity_and_the_build_does_not():
    from narrascope.config import EncoderConfig

    dynamic = identity(build_encoder(EncoderConfig(variant="int8")))
    assert dynamic == identity(build_encoder(EncoderConfig(variant="fp32"))) == MINILM
    fixed = identity(build_encoder(EncoderConfig(variant="int8", padding="fixed")))
    assert fixed == EncoderIdentity("sentence-transformers/all-MiniLM-L6-v2+padded-128", 384)
    assert fixed != dynamic


@pytest.mark.slow
def test_a_retrained_model_is_a_package_the_pipeline_loads(tmp_path, sample_text, shared_data):
    from narrascope.training import genre as trainer

    out = tmp_path / "genre"
    trainer.train(shared_data, out, c=30.0)  # a fixed C: the CV grid is the trainer's own test
    package = load_package(out, "genre", MINILM)
    assert package.meta.task == "genre"
    assert package.meta.command == f"narrascope train genre --data {shared_data} --out {out}"
    config = Config.load()
    config.options["genre"] = {"model": str(out)}
    assert Pipeline.from_config(config, only=["genre"]).analyze(sample_text).genre is not None


def test_a_server_config_with_a_typo_in_the_pipeline_section_is_not_ignored(tmp_path):
    from narrascope.server.app import pipeline_config

    cfg = write(tmp_path / "s.toml", '[server]\nmax_batch = 5\n\n[pipline]\nanalyzers = ["x"]\n')
    assert pipeline_config(cfg) == cfg
    with pytest.raises(ConfigError, match="pipline"):
        Config.load(pipeline_config(cfg))


def test_document_cache_is_the_private_dict_of_each_document():
    from narrascope.document import Document

    a, b = Document(id="a", text="x"), Document(id="b", text="y")
    a.cache["k"] = 1
    assert a.cache is a._cache and a.cache == {"k": 1} and b.cache == {}
    built = Document.model_construct(id="c", text="z")
    assert built.cache == {} and built.cache is built._cache
