"""Check-worthy claims: factual statements, opinions and calls to action."""

from __future__ import annotations

import pytest

from narrascope.pipeline import Pipeline


@pytest.fixture(scope="module")
def claim_pipeline() -> Pipeline:
    return Pipeline.from_config(only=["claims"])


def kinds(doc) -> dict[str, tuple[str, str]]:
    return {c.text: (c.kind, c.modality) for c in doc.claims}


def test_claim_kinds(claim_pipeline):
    doc = claim_pipeline.analyze(
        "Drone Deliveries\n\n"
        "Iran delivered 400 Shahed drones to Russia in March, the Pentagon said.\n"
        "We believe this alliance is a disgraceful betrayal of Ukraine.\n"
        "NATO must send more air defence systems to Kyiv now.\n"
        "The weather was nice."
    )
    got = kinds(doc)
    assert got["Iran delivered 400 Shahed drones to Russia in March, the Pentagon said."] == (
        "factual",
        "reported",
    )
    assert got["We believe this alliance is a disgraceful betrayal of Ukraine."][0] == "opinion"
    assert got["NATO must send more air defence systems to Kyiv now."] == (
        "call_to_action",
        "called_for",
    )
    assert "The weather was nice." not in got  # nothing to check
    claim = next(c for c in doc.claims if c.kind == "factual")
    assert claim.attribution == "Pentagon" and 0 < claim.score <= 1
    assert not doc.check_offsets()


def test_sample_has_factual_claims(claim_pipeline, sample_text):
    doc = claim_pipeline.analyze(sample_text)
    factual = [c for c in doc.claims if c.kind == "factual"]
    assert any("artillery shells" in c.text for c in factual)
    assert any(c.kind == "call_to_action" for c in doc.claims)
