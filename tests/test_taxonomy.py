"""The taxonomy files: complete, consistent with the dataset's label names, user files validated."""

from __future__ import annotations

import json

import pytest

from narrascope.taxonomies import load_roles, load_taxonomy, packaged, parse_taxonomy


def test_semeval_taxonomy_shape() -> None:
    tax = load_taxonomy("semeval2025")
    assert set(tax.domains) == {"URW", "CC"}
    assert len(tax.narratives) == 21
    assert len(tax.subnarratives) + 1 == 94  # + the article-level "Other"
    sub = "URW: Blaming the war on others rather than the invader: Ukraine is the aggressor"
    assert tax.parent(sub) == "URW: Blaming the war on others rather than the invader"
    assert tax.domain(sub) == "URW"
    assert all(tax.labels[label].description.strip() for label in tax.labels)


def test_semeval_labels_match_dataset(shared_data) -> None:
    folder = shared_data / "semeval2025t10" / "taxonomy"
    subs = {
        line
        for line in (folder / "subtask2_subnarratives.txt").read_text(encoding="utf-8").splitlines()
        if line
    }
    narratives = {
        line
        for line in (folder / "subtask2_narratives.txt").read_text(encoding="utf-8").splitlines()
        if line
    }
    tax = load_taxonomy()
    assert set(tax.subnarratives) | {"Other"} == subs
    assert set(tax.narratives) | {"Other"} == narratives


def test_roles_each_fine_role_has_one_main_role() -> None:
    roles = load_roles()
    assert roles.main_roles == ("Protagonist", "Antagonist", "Innocent")
    assert len(roles.fine_roles) == 22 == len(set(roles.fine_roles))
    assert roles.main_of["Instigator"] == "Antagonist"
    assert roles.main_of["Victim"] == "Innocent"
    assert roles.main_of["Guardian"] == "Protagonist"


def test_example_taxonomy_and_user_file(tmp_path) -> None:
    assert {"semeval2025", "example-sanctions"} <= set(packaged())
    example = load_taxonomy("example-sanctions")
    assert "SAN: Sanctions backfire: Energy prices soar" in example.subnarratives
    assert example.labels["SAN: Sanctions work"].examples
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            {
                "name": "mine",
                "domains": [{"id": "X", "narratives": [{"name": "A", "description": "about a"}]}],
            }
        )
    )
    mine = load_taxonomy(path)
    assert mine.narratives == ["X: A"] and mine.name == "mine"


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"domains": []},
        {"domains": [{"id": "", "narratives": []}]},
        {"domains": [{"id": "X", "narratives": [{"name": "A"}, {"name": "A"}]}]},
    ],
)
def test_invalid_taxonomies_are_refused(bad) -> None:
    with pytest.raises(ValueError):
        parse_taxonomy(bad)


def test_unknown_taxonomy_name() -> None:
    with pytest.raises(FileNotFoundError):
        load_taxonomy("no-such-taxonomy")
