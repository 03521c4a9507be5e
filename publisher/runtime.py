"""Run-time helpers shared by the pipeline's bulk steps."""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import threading
import time
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


def current_umask() -> int:
    """The process's file-mode creation mask (read by setting it, and set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` dies (a worker must not outlive a killed publish).

    On Linux the kernel sends SIGKILL when the parent exits (``PR_SET_PDEATHSIG``); a
    parent that died before that was set is seen at once. Elsewhere a thread watches."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def give_back_memory() -> None:
    """Return the C heap's free memory to the system (glibc's ``malloc_trim``): after a
    stage lets go of millions of small objects, their pages stay with the process
    otherwise, and the next stage's peak stacks on them. A no-op elsewhere."""
    import ctypes
    import gc

    gc.collect()
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the process's own C library
    if trim is not None:
        trim(0)
