"""Helpers the benchmark scripts share: the work cache, the sample, the commit, timed runs.

A cache entry under the work dir (``benchmarks/work/`` by default, git-ignored) is a
folder with a ``.done`` file: what its builder reported, and a version stamp of the
code that built it (a hash of that code's source files and of the builder's
parameters). An entry whose stamp differs from the code's now is built again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from publisher.samples.generate import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE_CODE = [ROOT / "publisher" / "samples"]  # the generator imports nothing else of ours
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


def stamp(code: Iterable[Path], **params: Any) -> str:
    """A version stamp: a hash of the ``.py`` and ``.yml`` files in ``code`` (files or
    folders, searched recursively) and of ``params``."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    files: set[Path] = set()
    for path in code:
        files.update(path.rglob("*") if path.is_dir() else [path])
    for file in sorted(files):
        if file.suffix in (".py", ".yml") and file.is_file():
            digest.update(os.path.relpath(file, ROOT).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cached(out: Path, version: str, build: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """The ``.done`` record of the cache entry ``out``: the one there if its ``stamp`` is
    ``version``, else ``build(out)``'s (into an emptied ``out``), stamped and saved."""
    done = out / ".done"
    if done.is_file():
        info: dict[str, Any] = json.loads(done.read_text(encoding="utf-8"))
        if info.get("stamp") == version:
            return info
        print(f"{out}: built by other code (stamp {info.get('stamp')}, now {version}): rebuilding")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    info = {"stamp": version, **build(out)}
    done.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


def sample_dir(work: Path, publishers: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """``adreg sample`` output for these settings and its summary (rows per file), generated
    once per version of the generator (shared by the benchmarks)."""
    out = work / f"sample-p{publishers}-s{seed}"

    def build(out: Path) -> dict[str, Any]:
        print(f"generating a sample of {publishers} publishers into {out} …", flush=True)
        t0 = time.perf_counter()
        summary = generate(out, publishers=publishers, seed=seed)
        print(f"  {summary['rows']:,} rows in {time.perf_counter() - t0:.0f} s", flush=True)
        return summary

    return out, cached(out, stamp(SAMPLE_CODE, publishers=publishers, seed=seed), build)


def published(
    work: Path, name: str, publishers: int, seed: int, code: Iterable[Path]
) -> tuple[Path, dict[str, Any]]:
    """``adreg publish`` of the sample for these settings as of 2021-04-28, into the cache
    entry ``work/name``: built once per version of ``code`` (what the release depends on)."""
    from datetime import date

    from publisher.release.publish import PublishConfig, publish

    sample, _ = sample_dir(work, publishers, seed)
    out = work / name

    def build(folder: Path) -> dict[str, Any]:
        sources = sorted(p for p in sample.iterdir() if p.is_dir())
        t0 = time.perf_counter()
        # The site at this size is bench_site.py's to measure (tens of minutes): not here.
        config = PublishConfig(site=False)
        result = publish(sources, folder, config=config, as_of=date(2021, 4, 28))
        return {"counts": result.counts, "seconds": round(time.perf_counter() - t0, 1)}

    info = cached(out, stamp(code, publishers=publishers, seed=seed), build)
    print(f"release: {out} ({info.get('counts', {}).get('decisions', '?')} decisions)")
    return out, info


def compare_rows(title: str, meant: dict[str, int], measured: dict[str, int]) -> list[str]:
    """Print rows meant → rows measured, part by part (files, tables), and the totals;
    return a problem for each part where they differ."""
    print(f"{title}, rows meant → measured:")
    problems = []
    for name in sorted(meant.keys() | measured.keys()):
        want, got = meant.get(name, 0), measured.get(name, 0)
        print(f"  {name}: {want:,} → {got:,}{'' if want == got else '  MISMATCH'}")
        if want != got:
            problems.append(f"{name}: {got:,} rows measured, {want:,} meant")
    want, got = sum(meant.values()), sum(measured.values())
    print(f"  total: {want:,} → {got:,}: {'equal' if not problems else 'MISMATCH'}")
    return problems


def csv_rows(path: Path) -> int:
    """Data rows of a CSV file with a header row."""
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


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


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TREE_EVERY = 0.2  # seconds between samples of a process tree's memory


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and all its descendants, now (Linux ``/proc``)."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    parent[int(entry.name)] = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= more
        grown = bool(more)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def measured(cmd: list[str], cwd: Path, stdout: Path | None = None) -> dict[str, Any]:
    """Run ``cmd`` once: wall (s), CPU (s), peak RSS (MiB), exit code, timed stderr lines.

    ``rss`` is the largest single process's peak (the kernel's, via ``time -v``); ``tree``
    the peak of all of ``cmd``'s processes together, sampled every ``TREE_EVERY`` s
    (``None`` where there is no ``/proc``)."""
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
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(TREE_EVERY):
                peak[0] = max(peak[0], tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if Path("/proc/self/statm").exists():
            sampler.start()
        for raw in proc.stderr:
            lines.append((time.perf_counter() - t0, raw.decode(errors="replace").rstrip()))
        rc = proc.wait()
        wall = time.perf_counter() - t0
        proc.stderr.close()
        done.set()
        if sampler.is_alive():
            sampler.join()
    text = Path(timefile).read_text()
    os.unlink(timefile)

    def num(label: str) -> float:
        m = re.search(rf"{re.escape(label)}: ([0-9.]+)", text)
        return float(m.group(1)) if m else float("nan")

    return {
        "wall": wall,
        "cpu": num("User time (seconds)") + num("System time (seconds)"),
        "rss": num("Maximum resident set size (kbytes)") / 1024,
        "tree": peak[0] / 2**20 if sampler.ident is not None else None,
        "rc": rc,
        "lines": lines,
    }
