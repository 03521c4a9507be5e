"""Run-time helpers shared by the pipeline's bulk steps."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for bulk work.

    Ingest, derive and package make millions of small objects that form no cycles;
    the collections they trigger would rescan all of them again and again and cost
    as much as the work itself (measured). Reference counting still frees memory.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
