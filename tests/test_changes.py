"""Releases carry their complete diff (every row added, removed or changed, with its
contents); "changes since" an earlier release merges the diffs on the way and equals the
diff of the two packages computed directly; ``index.json`` says when the data last changed.

Four releases of the samples: as of 2018-06-30, 2021-04-28, then 2019-12-31 (rows go
away) and 2019-12-31 again (nothing changes). Blocks are made small, so pages start in
the middle of the compressed files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import msgspec
import pytest
from conftest import SAMPLE_CONFIG, SAMPLE_SOURCES
from litestar.testing import TestClient

from api import create_app
from publisher.read import changes as read_changes
from publisher.read.changes import changes_since
from publisher.read.reader import Reader
from publisher.release import changes as write_changes
from publisher.release.publish import load_config, publish

AS_OF = [date(2018, 6, 30), date(2021, 4, 28), date(2019, 12, 31), date(2019, 12, 31)]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("changes") / "out"
    # the samples' row-count assertions are for their as-of date: earlier releases hold fewer
    config = msgspec.structs.replace(load_config(SAMPLE_CONFIG), assertions={})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(write_changes, "BLOCK_ROWS", 7)
        for day in AS_OF:
            publish(SAMPLE_SOURCES, out, config=config, as_of=day)
    return out


def versions(root: Path) -> list[str]:
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    return [m["version"] for m in index["releases"]]


def package_rows(folder: Path) -> dict[str, dict[str, dict[str, str | None]]]:
    """resource → key → row, read from a release's CSVs (key: the primary key's values)."""
    package = next((folder / "datapackages").iterdir())
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    out = {}
    csv.field_size_limit(1 << 30)
    for res in descriptor["resources"]:
        key = res["schema"].get("primaryKey", [])
        with (package / res["path"]).open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = {}
            for values in reader:
                row = dict(zip(header, values, strict=True))
                k = "|".join(row[f] for f in key) if key else "|".join(values)
                rows[k] = {f: (v if v != "" else None) for f, v in row.items()}
        out[res["name"]] = rows
    return out


def direct_diff(old: Path, new: Path) -> set[tuple[str, str, str, str]]:
    """(resource, key, op, contents) computed from the two packages directly."""
    a, b = package_rows(old), package_rows(new)
    out = set()
    for name in a.keys() | b.keys():
        before, after = a.get(name, {}), b.get(name, {})
        for key in before.keys() | after.keys():
            o, n = before.get(key), after.get(key)
            if o == n:
                continue
            op = "added" if o is None else "removed" if n is None else "changed"
            out.add((name, key, op, json.dumps([o, n], sort_keys=True)))
    return out


def all_changes(reader: Reader, since: str, limit: int) -> Iterator[dict[str, Any]]:
    cursor = ""
    while True:
        page = changes_since(reader, since, after=cursor, limit=limit)
        assert len(page.items) <= limit
        yield from ({"page": page, "item": item} for item in page.items)
        if page.next is None:
            return
        cursor = page.next


def test_each_release_but_the_first_carries_its_complete_diff(root: Path) -> None:
    v = versions(root)
    assert len(v) == 4
    assert not (root / "releases" / v[0] / "changes").exists()
    for old, new in pairwise(v):
        index = read_changes.read_index(root / "releases" / new)
        assert index is not None and (index.old_version, index.new_version) == (old, new)
        got = set()
        for name, res in index.resources.items():
            assert [f for f, _ in res.blocks] == sorted(f for f, _ in res.blocks)
            lines = list(read_changes._lines(root / "releases" / new, name, res, ""))
            assert [c.key for c in lines] == sorted(c.key for c in lines)
            assert (res.added, res.removed, res.changed) == tuple(
                sum(c.op == op for c in lines) for op in ("added", "removed", "changed")
            )
            got |= {(name, c.key, c.op, json.dumps([c.old, c.new], sort_keys=True)) for c in lines}
        assert got == direct_diff(root / "releases" / old, root / "releases" / new)
    # the diff.json summary counts the same rows
    summary = json.loads((root / "releases" / v[2] / "diff.json").read_text(encoding="utf-8"))
    index = read_changes.read_index(root / "releases" / v[2])
    assert index is not None
    for name, res in index.resources.items():
        s = summary["resources"][name]
        assert (s["added"], s["removed"], s["changed"]) == (res.added, res.removed, res.changed)
    assert any(r.removed for r in index.resources.values())  # going back in time removes rows


@pytest.mark.parametrize("since", [0, 1, 2, 3])
def test_changes_since_merge_the_diffs_on_the_way(root: Path, since: int) -> None:
    v = versions(root)
    reader = Reader(root)
    assert reader.ref.version == v[-1]
    got = set()
    for seen in all_changes(reader, v[since], limit=5):
        item = seen["item"]
        if item.op == "changed":
            assert item.fields and all(item.old.get(f) != item.new.get(f) for f in item.fields)
        got.add(
            (item.resource, item.key, item.op, json.dumps([item.old, item.new], sort_keys=True))
        )
    assert got == direct_diff(root / "releases" / v[since], root / "releases" / v[-1])
    first = changes_since(reader, v[since], limit=5)
    assert [s.version for s in first.steps] == v[since + 1 :]
    assert [s.previous for s in first.steps] == v[since:-1]
    if since >= 2:
        assert got == set()  # the last release changed nothing


def test_index_says_when_the_data_last_changed(root: Path) -> None:
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    releases = index["releases"]
    assert [m["changed_rows"] > 0 for m in releases] == [True, True, True, False]
    assert index["last_changed"] == releases[2]["created"]


def test_the_api_lists_changes_page_by_page(root: Path) -> None:
    v = versions(root)
    with TestClient(create_app(root, rate_limit=None)) as client:
        seen = set()
        params: dict[str, Any] = {"since": v[1], "limit": 13}
        while True:
            response = client.get("/api/v1/changes", params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["release"]["version"] == v[-1] and page["since"] == v[1]
            assert (
                page["last_changed"]
                == json.loads((root / "index.json").read_text(encoding="utf-8"))["last_changed"]
            )
            seen |= {(i["resource"], i["key"], i["op"]) for i in page["items"]}
            if page["next"] is None:
                break
            assert 'rel="next"' in response.headers["link"]
            params["cursor"] = page["next"]
        expected = direct_diff(root / "releases" / v[1], root / "releases" / v[-1])
        assert seen == {(r, k, op) for r, k, op, _ in expected}
        bad = client.get("/api/v1/changes", params={"since": v[1], "cursor": "nothing:x"})
        assert bad.status_code == 400 and "nothing" in bad.json()["detail"]
        unknown = client.get("/api/v1/changes", params={"since": "9.9.9"})
        assert unknown.status_code == 404 and "9.9.9" in unknown.json()["detail"]
        newer = client.get("/api/v1/release").json()
        assert newer["previous"] == v[-2] and newer["last_changed"]


def test_a_release_without_a_complete_diff_is_said_so(root: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "out"
    shutil.copytree(root, copy, symlinks=True)
    v = versions(copy)
    shutil.rmtree(copy / "releases" / v[2] / "changes")
    with pytest.raises(read_changes.ChangesUnavailable, match=v[2]):
        changes_since(Reader(copy), v[0])
    assert changes_since(Reader(copy), v[2]).items == []  # since after it: fine
    with TestClient(create_app(copy, rate_limit=None)) as client:
        response = client.get("/api/v1/changes", params={"since": v[0]})
        assert response.status_code == 404 and "no complete diff" in response.json()["detail"]
