"""Derive: the decision log → registrations, their status over time, notices, compliance.

Flows in: decisions and penalties (:mod:`publisher.model`). Flows out: registrations,
status periods and detail periods, anomalies (``fold``, ``records``, ``state``), the
notices (公告) that publish the decisions (``notices``), deadlines in working days and
penalty publicity (``compliance``, ``workdays``). Nothing here reads or writes files.
"""

from .fold import derive
from .records import (
    DEFAULT_REGIME_END,
    Anomaly,
    Derived,
    DetailPeriod,
    Registration,
    Status,
    StatusPeriod,
    group_periods,
    registrant_code,
    registration_id,
    status_on,
    status_with_regime,
)

__all__ = [
    "DEFAULT_REGIME_END",
    "Anomaly",
    "Derived",
    "DetailPeriod",
    "Registration",
    "Status",
    "StatusPeriod",
    "derive",
    "group_periods",
    "registrant_code",
    "registration_id",
    "status_on",
    "status_with_regime",
]
