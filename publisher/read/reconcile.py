"""Reconciliation: which publisher or medium of the register a name (and maybe a code) is.

A journalist's spreadsheet column of names is matched against the register: each name
gets scored candidates (0–100) and, where one candidate is certain, a match. Candidates
come from exact identifiers (credit code, CN number, ISSN), exact names (current and
former) and the read side's name search (1–2-character Chinese and pinyin included); the
score is the similarity of the query to the name (or the value that matched; at most 90
for pinyin), averaged with one score per property given (100 if the candidate's value is
it, else 0). A name no search finds whole is looked for by its first 4, then 2 characters.
The W3C Reconciliation API around it is the API's (``api/``).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any

from ..vocabulary import zh
from . import answers as a
from .reader import Reader
from .search import search

TYPES = {"publisher": "广告发布单位 Publisher", "medium": "发布媒介 Medium"}
PROPERTIES = {
    "credit_code": "统一社会信用代码 Credit code (the publisher's or its sponsor's)",
    "cn_number": "国内统一刊号 CN number (newspapers and periodicals)",
    "issn": "国际标准连续出版物号 ISSN",
    "authority_code": "登记机关行政区划代码 Registering authority's division code",
}
PINYIN_MAX = 90.0  # the best score a pinyin match gets
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


class ReconType(a.Answer):
    id: str
    name: str


class ReconCandidate(a.Answer):
    id: str
    name: str
    score: float
    match: bool
    type: list[ReconType]
    description: str = ""


def normal(text: str) -> str:
    """Text as names are compared: NFKC, case-folded, without spaces and punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).casefold()


def similarity(query: str, name: str) -> float:
    q, n = normal(query), normal(name)
    if not q or not n:
        return 0.0
    return 100.0 * SequenceMatcher(None, q, n, autojunk=False).ratio()


def _entity(reader: Reader, kind: str, ident: str) -> dict[str, Any] | None:
    """The facts a candidate is scored and described by."""
    if kind == "publisher":
        return reader.one(
            "SELECT p.id, p.name, p.kind, p.credit_code, p.sponsor_credit_code,"
            " (SELECT group_concat(r.authority_code, ' ') FROM registrations r"
            "  WHERE r.publisher_id = p.id) AS authority_codes"
            " FROM publishers p WHERE p.id = ?",
            [ident],
        )
    return reader.one(
        "SELECT m.id, m.name, m.type, m.cn_number, m.issn, p.credit_code,"
        " p.sponsor_credit_code, r.authority_code AS authority_codes"
        " FROM media m JOIN publishers p ON p.id = m.publisher_id"
        " JOIN registrations r ON r.id = m.registration_id WHERE m.id = ?",
        [ident],
    )


def _value(entity: dict[str, Any], pid: str) -> set[str]:
    if pid == "credit_code":
        return {v for v in (entity.get("credit_code"), entity.get("sponsor_credit_code")) if v}
    if pid == "authority_code":
        return set((entity.get("authority_codes") or "").split())
    value = entity.get(pid)
    return {value} if value else set()


def _code(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper().removeprefix("CN")


def describe(kind: str, entity: dict[str, Any]) -> str:
    if kind == "publisher":
        parts = [zh("publisher_kind", entity["kind"]), entity.get("credit_code") or ""]
    else:
        parts = [zh("medium_type", entity["type"])]
        parts += [f"CN {entity['cn_number']}" if entity.get("cn_number") else ""]
        parts += [f"ISSN {entity['issn']}" if entity.get("issn") else ""]
    return " · ".join(p for p in parts if p)


_BY_CODE = {
    "publisher": "SELECT id FROM publishers WHERE credit_code = :c"
    " UNION SELECT id FROM publishers WHERE sponsor_credit_code = :c LIMIT 50",
    "medium": "SELECT id FROM media WHERE cn_number = :c"
    " UNION SELECT id FROM media WHERE issn = :c LIMIT 50",
}
_BY_NAME = {
    "publisher": "SELECT id, name FROM publishers WHERE name = :t"
    " UNION SELECT id, sponsor_name FROM publishers WHERE sponsor_name = :t LIMIT 50",
    "medium": "SELECT id, name FROM media WHERE name = :t UNION SELECT medium_id, name"
    " FROM medium_names WHERE name = :t LIMIT 50",
}


def _exact(reader: Reader, text: str, kind: str | None) -> dict[tuple[str, str], str | None]:
    """(kind, id) → the name that matched (None: an identifier did) for identifiers and
    whole names (current or former, a sponsor's) equal to ``text``."""
    out: dict[tuple[str, str], str | None] = {}
    for k in [kind] if kind else list(TYPES):
        for r in reader.all(_BY_CODE[k], {"c": _code(text)}):
            out.setdefault((k, r["id"]), None)
        for r in reader.all(_BY_NAME[k], {"t": text}):
            out.setdefault((k, r["id"]), r["name"])
    return out


def reconcile(
    reader: Reader,
    query: str,
    *,
    kind: str | None = None,
    limit: int = 5,
    properties: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> list[ReconCandidate]:
    """The best ``limit`` candidates for ``query`` (of ``kind``: publisher, medium or any),
    best first. ``properties``: (pid, value) pairs of :data:`PROPERTIES` (others are
    ignored). ``match`` is set on the first candidate when it alone scores 100."""
    text = query.strip()
    if not text:
        return []
    found: dict[tuple[str, str], tuple[str | None, bool]] = {
        key: (matched, True) for key, matched in _exact(reader, text, kind).items()
    }
    # Names containing the query; then, for names that differ in their ends, its beginning.
    for piece in dict.fromkeys([text, text[:4], text[:2]]):
        if len(found) >= limit or not piece:
            break
        for hit in search(reader.conn, piece, limit=max(limit * 4, 20), kind=kind):
            pinyin = hit["matched_on"].endswith(("pinyin", "initials"))
            found.setdefault((hit["kind"], hit["id"]), (hit["matched"] or hit["name"], not pinyin))
    props = [(pid, v) for pid, v in properties if pid in PROPERTIES and v.strip()]
    scored: list[ReconCandidate] = []
    for (k, ident), (matched, certain) in found.items():
        entity = _entity(reader, k, ident)
        if entity is None:
            continue
        # An identifier given as the query is certain; a name scores by its likeness, and
        # pinyin is never certain (many names share it).
        if matched is None:
            scores = [100.0]
        else:
            score = max(similarity(text, entity["name"]), similarity(text, matched))
            scores = [score if certain else min(score, PINYIN_MAX)]
        for pid, v in props:
            scores.append(100.0 if _code(v) in {_code(x) for x in _value(entity, pid)} else 0.0)
        scored.append(
            ReconCandidate(
                id=ident,
                name=entity["name"],
                score=round(sum(scores) / len(scores), 1),
                match=False,
                type=[ReconType(id=k, name=TYPES[k])],
                description=describe(k, entity),
            )
        )
    scored.sort(key=lambda c: (-c.score, c.name, c.id))
    best = scored[:limit]
    if best and best[0].score >= 100.0 and (len(scored) == 1 or scored[1].score < 100.0):
        best[0].match = True
    return best


class Suggestion(a.Answer):
    id: str
    name: str
    description: str = ""


def suggest(
    reader: Reader, prefix: str, *, kind: str | None = None, limit: int = 10
) -> list[Suggestion]:
    """Entities for a type-ahead box: names containing ``prefix`` (pinyin and codes too)."""
    out = []
    for hit in search(reader.conn, prefix, limit=limit, kind=kind):
        entity = _entity(reader, hit["kind"], hit["id"])
        if entity is not None:
            out.append(
                Suggestion(
                    id=hit["id"], name=entity["name"], description=describe(hit["kind"], entity)
                )
            )
    return out


def lookup(reader: Reader, ident: str) -> tuple[str, dict[str, Any]] | None:
    """A publisher or medium by its id: (kind, facts), or None."""
    for kind in ("medium", "publisher"):
        entity = _entity(reader, kind, ident)
        if entity is not None:
            return kind, entity
    return None
