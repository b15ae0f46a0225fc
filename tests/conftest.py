"""Shared fixtures: the shipped sample article, the shared data folder (skip when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


# markers that keep a test out of the default tier (`-m "not slow"`): they count as slow too
SLOW_TIERS = ("ray", "load")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_TIERS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return ROOT / "examples" / "arms-pipeline-op-ed.txt"


@pytest.fixture(scope="session")
def sample_text(sample_path: Path) -> str:
    return sample_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"research data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def pipeline():
    from narrascope import Pipeline

    return Pipeline.from_config()


@pytest.fixture(scope="session")
def encoder():
    """The default backbone, built once for the tests that encode text."""
    from narrascope.encoders import build_encoder

    return build_encoder()
