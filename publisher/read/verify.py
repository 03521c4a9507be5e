"""The advertiser's question, offline: is this medium registered and valid on a date?

Answers from a release's SQLite file (opened read-only and immutable): the
status on the date, the registration, publisher, authority, validity window,
the decisions that prove it, penalties in publicity, and the release version
and the database's sha256, so the answer can be filed as evidence.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..manifest import read_manifest
from ..values import clean_text
from .db import connect_readonly
from .search import name_search
from .status import status_on

_CN = re.compile(r"^(?:CN)?\s*(\d{2})-?(\d{4})(?:/.*)?$", re.IGNORECASE)
STATUS_ZH = {
    "not_registered": "未登记",
    "valid": "有效",
    "deemed_renewal": "视为准予延续",
    "expired": "已过期（未延续、未注销）",
    "cancelled": "已注销",
    "revoked": "已撤销",
    "withdrawn": "已吊销",
    "no_longer_required": "登记制度已取消，无需登记",
}


def release_db(release: Path) -> tuple[Path, Any]:
    """The SQLite file of a release folder (or the ``current`` link of an output root)."""
    release = Path(release)
    if (release / "current").exists():
        release = (release / "current").resolve()
    manifest = read_manifest(release)
    dbs = [f for f in manifest.files if f.path.endswith(".db")]
    if not dbs:
        raise UserError(f"{release}: the release has no SQLite database")
    return release / dbs[0].path, (manifest, dbs[0])


def _media(conn: sqlite3.Connection, where: str, args: list[Any]) -> list[sqlite3.Row]:
    return conn.execute(
        f"""select m.registration_id, m.name as medium_name, m.type, m.cn_number,
                   p.name as publisher_name, a.name as authority_name
            from media m
            join registrations r on r.id = m.registration_id
            join publishers p on p.id = r.publisher_id
            join authorities a on a.division_code = r.authority_code
            where {where}
            order by m.registration_id
            limit 50""",
        args,
    ).fetchall()


def _candidates(conn: sqlite3.Connection, q: str) -> list[sqlite3.Row]:
    """Exact matches on CN number, medium name, registration number or ISSN; else names
    containing the query (the indexed name search, 1- and 2-character queries included)."""
    text = clean_text(q)
    cn = _CN.match(text.replace(" ", ""))
    if cn:
        rows = _media(conn, "m.cn_number = ?", [f"{cn.group(1)}-{cn.group(2)}"])
        if rows:
            return rows
    rows = _media(
        conn,
        "m.name = ? or r.registration_number = ? or m.issn = ?",
        [text, text.replace(" ", ""), text.upper()],
    )
    if rows:
        return rows
    ids = [hit["id"] for hit in name_search(conn, text, limit=50, kind="medium")]
    if not ids:
        return []
    return _media(conn, f"m.id in ({', '.join('?' * len(ids))})", ids)


def _status(conn: sqlite3.Connection, registration_id: str, day: date) -> dict[str, Any]:
    period = status_on(conn, registration_id, day)
    return period if period is not None else {"status": "not_registered"}


def verify(release: Path, query: str, day: date) -> dict[str, Any]:
    """The answer for ``query`` (medium name, CN number or registration number) on ``day``."""
    db_path, (manifest, entry) = release_db(release)
    regime_end = date.fromisoformat(manifest.regime_end) if manifest.regime_end else None
    conn = connect_readonly(db_path)
    conn.row_factory = sqlite3.Row
    try:
        found = _candidates(conn, query)
        regs = sorted({r["registration_id"] for r in found})
        base: dict[str, Any] = {
            "query": query,
            "on": day.isoformat(),
            "release": {"version": manifest.version, "as_of": manifest.as_of},
            "database": {"path": entry.path, "sha256": entry.sha256},
        }
        if not regs:
            return base | {"status": "not_registered", "candidates": []}
        if len(regs) > 1:
            return base | {"status": "ambiguous", "candidates": [dict(r) for r in found]}
        rid = regs[0]
        asked = day
        answer: dict[str, Any] = {}
        if regime_end is not None and day > regime_end:
            asked = regime_end
            answer["status"] = "no_longer_required"
            answer["last_status"] = _status(conn, rid, regime_end)["status"]
        period = _status(conn, rid, asked)
        answer.setdefault("status", period["status"])
        answer["period"] = period
        reg = dict(conn.execute("select * from registrations where id = ?", [rid]).fetchone())
        publisher = dict(
            conn.execute("select * from publishers where id = ?", [reg["publisher_id"]]).fetchone()
        )
        authority = dict(
            conn.execute(
                "select * from authorities where division_code = ?", [reg["authority_code"]]
            ).fetchone()
        )
        media = [
            dict(r)
            for r in conn.execute(
                "select name, type, cn_number, issn, frequency, channel, licence_number, "
                "licence_valid_from, licence_valid_to from media where registration_id = ?",
                [rid],
            )
        ]
        decisions = [
            dict(r)
            for r in conn.execute(
                "select id, decision_number, kind, decision_date, publication_date, notice_id "
                "from decisions where registration_id = ? and decision_date <= ? "
                "order by decision_date, id",
                [rid, asked.isoformat()],
            )
        ]
        penalties = [
            dict(r)
            for r in conn.execute(
                "select id, decision_number, kinds, fine_amount, decision_date, publicity_end "
                "from penalties where party_credit_code = ? and decision_date <= ? "
                "and (publicity_end is null or publicity_end >= ?) order by decision_date",
                [publisher.get("credit_code"), day.isoformat(), day.isoformat()],
            )
        ]
        details = conn.execute(
            "select * from registration_details where registration_id = ? and valid_from <= ? "
            "order by valid_from desc limit 1",
            [rid, asked.isoformat()],
        ).fetchone()
        in_force = period["status"] in ("valid", "deemed_renewal")
        return (
            base
            | answer
            | {
                "registration": reg,
                "details_on_date": dict(details) if details else None,
                "publisher": publisher,
                "authority": authority,
                "media": media,
                "validity": {
                    "from": period["valid_from"] if in_force else reg.get("valid_from"),
                    "to": period["valid_to"] if in_force else reg.get("valid_to"),
                },
                "decisions": decisions,
                "penalties_in_publicity": penalties,
            }
        )
    finally:
        conn.close()


def answer_text(a: dict[str, Any]) -> str:
    status = a["status"]
    lines = [f"{a['query']} 于 {a['on']}：{STATUS_ZH.get(status, status)} ({status})"]
    if status == "ambiguous":
        lines[0] = f"{a['query']}：匹配到多个登记，请选择 (ambiguous)"
        for c in a["candidates"]:
            lines.append(
                f"  - {c['medium_name']}  {c['publisher_name']}  {c['authority_name']}  "
                f"[{c['registration_id']}]"
            )
    elif "registration" in a:
        if status == "no_longer_required":
            lines.append(f"  登记制度终止前状态: {a['last_status']}")
        reg, pub, auth = a["registration"], a["publisher"], a["authority"]
        name = (a.get("details_on_date") or {}).get("publisher_name") or pub["name"]
        lines.append(f"  广告发布单位: {name} ({pub.get('credit_code') or '—'})")
        lines.append(
            f"  登记机关: {auth['name']}  登记证号: {reg.get('registration_number') or '—'}"
        )
        lines.append(f"  有效期: {a['validity']['from'] or '—'} 至 {a['validity']['to'] or '—'}")
        lines.append("  发布媒介: " + "、".join(m["name"] for m in a["media"]))
        for d in a["decisions"]:
            lines.append(f"  决定: {d['decision_date']} {d['kind']} {d['decision_number']}")
        for p in a["penalties_in_publicity"]:
            lines.append(
                f"  处罚(公示中): {p['decision_date']} {p['kinds']} {p['decision_number']}"
            )
    lines.append(
        f"  数据版本 {a['release']['version']} (as of {a['release']['as_of']}), "
        f"{a['database']['path']} sha256 {a['database']['sha256']}"
    )
    return "\n".join(lines)
