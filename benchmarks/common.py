"""Helpers the benchmark scripts share: the cached sample, the commit, timed runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from publisher.samples.generate import generate

HERE = Path(__file__).resolve().parent
TIME = "/usr/bin/time"
# Fallback when /usr/bin/time is missing: a parent that reports its one child's peak RSS.
RUSAGE = """\
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
u = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    fh.write(f"Maximum resident set size (kbytes): {u.ru_maxrss}\\n")
    fh.write(f"User time (seconds): {u.ru_utime}\\nSystem time (seconds): {u.ru_stime}\\n")
sys.exit(rc)
"""


def sample_dir(work: Path, publishers: int, seed: int) -> Path:
    """``adreg sample`` output for these settings, generated once (shared by the benchmarks)."""
    out = work / f"sample-p{publishers}-s{seed}"
    done = out / ".done"
    if not done.is_file():
        if out.exists():
            shutil.rmtree(out)
        print(f"generating a sample of {publishers} publishers into {out} …", flush=True)
        t0 = time.perf_counter()
        summary = generate(out, publishers=publishers, seed=seed)
        done.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"  {summary['rows']} rows in {time.perf_counter() - t0:.0f} s", flush=True)
    return out


def code_version() -> str:
    """The commit measured, and whether publisher/ had uncommitted changes."""
    root = HERE.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "publisher"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown (no git)"
    return f"{head or 'unknown'}{' + uncommitted changes in publisher/' if dirty else ''}"


def tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.is_file() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: pip install -e '.[test]'")
    return found


def measured(cmd: list[str], cwd: Path, stdout: Path | None = None) -> dict[str, Any]:
    """Run ``cmd`` once: wall (s), CPU (s), peak RSS (MiB), exit code, timed stderr lines."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        timefile = tf.name
    if Path(TIME).is_file():
        full = [TIME, "-v", "-o", timefile, *cmd]
    else:
        full = [sys.executable, "-c", RUSAGE, timefile, *cmd]
    lines: list[tuple[float, str]] = []
    with open(stdout or os.devnull, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        for raw in proc.stderr:
            lines.append((time.perf_counter() - t0, raw.decode(errors="replace").rstrip()))
        rc = proc.wait()
        wall = time.perf_counter() - t0
    text = Path(timefile).read_text()
    os.unlink(timefile)

    def num(label: str) -> float:
        m = re.search(rf"{re.escape(label)}: ([0-9.]+)", text)
        return float(m.group(1)) if m else float("nan")

    return {
        "wall": wall,
        "cpu": num("User time (seconds)") + num("System time (seconds)"),
        "rss": num("Maximum resident set size (kbytes)") / 1024,
        "rc": rc,
        "lines": lines,
    }
