"""One controller per resource; each handler a thin call into the read side."""

from __future__ import annotations

from .changes import ChangesController
from .entities import MediaController, PublisherController, RegistrationController
from .notices import FeedController, NoticeController, PenaltyController
from .reconcile import ReconcileController
from .release import ReleaseController, health, health_under_api
from .verify import VerifyController

CONTROLLERS = [
    VerifyController,
    RegistrationController,
    PublisherController,
    MediaController,
    NoticeController,
    FeedController,
    PenaltyController,
    ChangesController,
    ReconcileController,
    ReleaseController,
]

__all__ = ["CONTROLLERS", "health", "health_under_api"]
