"""The read side's SQL, defined once: the statements its answers run, the views the
database carries and the canned queries Datasette offers are these strings.

"Now" is never the serving machine's clock: it is the release's horizon, the as-of date
capped at the regime's end (``release_info.horizon``). Any other date is a parameter.
"""

from __future__ import annotations

# The release's own facts: one row (name, version, as-of date, regime dates, horizon …).
RELEASE_INFO = "SELECT * FROM release_info"

# The status period of one registration containing :day (periods do not overlap, and
# every period ends by the horizon: a :day after it finds none).
STATUS_ON = """SELECT s.registration_id, s.status, v.zh AS status_zh,
       s.valid_from, s.valid_to, s.decision_id
FROM status_periods AS s
LEFT JOIN vocabulary AS v ON v.list = 'status' AND v.code = s.status
WHERE s.registration_id = :registration_id AND s.valid_from <= :day AND s.valid_to >= :day
ORDER BY s.valid_from DESC
LIMIT 1"""

# Status of every registration on the horizon, with its Chinese label.
CURRENT_STATUS = """SELECT r.id AS registration_id, r.registration_number,
       r.publisher_id, p.name AS publisher_name,
       r.authority_code, a.name AS authority_name,
       coalesce(s.status, 'not_registered') AS status,
       coalesce(v.zh, '该日无有效登记') AS status_zh,
       s.valid_from AS status_from, s.valid_to AS status_to, s.decision_id,
       i.horizon AS on_date, i.as_of
FROM registrations AS r
CROSS JOIN release_info AS i
LEFT JOIN status_periods AS s ON s.registration_id = r.id
     AND s.valid_from <= i.horizon AND s.valid_to >= i.horizon
LEFT JOIN vocabulary AS v ON v.list = 'status' AND v.code = s.status
LEFT JOIN publishers AS p ON p.id = r.publisher_id
LEFT JOIN authorities AS a ON a.division_code = r.authority_code"""

REGISTRATION_OVERVIEW = """SELECT r.id AS registration_id, r.registration_number,
       r.authority_code, a.name AS authority_name, a.level AS authority_level,
       r.publisher_id, p.name AS publisher_name, p.kind AS publisher_kind, p.credit_code,
       p.sponsor_name, p.sponsor_credit_code,
       r.granted_on, r.ended_on, r.end_kind,
       (SELECT count(*) FROM media AS m WHERE m.registration_id = r.id) AS media_count,
       (SELECT group_concat(name, '、') FROM (SELECT name FROM media AS m
            WHERE m.registration_id = r.id ORDER BY name)) AS media_names,
       (SELECT count(*) FROM decisions AS d WHERE d.registration_id = r.id) AS decision_count,
       (SELECT max(decision_date) FROM decisions AS d
            WHERE d.registration_id = r.id) AS last_decision_date,
       i.horizon AS on_date,
       coalesce((SELECT s.status FROM status_periods AS s
            WHERE s.registration_id = r.id AND s.valid_from <= i.horizon
              AND s.valid_to >= i.horizon), 'not_registered') AS status_on_horizon
FROM registrations AS r
CROSS JOIN release_info AS i
LEFT JOIN publishers AS p ON p.id = r.publisher_id
LEFT JOIN authorities AS a ON a.division_code = r.authority_code"""

# name → (tables it needs, description, SQL)
VIEWS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "current_status": (
        ("registrations", "status_periods", "publishers", "authorities", "vocabulary"),
        "Each registration's status on the release's horizon (its as-of date, capped at "
        "the regime's end): never the serving machine's clock",
        CURRENT_STATUS,
    ),
    "registration_overview": (
        ("registrations", "status_periods", "publishers", "authorities", "media", "decisions"),
        "One row per registration: registrant, authority, media, decisions, and its status "
        "on the release's horizon",
        REGISTRATION_OVERVIEW,
    ),
}

# ---- canned queries: what a journalist starts from --------------------------------

MEDIA_VALID_ON = """SELECT m.id AS medium_id, m.name AS medium_name, m.type, m.cn_number, m.issn,
       m.frequency, m.channel, p.name AS publisher_name, a.name AS authority_name,
       s.status, v.zh AS status_zh, s.valid_from AS status_from, s.valid_to AS status_to,
       m.registration_id
FROM status_periods AS s
JOIN media AS m ON m.registration_id = s.registration_id
JOIN registrations AS r ON r.id = s.registration_id
JOIN publishers AS p ON p.id = r.publisher_id
JOIN authorities AS a ON a.division_code = r.authority_code
LEFT JOIN vocabulary AS v ON v.list = 'status' AND v.code = s.status
WHERE s.status IN ('valid', 'deemed_renewal') AND s.valid_from <= :day AND s.valid_to >= :day
ORDER BY a.division_code, m.name"""

EXPIRED_NEVER_CANCELLED = """SELECT r.id AS registration_id, r.registration_number,
       p.name AS publisher_name, a.name AS authority_name,
       s.valid_from AS expired_from, s.valid_to AS expired_until,
       (SELECT group_concat(name, '、') FROM media AS m WHERE m.registration_id = r.id)
           AS media_names
FROM status_periods AS s
JOIN registrations AS r ON r.id = s.registration_id
JOIN publishers AS p ON p.id = r.publisher_id
JOIN authorities AS a ON a.division_code = r.authority_code
CROSS JOIN release_info AS i
WHERE s.status = 'expired' AND s.valid_to = i.horizon AND r.ended_on IS NULL
ORDER BY s.valid_from"""

LATE_DECISIONS = """SELECT d.id, d.decision_number, d.kind, v.zh AS kind_zh, d.decision_date,
       d.acceptance_date, d.application_date, d.workdays_to_decision,
       d.publisher_name, a.name AS authority_name
FROM decisions AS d
JOIN authorities AS a ON a.division_code = d.authority_code
LEFT JOIN vocabulary AS v ON v.list = 'decision_kind' AND v.code = d.kind
WHERE d.decision_late = 1
ORDER BY d.workdays_to_decision DESC, d.decision_date"""

PENALTIES_BY_AUTHORITY_YEAR = """SELECT a.division_code, a.name AS authority_name,
       substr(pe.decision_date, 1, 4) AS year, count(*) AS penalties,
       sum(pe.fine_amount) AS fines_cny
FROM penalties AS pe
JOIN authorities AS a ON a.division_code = pe.authority_code
GROUP BY a.division_code, year
ORDER BY a.division_code, year"""

AUTHORITY_NOTICES = """SELECT n.id, n.notice_number, n.title, n.publication_date,
       n.publication_date_imputed, n.compiled, n.decision_count, n.authority_name
FROM notices AS n
WHERE n.authority_code = :authority_code
  AND n.publication_date >= :from_date AND n.publication_date <= :to_date
ORDER BY n.publication_date, n.id"""

REGISTRANT_HISTORY = """SELECT d.decision_date, d.kind, v.zh AS kind_zh, d.decision_number,
       d.publisher_name, d.media_names, d.registration_id, a.name AS authority_name,
       d.notice_id
FROM publishers AS p
JOIN decisions AS d ON d.publisher_id = p.id
JOIN authorities AS a ON a.division_code = d.authority_code
LEFT JOIN vocabulary AS v ON v.list = 'decision_kind' AND v.code = d.kind
WHERE p.credit_code = :credit_code OR p.sponsor_credit_code = :credit_code
   OR p.id = :credit_code
ORDER BY d.decision_date, d.id"""

# name → (title, description, SQL): Datasette's canned queries.
CANNED: dict[str, tuple[str, str, str]] = {
    "media_valid_on": (
        "某日有效登记的发布媒介 Media validly registered on a date",
        "Media whose registration was valid (or deemed renewed, Art. 10) on :day "
        "(YYYY-MM-DD, up to the release's horizon).",
        MEDIA_VALID_ON,
    ),
    "status_on_date": (
        "登记在某日的状态 Status of a registration on a date",
        "The status period of :registration_id containing :day (YYYY-MM-DD); nothing after "
        "the release's horizon, which adreg verify answers as 'no longer required' or from "
        "what was known on the as-of date.",
        STATUS_ON,
    ),
    "expired_never_cancelled": (
        "有效期届满未延续也未注销 Expired, never renewed or cancelled (Art. 9(1))",
        "Registrations still expired on the release's horizon, with no terminal decision.",
        EXPIRED_NEVER_CANCELLED,
    ),
    "late_decisions": (
        "逾期作出的登记决定 Decisions later than 5 working days (Arts. 5, 8)",
        "Grants and changes decided more than 5 working days after acceptance.",
        LATE_DECISIONS,
    ),
    "penalties_by_authority_year": (
        "各登记机关逐年行政处罚 Penalties by authority and year",
        "Penalties in publicity on the release's as-of date, counted by authority and year.",
        PENALTIES_BY_AUTHORITY_YEAR,
    ),
    "authority_notices": (
        "登记机关在某期间的公告 An authority's notices in a date range",
        "Notices of :authority_code published from :from_date to :to_date (YYYY-MM-DD).",
        AUTHORITY_NOTICES,
    ),
    "registrant_history": (
        "按统一社会信用代码查询登记历史 A registrant's full history by credit code",
        "Every decision on the registrant (or sponsor) with credit code :credit_code.",
        REGISTRANT_HISTORY,
    ),
}

# The latest notices as Datasette's Atom feed (datasette-atom's columns), for everyone or
# one authority (:authority_code, empty for all). Links are relative to the feed, so they
# lead to the notice's row wherever Datasette is mounted.
NOTICES_FEED = """SELECT 'tag:adreg,2016-12-01:notice/' || n.id AS atom_id,
       n.publication_date || 'T00:00:00+08:00' AS atom_updated,
       n.title AS atom_title,
       n.body AS atom_content,
       'notices/' || n.id AS atom_link,
       n.authority_name AS atom_author_name,
       n.id, n.notice_number, n.publication_date, n.publication_date_imputed, n.compiled,
       n.decision_count, n.authority_code
FROM notices AS n
WHERE :authority_code = '' OR n.authority_code = :authority_code
ORDER BY n.publication_date DESC, n.id DESC
LIMIT 100"""
