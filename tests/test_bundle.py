"""The release's zip of its data package: the package's bytes, the same zip for the same
package, and a zip that stops when the build it belongs to is abandoned."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from publisher.read.reader import Reader
from publisher.release.bundle import Stopped, write_zip, zip_name


def test_the_zip_holds_the_package_and_is_the_same_each_time(
    sample_release: Path, tmp_path: Path
) -> None:
    folder = Reader(sample_release).folder
    package = next((folder / "datapackages").iterdir())
    shipped = folder / zip_name(package.name)
    again = write_zip(package, tmp_path / "again.zip")
    assert shipped.read_bytes() == again.read_bytes()
    with zipfile.ZipFile(shipped) as zf:
        assert zf.testzip() is None
        files = sorted(p for p in package.rglob("*") if p.is_file())
        assert zf.namelist() == [f"{package.name}/{p.relative_to(package)}" for p in files]
        for p in files:
            assert zf.read(f"{package.name}/{p.relative_to(package)}") == p.read_bytes()


def test_a_zip_stops_when_asked(sample_release: Path, tmp_path: Path) -> None:
    package = next((Reader(sample_release).folder / "datapackages").iterdir())
    stop = threading.Event()
    stop.set()
    with pytest.raises(Stopped):
        write_zip(package, tmp_path / "stopped.zip", stop)
