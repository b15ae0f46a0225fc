"""Incremental runs on one machine: analysing a folder again only analyses new or changed articles."""

from __future__ import annotations

from narrascope import Pipeline
from narrascope.runner import Sinks, run_inputs
from narrascope.store import Store


def test_rerun_of_a_folder_analyses_only_new_or_changed_files(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(
            f"Article {name}\n\nTroops moved near the border ({name}).", encoding="utf-8"
        )
    pipeline = Pipeline.from_config(only=["segmentation"])
    with Store(tmp_path / "corpus.duckdb") as store:
        first = run_inputs([str(folder)], pipeline, sinks=Sinks(store=store))
        assert (first.analysed, first.already_stored) == (3, 0)

        (folder / "b.txt").write_text(
            "Article b\n\nTroops moved away from the border.", encoding="utf-8"
        )
        (folder / "d.txt").write_text("Article d\n\nA ceasefire was announced.", encoding="utf-8")
        (folder / "c.txt").write_text(
            "ARTICLE C\n\nTroops  moved near the border (c).\n", encoding="utf-8"
        )  # case/spacing only
        second = run_inputs([str(folder)], pipeline, sinks=Sinks(store=store, update=True))
        assert (second.analysed, second.already_stored) == (2, 2)
        assert store.count() == 4  # --update: the changed b.txt replaced its stored version
        assert "away from" in store.get("b.txt").text

        (folder / "b.txt").write_text("Article b\n\nTroops came back.", encoding="utf-8")
        third = run_inputs([str(folder)], pipeline, sinks=Sinks(store=store))
        assert (third.analysed, third.already_stored) == (1, 3)
        assert store.count() == 5  # by default a changed article is a new version
        assert "away from" in store.get("b.txt").text
