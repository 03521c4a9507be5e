"""The fold's running state for one registration: media, registrant details, validity end.

:class:`State` applies a grant, change or renewal in turn (Art. 7: the validity end is the
latest licence end among the media); :class:`Out` collects what all folds yield.
"""

from __future__ import annotations

from datetime import date

import msgspec

from ..model import Decision, Medium
from ..values import BadValue, parse_date
from .records import (
    Anomaly,
    AnomalyCode,
    DetailPeriod,
    Registration,
    StatusPeriod,
)

# Change items that set a publisher detail: change field → Publisher attribute.
_PUBLISHER_FIELDS = {"publisher_name": "name"} | {
    f: f for f in ("legal_representative", "address", "credit_code", "sponsor_name")
}
# Details a decision may leave blank, then kept from before.
_KEPT_FIELDS = (
    "credit_code",
    "legal_representative",
    "address",
    "sponsor_name",
    "sponsor_credit_code",
)
_MEDIUM_TEXT_FIELDS = ("frequency", "channel", "cn_number", "issn", "licence_number")
_MEDIUM_DATE_FIELDS = ("licence_valid_from", "licence_valid_to")
# (name, registrant code, legal representative, address, sponsor name, media names,
#  licence window in force: first day, last day)
Snap = tuple[
    str, str | None, str | None, str | None, str | None, tuple[str, ...], date | None, date | None
]


def _parse(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except BadValue:
        return None


def _medium_key(m: Medium) -> tuple[str, ...]:
    if m.cn_number:
        return ("cn", m.cn_number)
    if m.issn:
        return ("issn", m.issn)
    if m.frequency:
        return (m.type, "f", m.frequency)
    if m.channel:
        return (m.type, "c", m.channel)
    return (m.type, "n", m.name)


class Out:
    """Accumulates the results of all folds."""

    def __init__(self) -> None:
        self.registrations: list[Registration] = []
        self.periods: list[StatusPeriod] = []
        self.details: list[DetailPeriod] = []
        self.anomalies: list[Anomaly] = []
        self.renewal_prior_end: dict[str, date] = {}

    def anomaly(
        self, code: AnomalyCode, detail: str, rid: str | None = None, did: str | None = None
    ) -> None:
        self.anomalies.append(
            Anomaly(code=code, detail=detail, registration_id=rid, decision_id=did)
        )


class State:
    """The fold's running state for one registration."""

    def __init__(self, rid: str, grant: Decision, out: Out) -> None:
        self.rid = rid
        self.out = out
        self.publisher = grant.publisher
        self.media: list[Medium] = []
        self.keys: list[tuple[str, ...]] = []  # _medium_key of each medium
        self.names: list[list[tuple[date, str]]] = []  # each medium's names, from when
        self.day = grant.decision_date  # the day of the decision being applied
        self.extra_end: date | None = None  # a licence end that no listed medium carries
        self.open = False  # a renewal left the end unknown
        self.end: date | None = None
        self.number = grant.registration_number

    def apply(self, d: Decision, first: bool) -> None:
        """Apply a grant, change or renewal: media, publisher details, validity end."""
        before = self.end
        self.day = d.decision_date
        carried = [m.licence_valid_to for m in d.media if m.licence_valid_to]
        if first:
            self.media, self.keys, self.names = [], [], []
        for m in d.media:
            self._upsert(m)
        p, cur = d.publisher, self.publisher
        if p != cur:  # the decision's own statement of the details, gaps filled from before
            kept = {f: getattr(p, f) or getattr(cur, f) for f in _KEPT_FIELDS}
            self.publisher = msgspec.structs.replace(cur, name=p.name, kind=p.kind, **kept)
        for c in d.changes:
            if c.field in _PUBLISHER_FIELDS and c.new is not None:
                attr = _PUBLISHER_FIELDS[c.field]
                self.publisher = msgspec.structs.replace(self.publisher, **{attr: c.new})
            elif d.media:
                continue  # the listed media carry the new values
            elif c.field == "medium_name" and c.new is not None:
                self._change_medium("name", c.old, c.new)
            elif c.field in _MEDIUM_TEXT_FIELDS and c.new is not None:
                self._change_medium(c.field, c.old, c.new)
            elif c.field in _MEDIUM_DATE_FIELDS and (new := _parse(c.new)) is not None:
                if c.field == "licence_valid_to":
                    carried.append(new)
                self._change_medium(c.field, _parse(c.old), new)
        if d.registration_number:
            self.number = d.registration_number
        # The validity end (Art. 7), and whether a renewal left it unknown.
        if d.kind == "renewal":
            if before is not None:
                self.out.renewal_prior_end[d.id] = before
            new_end = max(carried, default=None)
            self.open = new_end is None or (before is not None and new_end <= before)
        elif first or carried:
            self.open = False
        if self.open:
            end = None
        else:
            ends = [m.licence_valid_to for m in self.media if m.licence_valid_to]
            end = max(ends, default=self.extra_end)
            if self.extra_end and end and self.extra_end > end:
                end = self.extra_end
        self.end = end
        if end is None and (first or d.kind == "renewal"):
            why = (
                "renewal carries no later licence end" if d.kind == "renewal" else "no licence end"
            )
            self.out.anomaly("validity_unknown", why, self.rid, d.id)

    def _upsert(self, m: Medium) -> None:
        key = _medium_key(m)
        for i, old in enumerate(self.media):
            if self.keys[i] == key or (old.type == m.type and old.name == m.name):
                self.media[i], self.keys[i] = m, key
                self._named(i, m.name)
                return
        self.media.append(m)
        self.keys.append(key)
        self.names.append([(self.day, m.name)])

    def _named(self, i: int, name: str) -> None:
        """Medium ``i`` is called ``name`` from the day being applied on."""
        history = self.names[i]
        if history[-1][1] == name:
            return
        if history[-1][0] == self.day:
            history.pop()
        if not history or history[-1][1] != name:
            history.append((self.day, name))

    def _change_medium(self, attr: str, old: object, new: object) -> None:
        """Set ``attr`` on the media whose value was ``old``; else on the only (or every) one."""
        hits = [i for i, m in enumerate(self.media) if old is not None and getattr(m, attr) == old]
        if not hits:
            hits = list(range(len(self.media)))
        if not hits and attr == "licence_valid_to" and isinstance(new, date):
            self.extra_end = new
        for i in hits:
            self.media[i] = msgspec.structs.replace(self.media[i], **{attr: new})
            self.keys[i] = _medium_key(self.media[i])
            if attr == "name" and isinstance(new, str):
                self._named(i, new)

    def licence_window(self) -> tuple[date | None, date | None]:
        """The licence window in force (Art. 7): the end that sets the validity, and the
        start of the licence that carries it (if known); (None, None) while unknown."""
        if self.end is None:
            return None, None
        starts = [
            s for m in self.media if m.licence_valid_to == self.end and (s := m.licence_valid_from)
        ]
        return max(starts, default=None), self.end

    def snapshot(self) -> Snap:
        p, names = self.publisher, tuple(m.name for m in self.media)
        code = p.credit_code or p.sponsor_credit_code
        start, end = self.licence_window()
        return (p.name, code, p.legal_representative, p.address, p.sponsor_name, names, start, end)
