"""Worker processes of `analyze --jobs 2` never outlive the run: SIGTERM or the parent's death ends them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def workers(pid: int) -> list[int]:
    out = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            out.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except OSError:
        return False
    return state != "Z"


def start_run(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):
        (folder / f"a{i:03d}.txt").write_text(
            f"Shipment {i}\n\n" + f"Officials said shipment {i} left the port. " * 40,
            encoding="utf-8",
        )
    config = tmp_path / "c.toml"
    config.write_text('[pipeline]\nanalyzers = ["segmentation", "entities"]\nbatch_size = 2\n')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from narrascope.cli import main; main()",
            "analyze",
            str(folder),
            "--jobs",
            "2",
            "--db",
            str(tmp_path / "c.duckdb"),
            "--config",
            str(config),
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 180
    found: list[int] = []
    while time.monotonic() < deadline and process.poll() is None and len(found) < 2:
        found = workers(process.pid)
        time.sleep(0.2)
    assert len(found) == 2, "the workers did not start"
    time.sleep(1.0)  # let them load their models
    return process, found


def wait_gone(pids: list[int], seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if alive(p)]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_end_with_the_parent(tmp_path: Path, sig: int) -> None:
    process, pids = start_run(tmp_path)
    try:
        os.kill(process.pid, sig)
        process.wait(timeout=60)
        assert wait_gone(pids) == [], "workers still running after the parent ended"
        if sig == signal.SIGTERM:
            assert process.returncode == 130
            assert b"interrupted" in process.stderr.read()
    finally:
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
