"""Faults during publish: a second run, a crash at every step of the switch, a full disk, a
read-only folder, a killed parent. The live release stays whole and readable by all, a
failed build leaves nothing behind, and the user sees one line, never a traceback.

A full or read-only filesystem is made for real where this machine lets us mount a small
tmpfs (root with CAP_SYS_ADMIN, as in CI's container when privileged); the same faults are
also made at every step through ``ADREG_FAULT`` (see :mod:`publisher.faults`), which needs
no privilege.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import adreg_path, assert_intact, assert_one_line_error

from publisher.manifest import read_manifest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples" / "sources").iterdir() if p.is_dir())
CONFIG = ROOT / "samples" / "release.yml"


def publish(out: Path, fault: str | None = None, umask: int | None = None, **popen):
    """``adreg publish`` of the samples into ``out``, with ``ADREG_FAULT`` set to ``fault``."""
    env = {k: v for k, v in os.environ.items() if k != "ADREG_FAULT"}
    if fault:
        env["ADREG_FAULT"] = fault
    args = [adreg_path(), "publish", *map(str, SAMPLES), "--out", str(out)]
    args += ["--config", str(CONFIG), "-q"]
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    if popen:
        return subprocess.Popen([*args, "--verbose"], env=env, preexec_fn=preexec, **popen)
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=180, preexec_fn=preexec
    )


def index_of(out: Path) -> tuple[str | None, list[str]]:
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    return index["current"], [r["version"] for r in index["releases"]]


def leftovers(out: Path) -> list[str]:
    return sorted(
        p.name
        for p in out.iterdir()
        if p.name not in ("current", "index.json", "releases", ".lock")
    )


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One published release, copied by each test that needs a previous release."""
    out = tmp_path_factory.mktemp("first") / "out"
    done = publish(out)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def out(first: Path, tmp_path: Path) -> Path:
    target = tmp_path / "out"
    subprocess.run(["cp", "-a", str(first), str(target)], check=True)
    return target


# -- 7. one publish at a time ---------------------------------------------------------------


def test_a_second_publish_into_the_same_root_is_refused(out: Path) -> None:
    """Two runs raced for one version: the loser failed with a traceback (``Directory not
    empty`` on rename) or left its build behind. The second now exits 2 naming the first."""
    with publish(out, fault="derive:hang", stderr=subprocess.PIPE, text=True) as running:
        assert running.stderr is not None
        for line in running.stderr:
            if line.strip() == "adreg: step derive":
                break
        second = publish(out)
        assert_one_line_error(second, f"another publish is running (pid {running.pid})")
        running.kill()
    assert assert_intact(out) == "1.1.0"
    third = publish(out)
    assert third.returncode == 0, third.stderr
    assert assert_intact(out) == "1.2.0"
    assert leftovers(out) == []  # the killed run's build is gone


# -- 8. leftovers and a stale index ---------------------------------------------------------


def test_leftovers_and_a_stale_index_are_repaired(out: Path) -> None:
    # Killed after the rename, before the switch: releases/1.2.0 was never current.
    crashed = publish(out, fault="link:kill")
    assert crashed.returncode == -signal.SIGKILL
    assert (out / "releases" / "1.2.0").is_dir() and assert_intact(out) == "1.1.0"
    (out / "releases" / "1.2.0" / "never-current").write_text("x")
    # Leftovers of every kind a killed run may leave.
    (out / ".current-4242").symlink_to("releases/1.2.0")
    (out / ".index-4242.json").write_text("{}")
    (out / ".build-4242-x").mkdir()
    (out / ".build-4242-x" / "part.csv").write_text("x")
    # Killed after the switch, before index.json: the index names an older release.
    crashed = publish(out, fault="index:kill")
    assert crashed.returncode == -signal.SIGKILL
    assert assert_intact(out) == "1.2.0"
    assert not (out / "releases" / "1.2.0" / "never-current").exists()  # removed, rebuilt
    assert read_manifest(out / "releases" / "1.2.0").previous == "1.1.0"
    assert index_of(out) == ("1.1.0", ["1.1.0"])
    assert leftovers(out) == []
    # The next run repairs the index from what is on disk, then publishes.
    done = publish(out)
    assert done.returncode == 0, done.stderr
    assert assert_intact(out) == "1.3.0"
    assert index_of(out) == ("1.3.0", ["1.1.0", "1.2.0", "1.3.0"])
    assert leftovers(out) == []


def test_a_release_never_switched_in_is_never_listed(out: Path) -> None:
    crashed = publish(out, fault="link:kill")
    assert crashed.returncode == -signal.SIGKILL
    done = publish(out, fault="ingest:enospc")  # fails, but repairs first
    assert done.returncode == 2
    assert sorted(p.name for p in (out / "releases").iterdir()) == ["1.1.0"]
    assert index_of(out) == ("1.1.0", ["1.1.0"])


# -- 9. disk full and read-only, at every step -----------------------------------------------

STEPS = ["ingest", "derive", "package", "check", "excel", "excel-worker", "database"]
STEPS += ["database-worker", "diff"]
STEPS += ["switch"]


@pytest.mark.parametrize(
    "fault", [f"{s}:enospc" for s in [*STEPS, "rename", "link"]] + ["package:erofs", "link:erofs"]
)
def test_a_failed_write_at_any_step_leaves_the_previous_release(out: Path, fault: str) -> None:
    done = publish(out, fault=fault)
    line = assert_one_line_error(
        done, "cannot write the release", "the previous release is still current"
    )
    assert ("read-only" if "erofs" in fault else "no space left") in line
    assert assert_intact(out) == "1.1.0"
    assert index_of(out) == ("1.1.0", ["1.1.0"])
    assert leftovers(out) == []
    assert sorted(p.name for p in (out / "releases").iterdir()) == ["1.1.0"]


def test_a_failed_index_write_after_the_switch_says_so(out: Path) -> None:
    done = publish(out, fault="index:enospc")
    assert_one_line_error(done, "release 1.2.0 is current", "index.json could not be updated")
    assert assert_intact(out) == "1.2.0"
    assert index_of(out) == ("1.1.0", ["1.1.0"])
    again = publish(out)
    assert again.returncode == 0, again.stderr
    assert index_of(out) == ("1.3.0", ["1.1.0", "1.2.0", "1.3.0"])


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A real 64 MB tmpfs (room for two releases of the samples), where this machine lets
    us mount one."""
    mount = tmp_path / "fs"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        made = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True
        )
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_at_any_point(small_fs: Path) -> None:
    """A real full filesystem: filled to leave from 40 KB to 3 MB free, so that the build
    runs out of space in a different step each time (the log, the tables, the database,
    the Excel copy, the switch)."""
    out = small_fs / "out"
    first = publish(out)
    assert first.returncode == 0, first.stderr
    filler = small_fs / "filler"
    seen = set()
    for free_kb in (40, 300, 700, 1000, 1400, 1800, 2400, 3000):
        filler.unlink(missing_ok=True)
        avail = os.statvfs(small_fs).f_bavail * os.statvfs(small_fs).f_frsize
        filler.write_bytes(b"\0" * max(avail - free_kb * 1024, 0))
        done = publish(out)
        if done.returncode == 0:  # enough room after all: that is fine too
            seen.add("switched")
            continue
        line = assert_one_line_error(done)
        assert "no space left" in line.lower(), line
        seen.add(line.split("(", 1)[-1][:60])
        assert leftovers(out) == []
        name = assert_intact(out)
        if "is current" not in line:  # else the index lags until the next run
            assert index_of(out)[0] == name
    filler.unlink()
    print(sorted(seen))
    assert len(seen) >= 2, seen  # the fault struck in more than one place
    done = publish(out)
    assert done.returncode == 0, done.stderr


def test_ingest_on_a_full_disk(small_fs: Path) -> None:
    """``adreg ingest`` stages its log in the temporary folder and writes a ledger: on a
    full disk, one line too."""
    filler = small_fs / "filler"
    stat_fs = os.statvfs(small_fs)
    filler.write_bytes(b"\0" * (stat_fs.f_bavail * stat_fs.f_frsize - 16 * 1024))
    env = {**os.environ, "TMPDIR": str(small_fs)}
    args = [adreg_path(), "ingest", *map(str, SAMPLES), "--ledger", str(small_fs / "l.json")]
    done = subprocess.run([*args, "-q"], env=env, capture_output=True, text=True, timeout=180)
    line = assert_one_line_error(done)
    assert "no space left" in line.lower(), line
    assert [p.name for p in small_fs.iterdir()] == ["filler"]


def test_a_read_only_output_folder(out: Path, small_fs: Path) -> None:
    """A real read-only filesystem (the tmpfs remounted read-only)."""
    root = small_fs / "out"
    subprocess.run(["cp", "-a", str(out) + "/.", str(root)], check=True)
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    try:
        done = publish(root)
        assert_one_line_error(done, "read-only filesystem")
        assert assert_intact(root) == "1.1.0"
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_fs)], check=True)


def test_an_unwritable_output_folder(out: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes whatever the permissions")
    out.chmod(0o555)
    try:
        assert_one_line_error(publish(out), "permission denied")
    finally:
        out.chmod(0o755)
    assert assert_intact(out) == "1.1.0"


# -- 10. releases readable by all ------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_a_release_is_readable_as_the_umask_allows(tmp_path: Path, umask: int) -> None:
    """Builds were made by ``mkdtemp``, mode 0700: a web server running as another user could
    not read them. Now folders are 0777 and files 0666 less the umask (0755 and 0644)."""
    out = tmp_path / "out"
    done = publish(out, umask=umask)
    assert done.returncode == 0, done.stderr
    release = (out / "current").resolve()
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [release, *release.rglob("*")] if p.is_dir()}
    assert modes == {0o777 & ~umask}
    modes = {stat.S_IMODE(p.stat().st_mode) for p in release.rglob("*") if p.is_file()}
    assert modes == {0o666 & ~umask}
    for path in (out, out / "releases", out / "index.json"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044 & ~umask


# -- 11. the Excel worker dies with its parent -----------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_the_followers_die_with_a_killed_publish(out: Path) -> None:
    """The Excel copy's and the database's processes (publisher.release.follow)."""
    with publish(out, fault="excel-worker:hang", stderr=subprocess.PIPE, text=True) as running:
        assert running.stderr is not None
        for line in running.stderr:
            if line.strip() == "adreg: step package":
                break
        deadline = time.monotonic() + 30
        while len(workers := children(running.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, "the followers were not started"
        os.kill(running.pid, signal.SIGKILL)
        running.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(w) for w in workers), "a follower outlived its publish"
    assert assert_intact(out) == "1.1.0"
