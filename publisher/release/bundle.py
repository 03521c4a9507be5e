"""The whole data package as one zip file, for people who download one thing.

``<name>-datapackage.zip`` holds ``<name>/datapackage.json`` and every file of the
package, the same bytes (so each file's sha256 in the descriptor still holds). Entries
carry a fixed time: the same package gives the same zip.
"""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 20


def zip_name(package_name: str) -> str:
    return f"{package_name}-datapackage.zip"


class Stopped(Exception):
    """The zip was asked to stop (the build it belongs to failed)."""


def write_zip(package: Path, dest: Path, stop: threading.Event | None = None) -> Path:
    """Zip the package folder ``package`` (deflated) into ``dest``; ``stop`` set ends it."""
    files = sorted(p for p in package.rglob("*") if p.is_file())
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in files:
            info = zipfile.ZipInfo(
                f"{package.name}/{path.relative_to(package).as_posix()}", date_time=FIXED_TIME
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as src, zf.open(info, "w", force_zip64=True) as out:
                while chunk := src.read(CHUNK):
                    if stop is not None and stop.is_set():
                        raise Stopped(dest)
                    out.write(chunk)
    return dest
