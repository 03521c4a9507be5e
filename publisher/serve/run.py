"""Start ``adreg serve``: check the release and the port, print the URLs, run uvicorn.

Every check that can fail because of the user's setup (no release yet, a damaged one,
the port taken) is made before the server starts, and answered with one line. The
workers (``--workers N``, processes sharing the one listening socket) each build the
application from the environment (:func:`from_env`), so each follows the ``current``
link by itself.
"""

from __future__ import annotations

import errno
import inspect
import os
import socket
from pathlib import Path

from ..errors import UserError
from ..manifest import read_manifest
from ..read.reader import release_folder
from .app import API, EXPLORE, Server, check_release, create

ENV_ROOT = "ADREG_SERVE_ROOT"
ENV_SECRET = "DATASETTE_SECRET"  # shared by replicas that should accept each other's cookies


def from_env() -> Server:
    """The application for a uvicorn worker: the root from ``ADREG_SERVE_ROOT``."""
    root = os.environ.get(ENV_ROOT)
    if not root:
        raise UserError(f"set {ENV_ROOT} to an output root or a release folder")
    return create(Path(root), secret=os.environ.get(ENV_SECRET) or None)


def check(root: Path) -> Path:
    """The release ``root`` serves now, checked; a one-line error if there is none or it
    is damaged."""
    folder = release_folder(root)
    problems = check_release(folder)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(
            f"{folder}: the release is damaged: {problems[0]}{more}; publish again "
            "(adreg publish) or point current at a sound release"
        )
    return folder


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or a one-line error (port taken, not allowed, bad host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UserError(f"--host {host}: not an address of this machine ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UserError(
                f"port {port} on {host} is taken (another adreg serve?): stop it or choose "
                "another --port"
            ) from None
        if exc.errno == errno.EACCES:
            raise UserError(
                f"port {port}: not allowed for this user; choose one above 1023"
            ) from None
        raise UserError(f"{host}:{port}: cannot listen ({exc.strerror})") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def urls(host: str, port: int) -> dict[str, str]:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::", ""):
        shown = "127.0.0.1"
    base = f"http://{shown}:{port}"
    return {"site": f"{base}/", "API": f"{base}{API}", "Datasette": f"{base}{EXPLORE}"}


def serve(root: Path, host: str, port: int, workers: int) -> None:
    """Serve ``root`` until interrupted."""
    import uvicorn

    if workers < 1:
        raise UserError("--workers must be 1 or more")
    folder = check(root)
    version = read_manifest(folder).version
    sock = bind(host, port)
    os.environ[ENV_ROOT] = str(Path(root).absolute())
    config = uvicorn.Config(
        f"{__name__}:from_env",
        factory=True,
        workers=workers,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    print(f"adreg: serving release {version} of {root} ({workers} worker{'s' * (workers > 1)}):")
    for name, url in urls(host, port).items():
        print(f"  {name:<10} {url}", flush=True)
    if workers == 1:
        uvicorn.Server(config).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    server = uvicorn.Server(config)
    extra = {"target": server.run} if "target" in inspect.signature(Multiprocess).parameters else {}
    Multiprocess(config, sockets=[sock], **extra).run()
