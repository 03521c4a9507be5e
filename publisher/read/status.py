"""Status of a registration on a date, from the ``status_periods`` table of a release."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from .queries import STATUS_ON

STATUS_ON_SQL = STATUS_ON


def status_on(
    conn: sqlite3.Connection, registration_id: str, day: date | str
) -> dict[str, Any] | None:
    """The status period of ``registration_id`` containing ``day``; None: not registered.

    One search of the status_periods primary key (registration_id, valid_from).
    """
    on = day.isoformat() if isinstance(day, date) else day
    cur = conn.execute(STATUS_ON_SQL, {"registration_id": registration_id, "day": on})
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))
