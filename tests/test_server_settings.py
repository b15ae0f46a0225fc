"""Server settings: the config file's [server] table, the environment's token, loopback detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.server.settings import ServerSettings, is_loopback


def test_config_table_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "narrascope.toml"
    config.write_text(
        '[pipeline]\nanalyzers = ["segmentation"]\n\n[server]\ntoken = "from-file"\nmax_batch = 5\nprotect_reads = true\n'
    )
    from_file = ServerSettings.load(config=config, env={})
    assert (from_file.token, from_file.max_batch, from_file.protect_reads) == ("from-file", 5, True)
    from_env = ServerSettings.load(config=config, env={"NARRASCOPE_API_TOKEN": "from-env"})
    assert from_env.token == "from-env"
    assert ServerSettings.load(env={"NARRASCOPE_API_TOKEN": "  "}).token is None


def test_unknown_server_setting_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[server]\nmax_bach = 5\n")
    with pytest.raises(ValueError, match="max_bach"):
        ServerSettings.load(config=config, env={})


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_server_only_config_keeps_the_default_pipeline(tmp_path: Path) -> None:
    from narrascope.server.app import pipeline_config

    server_only = tmp_path / "server.toml"
    server_only.write_text("[server]\nmax_batch = 5\n")
    full = tmp_path / "full.toml"
    full.write_text('[pipeline]\nanalyzers = ["segmentation"]\n')
    assert pipeline_config(server_only) is None
    assert pipeline_config(full) == full
    assert pipeline_config(None) is None
