"""Followers: the Excel copy and the database, each made by a second process that reads
the package's tables while publish writes them.

Writing the tables keeps one core busy; the workbook and the database's load read only
the package. So each is started before the first table is written and told how far each
file is written (:class:`publisher.release.load.Arrivals` is what they read, the lines
:class:`Followers` sends): on a 2-core machine they are made while the tables are, and
only what needs the whole package (the database's indexes and search index, the
workbook's 说明 sheet) is left for after. A follower ends when the publish that started
it ends, however that ends; a failed one is reported when publish waits for it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

from ..errors import UserError, shown
from ..faults import errno_in, fault
from ..runtime import die_with_parent
from .database import build_database
from .load import Arrivals
from .workbook import write_workbook

SCRIPT = "import sys; from publisher.release.follow import main; main(sys.argv[1:])"
# Writing the tables is what publish waits for: a follower yields the core to it, and
# keeps up on the other.
FOLLOWER_NICENESS = 5
WHAT = {"excel": "the Excel copy", "database": "the database"}


class Follower:
    """A follower process, seen from publish."""

    def __init__(self, kind: str, package: Path, out: Path, names: list[str]) -> None:
        self.what = WHAT[kind]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, kind, str(package), str(out), str(os.getpid())],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.send(names)

    def send(self, message: Any) -> None:
        """One line of its input (a failed follower's input goes nowhere: its error is
        read when publish waits for it)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass

    def wait(self) -> None:
        """Wait for it to finish; raise what it failed with (a failed write as OSError)."""
        assert self.proc.stdin is not None and self.proc.stderr is not None
        with suppress(BrokenPipeError):
            self.proc.stdin.close()  # the package is complete
        with self.proc.stderr:
            err = self.proc.stderr.read()
        self.proc.wait()
        if self.proc.returncode != 0:
            last = shown((err.decode(errors="replace").strip().splitlines() or ["?"])[-1], 200)
            if (code := errno_in(last)) is not None:  # it could not write its file
                raise OSError(code, f"{self.what}: {last}")
            raise UserError(f"release not switched in: {self.what} failed: {last}")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stderr):
            if pipe is not None:
                with suppress(BrokenPipeError):
                    pipe.close()


class Followers:
    """The followers of one package, told of its files as they are written (a
    :class:`publisher.release.package.Watcher`)."""

    def __init__(self, followers: list[Follower]) -> None:
        self.all = followers

    def begun(self, entry: dict[str, Any]) -> None:
        self._tell(["begun", entry])

    def wrote(self, size: int) -> None:
        self._tell(["wrote", size])

    def written(self, entry: dict[str, Any]) -> None:
        self._tell(["written", entry])

    def _tell(self, message: Any) -> None:
        for follower in self.all:
            follower.send(message)

    def wait(self) -> None:
        for follower in self.all:
            follower.wait()

    def kill(self) -> None:
        for follower in self.all:
            follower.kill()


def main(argv: list[str]) -> None:
    """A follower process: ``excel|database package out parent-pid``."""
    kind, package, out, parent = argv
    die_with_parent(int(parent))
    os.nice(FOLLOWER_NICENESS)
    fault(f"{kind}-worker")
    arriving = Arrivals(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8"))
    if kind == "excel":
        write_workbook(Path(package), Path(out), arriving=arriving)
    else:
        build_database(Path(package), Path(out), keys_checked=True, arriving=arriving)
