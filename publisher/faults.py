"""Faults: what a failed write means to the user, and fault points for tests.

A publish that runs out of disk, or writes into a read-only folder, fails with one line
naming the cause (:func:`write_fault`), never a traceback. :func:`fault` lets a test make
such a failure happen at a named point of a publish, where a full or read-only filesystem
cannot be had (an unprivileged machine): ``ADREG_FAULT=database:enospc`` makes the
point ``database`` fail as a full disk would; ``:erofs`` as a read-only filesystem,
``:kill`` kills the process there (a crash), ``:hang`` stops it there. The variable is
read here and nowhere else; unset, a fault point does nothing.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import time

ENV = "ADREG_FAULT"

_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large for the filesystem",
    errno.EROFS: "read-only filesystem",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "input/output error",
}
# How libraries that do not keep the errno (SQLite, Polars' Rust I/O) say the same.
_MESSAGES = {
    "database or disk is full": errno.ENOSPC,
    "no space left on device": errno.ENOSPC,
    "os error 28": errno.ENOSPC,
    "read-only file system": errno.EROFS,
    "readonly database": errno.EROFS,
    "os error 30": errno.EROFS,
    "disk i/o error": errno.EIO,
    "permission denied": errno.EACCES,
}


def errno_in(text: str) -> int | None:
    """The errno a message of a failed write names in words, if any."""
    text = text.lower()
    for needle, code in _MESSAGES.items():
        if needle in text:
            return code
    return None


def write_fault(exc: BaseException) -> str | None:
    """What ``exc`` says if it is a failed write (disk full, read-only, no permission),
    in a few words; None if it is something else (a bug, to be shown in full)."""
    if isinstance(exc, OSError) and exc.errno in _ERRNOS:
        return _ERRNOS[exc.errno]
    if isinstance(exc, OSError | sqlite3.Error) or type(exc).__module__.startswith("polars"):
        code = errno_in(str(exc))
        return _ERRNOS[code] if code is not None else None
    return None


def fault(point: str) -> None:
    """Fail here as ``ADREG_FAULT`` says, if it names ``point``."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    for item in spec.split(","):
        where, _, action = item.partition(":")
        if where != point:
            continue
        if action == "enospc":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"(fault point {point})")
        if action == "erofs":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), f"(fault point {point})")
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if action == "hang":
            while True:
                time.sleep(60)
        raise ValueError(f"{ENV}: unknown action {action!r} (enospc, erofs, kill, hang)")
