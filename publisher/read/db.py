"""Open a release's SQLite file for reading: read-only, immutable.

Only for a file nobody writes any more: a release's database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect_readonly(db_path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open a built database read-only and immutable (no locks, no change detection).

    Only for a file nobody writes any more: a release's database.
    """
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(path)
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=check_same_thread)
