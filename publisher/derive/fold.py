"""Registrations and their status over time: a fold over the decision log.

Flows in: decisions (:class:`publisher.model.Decision`). Flows out: :class:`Derived`
(see :mod:`publisher.derive.records`). Decisions are grouped by registration, sorted by
``(decision date, kind rank, id)`` (grant, then change, then renewal, then the terminal
kinds) and folded once. Status on a date is read from the fold's periods (``status_on``),
never stored as a column.

The rules, which ``tests/test_derive.py`` restates as a day-by-day reference:

* Decisions before the first grant and after the first terminal decision (cancellation,
  annulment, revocation) are reported as anomalies and do not change the status.
* Validity end ``E`` = the latest ``licence_valid_to`` among the registration's media (Art. 7);
  decisions update the media they list (matched by CN/ISSN/frequency/channel or name) and the
  licence items of their changes. A renewal that carries no later licence end leaves ``E``
  unknown (open-ended) until a later decision carries one; an unknown end counts as valid.
* On a day ``d`` from the grant to the day before the terminal decision: ``valid`` if ``E`` is
  unknown or ``d <= E``; otherwise ``deemed_renewal`` (Art. 10) if the next renewal decision
  was applied for on or before ``E - 30 days``, else ``expired`` (Art. 9(1)).
* From the terminal decision's date on: ``cancelled`` / ``annulled`` / ``revoked``.
* A revocation or annulment by another authority (Art. 14) is matched to the registration
  of the same registrant code at another authority, the latest granted before its date.
* A change of the registrant's credit code (old → new) keeps the registration and its id:
  later decisions under the new code join it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from ..model import Decision
from ..runtime import paused_gc
from .records import (
    DEFAULT_REGIME_END,
    RENEWAL_NOTICE,
    TERMINAL,
    Derived,
    DetailPeriod,
    Registration,
    Status,
    StatusPeriod,
    registrant_code,
    registration_id,
)
from .state import Out, Snap, State

# Same-day decisions apply grant, renewal, change, then the terminal kinds: a renewal lists
# the media as they were, and a change of the same day renames them after it.
_RANK = {"grant": 0, "renewal": 1, "change": 2} | dict.fromkeys(TERMINAL, 3)
_Run = tuple[date, "Status", str | None]  # (from, status, decision that started it)


def _sort_key(d: Decision) -> tuple[date, int, str]:
    return d.decision_date, _RANK[d.kind], d.id


def derive(
    decisions: Iterable[Decision],
    *,
    regime_end: date = DEFAULT_REGIME_END,
    as_of: date | None = None,
) -> Derived:
    """Fold the decision log into registrations, status periods, detail periods and anomalies.

    Status periods stop at the horizon: ``regime_end`` (no registration was required after
    it) or ``as_of`` (nothing later is known), whichever is earlier.

    The cyclic garbage collector is paused meanwhile: the fold allocates millions of small
    objects that form no cycles, and collections would rescan the whole log each time.
    """
    horizon = regime_end if as_of is None else min(regime_end, as_of)
    with paused_gc():
        return _derive(decisions, horizon)


def _derive(decisions: Iterable[Decision], horizon: date) -> Derived:
    out = Out()
    groups: dict[str, list[Decision]] = {}
    pending: list[Decision] = []  # revocations/annulments to match across authorities
    renames: list[Decision] = []  # changes of the registrant's credit code
    first_grant: dict[str, date] = {}  # the first grant of each registration
    for d in decisions:
        if d.changes and any(c.field == "credit_code" for c in d.changes):
            renames.append(d)
        p = d.publisher
        code = p.credit_code or p.sponsor_credit_code
        if code:
            rid = d.authority_code + "-" + code
        else:
            rid = registration_id(d.authority_code, p)
            if rid not in groups:
                out.anomaly("no_credit_code", "registrant keyed by name", rid, d.id)
        if d.kind == "revocation" or d.kind == "annulment":
            pending.append(d)
            groups.setdefault(rid, [])
        elif (group := groups.get(rid)) is None:
            groups[rid] = [d]
        else:
            group.append(d)
        if d.kind == "grant" and ((fg := first_grant.get(rid)) is None or d.decision_date < fg):
            first_grant[rid] = d.decision_date
    # A new credit code (say, the unified one) keeps the registration granted under the old.
    alias: dict[str, str] = {}
    for d in sorted(renames, key=_sort_key):
        for c in d.changes:
            if c.field == "credit_code" and c.old and c.new:
                old, new = d.authority_code + "-" + c.old, d.authority_code + "-" + c.new
                old = alias.get(old, old)
                if old != new and old in first_grant and new not in first_grant:
                    alias[new] = old
                    groups[old].extend(groups.pop(new, []))
    by_code: dict[str, list[str]] = defaultdict(list)
    if pending:
        for rid in first_grant:
            by_code[rid.split("-", 1)[1]].append(rid)
        for new, old in alias.items():
            by_code[new.split("-", 1)[1]].append(old)
    for d in pending:
        groups[_match(d, first_grant, by_code, alias, out)].append(d)
    registration_of: dict[str, str] = {}
    for rid, group in groups.items():
        if rid not in first_grant:
            group.sort(key=_sort_key)
            for d in group:
                _before_grant(out, d, None, "no grant on record")
            continue
        if len(group) > 1:
            group.sort(key=_sort_key)
        for d in group:
            registration_of[d.id] = rid
        _fold(rid, group, horizon, out)
    return Derived(
        registrations=out.registrations,
        periods=out.periods,
        detail_periods=out.details,
        anomalies=out.anomalies,
        registration_of=registration_of,
        renewal_prior_end=out.renewal_prior_end,
    )


def _match(
    d: Decision,
    first_grant: dict[str, date],
    by_code: dict[str, list[str]],
    alias: dict[str, str],
    out: Out,
) -> str:
    """The registration a revocation or annulment applies to (Art. 14: maybe another authority)."""
    own = registration_id(d.authority_code, d.publisher)
    own = alias.get(own, own)
    code = registrant_code(d.publisher)
    if own in first_grant or code is None or not by_code.get(code):
        return own
    candidates = by_code[code]
    live = [r for r in candidates if first_grant[r] <= d.decision_date]
    if not live:
        return min(candidates, key=lambda r: (first_grant[r], r))
    chosen = max(live, key=lambda r: (first_grant[r], r))
    if len(live) > 1:
        out.anomaly("ambiguous_match", f"registrations {', '.join(sorted(live))}", chosen, d.id)
    return chosen


def _before_grant(out: Out, d: Decision, rid: str | None, why: str) -> None:
    if d.kind in TERMINAL:
        out.anomaly("cancellation_of_unknown_registration", f"{d.kind}: {why}", rid, d.id)
    else:
        out.anomaly("change_before_grant", f"{d.kind} on {d.decision_date}: {why}", rid, d.id)


def _fold(rid: str, group: list[Decision], horizon: date, out: Out) -> None:
    """One registration: ``group`` is sorted and holds at least one grant."""
    start = 0
    while group[start].kind != "grant":
        start += 1
    grant = group[start]
    for d in group[:start]:
        _before_grant(out, d, rid, f"before the grant of {grant.decision_date}")
    applied: list[Decision] = []
    terminal: Decision | None = None
    for d in group[start:]:
        if terminal is not None:
            if (
                d.kind == "cancellation"
                and terminal.kind in ("withdrawal", "annulment", "revocation")
                and d.cancellation_ground in ("withdrawn_annulled_or_revoked", None)
            ):
                continue  # Art. 9(3): the cancellation a annulment or revocation calls for
            detail = (
                f"{d.kind} on {d.decision_date} after {terminal.kind} of {terminal.decision_date}"
            )
            out.anomaly("decision_after_end", detail, rid, d.id)
            continue
        if d.kind == "grant" and applied:
            out.anomaly("duplicate_grant", f"further grant on {d.decision_date}", rid, d.id)
        applied.append(d)
        if d.kind in TERMINAL:
            terminal = d
    n = len(applied)
    # The first renewal after each position (for the deemed-renewal test).
    next_renewal: list[Decision | None] = [None] * (n + 1)
    for i in range(n - 2, -1, -1):
        after = applied[i + 1]
        next_renewal[i] = after if after.kind == "renewal" else next_renewal[i + 1]

    state = State(rid, grant, out)
    runs: list[_Run] = []
    details: list[tuple[date, str, Snap]] = []  # (from, decision id, details)
    i = 0
    while i < n:
        day = applied[i].decision_date
        lead: Decision | None = None  # the day's grant/renewal if any, else its last decision
        ended = False
        while i < n and applied[i].decision_date == day:
            d = applied[i]
            if d.kind in TERMINAL:
                _push(runs, day, TERMINAL[d.kind], d.id, True)
                ended = True
            else:
                state.apply(d, i == 0)
                # Details change from the day the change happened (never before earlier ones).
                since = day
                for c in d.changes:
                    if c.changed_on is not None and c.changed_on < since:
                        since = c.changed_on
                if not details:
                    since = day
                elif since <= details[-1][0]:
                    since = details[-1][0]
                    details.pop()
                snap = state.snapshot()
                if not details or details[-1][2] != snap:
                    details.append((since, d.id, snap))
                if lead is None or lead.kind not in ("grant", "renewal") or d.kind != "change":
                    lead = d
            i += 1
        if lead is not None and not ended:
            nxt = applied[i].decision_date if i < n else None
            _segments(runs, day, nxt, state.end, next_renewal[i - 1], lead)

    _close(rid, runs, horizon, out)
    one_day = timedelta(days=1)
    for k, (since, did, snap) in enumerate(details):
        until = details[k + 1][0] - one_day if k + 1 < len(details) else None
        name, code, rep, addr, sponsor, names, licence_from, licence_to = snap
        out.details.append(
            DetailPeriod(
                registration_id=rid,
                valid_from=since,
                valid_to=until,
                decision_id=did,
                publisher_name=name,
                credit_code=code,
                legal_representative=rep,
                address=addr,
                sponsor_name=sponsor,
                media_names=names,
                licence_valid_from=licence_from,
                licence_valid_to=licence_to,
            )
        )
    out.registrations.append(_registration(rid, grant, state, terminal))


def _segments(
    runs: list[_Run],
    day: date,
    nxt: date | None,
    end: date | None,
    renewal: Decision | None,
    lead: Decision,
) -> None:
    """Statuses from ``day`` up to the day before ``nxt`` (open-ended if None)."""
    if end is None:
        _push(runs, day, "valid", lead.id, lead.kind in ("grant", "renewal"))
        return
    if end >= day:
        _push(runs, day, "valid", lead.id, lead.kind in ("grant", "renewal"))
        if nxt is not None and end + timedelta(days=1) >= nxt:
            return
        day = end + timedelta(days=1)
    applied_on = renewal.application_date if renewal is not None else None
    deemed = applied_on is not None and applied_on <= end - RENEWAL_NOTICE
    if deemed and renewal is not None:
        _push(runs, day, "deemed_renewal", renewal.id, False)
    else:
        _push(runs, day, "expired", None, False)


def _push(runs: list[_Run], day: date, status: Status, did: str | None, force: bool) -> None:
    """Start a run on ``day``, unless it merely continues the last one."""
    if runs and runs[-1][0] == day:
        runs.pop()
    if runs and runs[-1][1] == status and not (force and status == "valid"):
        return
    if status == "expired":
        did = None
    runs.append((day, status, did))


def _close(rid: str, runs: list[_Run], horizon: date, out: Out) -> None:
    """Runs → periods (each ends the day before the next starts, the last on the horizon);
    flag expiries within the regime (Art. 9(1))."""
    runs = [r for r in runs if r[0] <= horizon]
    for k, (since, status, did) in enumerate(runs):
        nxt = runs[k + 1] if k + 1 < len(runs) else None
        until = nxt[0] - timedelta(days=1) if nxt else horizon
        out.periods.append(
            StatusPeriod(
                registration_id=rid,
                status=status,
                valid_from=since,
                valid_to=until,
                decision_id=did,
            )
        )
        if status != "expired":
            continue
        if nxt is None:
            out.anomaly("expired_not_cancelled", f"expired since {since}", rid, None)
        elif nxt[1] == "valid":
            detail = f"expired {since} to {until}, then valid again"
            out.anomaly("expired_then_renewed", detail, rid, nxt[2])


def _registration(
    rid: str, grant: Decision, state: State, terminal: Decision | None
) -> Registration:
    return Registration(
        id=rid,
        authority_code=rid.split("-", 1)[0],
        registrant_credit_code=registrant_code(state.publisher),
        registration_number=state.number,
        publisher=state.publisher,
        media=state.media,
        media_names=state.names,
        grant_decision_id=grant.id,
        granted_on=grant.decision_date,
        end_kind=terminal.kind if terminal else None,
        ended_on=terminal.decision_date if terminal else None,
        end_decision_id=terminal.id if terminal else None,
    )
