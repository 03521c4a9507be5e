"""The public query API: a thin HTTP layer (Litestar + msgspec) over the read side.

Flows in: a release folder or an output root (its ``current`` release is followed per
request). Flows out: JSON answers under ``/api/v1`` (the read side's Structs, as
``adreg verify --json`` gives them), Atom feeds, an OpenRefine reconciliation service and
the release's files; the OpenAPI document at ``/api/schema``. Read-only: nothing here
writes. Imports the shared core and ``publisher.read`` only.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
