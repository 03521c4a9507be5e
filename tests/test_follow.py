"""Publish's followers: the Excel copy and the database made by second processes from
each table as the package is written (:mod:`publisher.release.follow`)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_database import sample_tables, write_sample

from publisher.errors import UserError
from publisher.release import package
from publisher.release.database import build_database
from publisher.release.follow import Follower, Followers
from publisher.release.load import Arrivals, PackageError
from publisher.release.workbook import write_workbook


def write(folder: Path, watch: package.Watcher | None = None) -> list[dict[str, Any]]:
    """The test package written into ``folder``; its resources' descriptor entries."""
    write_sample(folder, watch=watch)
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return list(desc["resources"])


def dump(path: Path) -> list[str]:
    """The database's SQL, statement by statement, sorted (a follower makes each table's
    indexes as it goes: the schema lists them in another order)."""
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.iterdump())
    finally:
        conn.close()


class Watched(Followers):
    """Followers, and what the package's writer told them, checked against the files."""

    def __init__(self, folder: Path, followers: list[Follower]) -> None:
        super().__init__(followers)
        self.folder = folder
        self.told: list[tuple[str, str, int]] = []
        self.path = ""

    def begun(self, entry: dict[str, Any]) -> None:
        assert "bytes" not in entry and "hash" not in entry
        self.path = entry["path"]
        self.told.append(("begun", entry["name"], 0))
        super().begun(entry)

    def wrote(self, size: int) -> None:
        assert (self.folder / self.path).stat().st_size == size  # on disk before it is told
        self.told.append(("wrote", self.path, size))
        super().wrote(size)

    def written(self, entry: dict[str, Any]) -> None:
        assert (self.folder / entry["path"]).stat().st_size == entry["bytes"]
        self.told.append(("written", entry["name"], entry["bytes"]))
        super().written(entry)


def test_followers_make_the_files_the_finished_package_makes(tmp_path: Path) -> None:
    pkg = tmp_path / "package"
    tables = sample_tables()
    names = package.written_order(tables)
    watched = Watched(
        pkg,
        [
            Follower("excel", pkg, tmp_path / "followed.xlsx", names),
            Follower("database", pkg, tmp_path / "followed.db", names),
        ],
    )
    write(pkg, watched)
    watched.wait()
    assert [name for kind, name, _ in watched.told if kind == "begun"] == names
    assert names[0] == "vocabulary"  # it labels the sheets after it
    assert sum(kind == "wrote" for kind, _, _ in watched.told) >= len(names)
    write_workbook(pkg, tmp_path / "after.xlsx")
    build_database(pkg, tmp_path / "after.db", keys_checked=True)
    followed = (tmp_path / "followed.xlsx").read_bytes()
    assert followed == (tmp_path / "after.xlsx").read_bytes()
    assert dump(tmp_path / "followed.db") == dump(tmp_path / "after.db")
    assert len(dump(tmp_path / "followed.db")) > 1000


def tell(followers: Followers, entries: list[dict[str, Any]]) -> None:
    """Tell ``followers`` of each of ``entries``' files, begun and written."""
    for entry in entries:
        followers.begun({k: v for k, v in entry.items() if k not in ("bytes", "hash")})
        followers.written(entry)


def told(names: list[str], entries: list[dict[str, Any]], upto: int | None = None) -> str:
    """The lines a follower reads while ``entries`` are written, whole (or the last only
    up to byte ``upto``)."""
    lines: list[Any] = [names]
    for i, entry in enumerate(entries):
        head = {k: v for k, v in entry.items() if k not in ("bytes", "hash")}
        lines += [["begun", head], ["wrote", entry["bytes"] // 2]]
        if upto is None or i < len(entries) - 1:
            lines.append(["written", entry])
        else:
            lines.append(["wrote", upto])
    return "\n".join(json.dumps(x) for x in lines) + "\n"


def test_a_follower_of_an_abandoned_package_fails_and_leaves_no_file(tmp_path: Path) -> None:
    pkg = tmp_path / "package"
    entries = write(pkg)
    out = tmp_path / "adreg.db"
    follower = Follower("database", pkg, out, [e["name"] for e in entries])
    tell(Followers([follower]), entries[:1])
    with pytest.raises(UserError, match=f"database failed: .*after 1 of its {len(entries)} tables"):
        follower.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package"]


def test_a_follower_whose_package_is_unreadable_says_which_file(tmp_path: Path) -> None:
    pkg = tmp_path / "package"
    entries = write(pkg)
    (pkg / entries[1]["path"]).write_text("not,the,header\r\n", encoding="utf-8")
    follower = Follower("excel", pkg, tmp_path / "adreg.xlsx", [e["name"] for e in entries])
    tell(Followers([follower]), entries)
    with pytest.raises(UserError, match=r"the Excel copy failed: .*header differs"):
        follower.wait()


def test_a_table_told_before_the_one_it_refers_to_is_refused(tmp_path: Path) -> None:
    pkg = tmp_path / "package"
    entries = {e["name"]: e for e in write(pkg)}
    order = ["vocabulary", "registrations", "authorities", "publishers"]  # registrations early
    said = told(order, [entries[n] for n in order])
    with pytest.raises(PackageError, match="registrations comes before authorities, publishers"):
        build_database(pkg, tmp_path / "a.db", arriving=Arrivals(io.StringIO(said)))
    assert not list(tmp_path.glob("*.db*"))


def test_a_package_described_unlike_its_tables_is_refused(tmp_path: Path) -> None:
    pkg = tmp_path / "package"
    entries = write(pkg)
    said = told([e["name"] for e in entries[:2]], entries[:2])  # the descriptor has all
    with pytest.raises(PackageError, match=r"datapackage\.json lists"):
        write_workbook(pkg, tmp_path / "a.xlsx", arriving=Arrivals(io.StringIO(said)))


def test_a_file_is_read_only_as_far_as_it_is_written(tmp_path: Path) -> None:
    """Bytes past what the writer said are not read, and the end of the input in the
    middle of a file abandons the package."""
    pkg = tmp_path / "package"
    media = next(e for e in write(pkg) if e["name"] == "media")
    text = (pkg / media["path"]).read_bytes()
    upto = text.index(b"\r\n", len(text) * 2 // 3) + 2  # whole lines, as the writer flushes
    arriving = Arrivals(io.StringIO(told(["media"], [media], upto)))
    entry = next(arriving.entries())
    with arriving.open(pkg / entry["path"]) as fh:
        raw, got = fh.buffer.raw, b""  # type: ignore[attr-defined]
        while len(got) < upto:  # as far as each word of the writer's
            got += raw.read(len(text))
        assert got == text[:upto]
        with pytest.raises(PackageError, match=r"abandoned while media\.csv was written"):
            raw.read(1)
