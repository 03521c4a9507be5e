"""Releases are switched in atomically: killed builds and failed checks leave the last one intact."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import adreg_path, assert_intact

from publisher.manifest import read_manifest, verify_release

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples" / "sources").iterdir() if p.is_dir())
CONFIG = ROOT / "samples" / "release.yml"
STEPS = ["ingest", "derive", "check", "package", "excel", "database", "diff", "switch"]


def publish_args(out: Path) -> list[str]:
    return [adreg_path(), "publish", *map(str, SAMPLES), "--out", str(out), "--config", str(CONFIG)]


@pytest.mark.parametrize("step", STEPS)
def test_sigkill_during_a_build_leaves_the_previous_release(tmp_path: Path, step: str) -> None:
    out = tmp_path / "out"
    first = subprocess.run([*publish_args(out), "-q"], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert assert_intact(out) == "1.1.0"
    before = {p.name: p.stat().st_mtime_ns for p in (out / "releases" / "1.1.0").rglob("*")}

    seen = []
    with subprocess.Popen(
        [*publish_args(out), "-q", "--verbose"], stderr=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line.strip())
            if line.strip() == f"adreg: step {step}":
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=60)
    assert f"adreg: step {step}" in seen, seen
    assert proc.returncode == -signal.SIGKILL

    # The previous release is untouched, and whatever `current` names is whole.
    assert verify_release(out / "releases" / "1.1.0") == []
    after = {p.name: p.stat().st_mtime_ns for p in (out / "releases" / "1.1.0").rglob("*")}
    assert after == before
    name = assert_intact(out)
    assert name in ("1.1.0", "1.2.0")
    if name == "1.1.0":
        assert not (out / "releases" / "1.2.0").exists() or read_manifest(
            out / "releases" / "1.2.0"
        )

    # The next build cleans up the killed one's leftovers and switches in.
    again = subprocess.run([*publish_args(out), "-q"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(".build-*"))
    assert assert_intact(out) != "1.1.0"


def test_a_tampered_release_is_detected(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([*publish_args(out), "-q"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    current = (out / "current").resolve()
    target = current / "datapackages" / "adreg-samples" / "decisions.csv"
    target.write_bytes(target.read_bytes() + b"\n")
    problems = verify_release(current)
    assert problems and "decisions.csv" in problems[0]
