"""Running the app under uvicorn with one or more worker processes (``l2o serve --workers N``).

::

    serve(host="127.0.0.1", port=8000, workers=2)   # the app over $L2O_DATABASE_URL, $L2O_SPEC

Each worker process builds the app itself (:func:`app_from_environment`: the store named by
``L2O_DATABASE_URL``, the architecture by ``L2O_SPEC``) and listens on a socket of its own
bound with ``SO_REUSEPORT``, so the kernel spreads new connections evenly over the workers.
uvicorn's own ``--workers`` shares one listening socket instead: its workers race to accept,
and a client opening a handful of keep-alive connections at once can land them all on one
worker while the other idles - two workers then serve no more than one. Where the platform
has no ``SO_REUSEPORT``, uvicorn's shared socket is used.

Sockets are made with ``IPPROTO_TCP`` named, so asyncio turns Nagle's algorithm off on
every accepted connection (``TCP_NODELAY``); without it a response written in two parts
waits for the client's delayed acknowledgement, about 40 ms.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import signal
import socket
from typing import Any

from fastapi import FastAPI

__all__ = ["app_from_environment", "make_ready", "serve", "settle_heap"]

APP = "l2o.entrypoints.serving:app_from_environment"


def app_from_environment() -> FastAPI:
    """The dashboard and the API over ``L2O_DATABASE_URL`` applying ``L2O_SPEC``, scoring
    with the learned models switched on in ``L2O_DATA_DIR/models``."""
    from l2o.entrypoints.server import create_app
    from l2o.settings import load_settings
    from l2o.store import engine_for

    settings = load_settings(None)
    engine = engine_for(settings.database_url)
    spec = os.environ.get("L2O_SPEC") or None
    app = create_app(engine, spec=spec, models_dir=settings.data_dir / "models")
    make_ready(app)
    return app


def make_ready(app: FastAPI) -> None:
    """What every server does with its app before taking requests: build what the first
    request would (:func:`l2o.entrypoints.server.build_ahead`), then settle the heap with it
    (:func:`settle_heap`)."""
    from l2o.entrypoints.server import build_ahead

    build_ahead(app)
    settle_heap()


#: New objects (less those freed) after which Python's cycle collector looks at the youngest
#: generation; Python's default is 700.
YOUNG_GENERATION_THRESHOLD = 7000


def settle_heap() -> None:
    """Collect, then freeze what the server has built so far (modules, the app, the spec);
    call once the app is built (and :func:`l2o.entrypoints.server.build_ahead` has built
    what its first request would).

    Python's cycle collector walks every tracked object on a full collection: with the
    libraries the app imports that is some 300,000 objects and a 40-150 ms pause, a few
    times a minute, in the middle of requests. Frozen objects are left out of collections,
    so a full one walks only what requests create (2-5 ms). At exit the objects are
    unfrozen again, so the interpreter's last collection still frees them (native
    extensions such as DuckDB's otherwise report them as leaked).

    The youngest generation is then collected every 7,000 new objects instead of 700. Each
    collection walks the objects of the requests in flight; at a thousand requests a second
    the default collected about 80 times a second in each worker, pausing its requests each
    time.
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)
    atexit.unregister(gc.unfreeze)
    atexit.register(gc.unfreeze)


def serve(
    host: str, port: int, workers: int = 1, *, log_level: str = "info", app: str = APP
) -> None:
    """Serve the app the factory ``app`` (``module:function``; default
    :func:`app_from_environment`) builds, on ``host:port`` with ``workers`` processes,
    until interrupted."""
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        _run(app, host, port, workers, log_level, reuse_port=False)
        return
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(target=_run, args=(app, host, port, 1, log_level, True))
        for _ in range(workers)
    ]
    for child in children:
        child.start()

    def stop(_signum: int, _frame: Any) -> None:
        for child in children:
            if child.is_alive():
                child.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            child.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(app: str, host: str, port: int, workers: int, log_level: str, reuse_port: bool) -> None:
    """One uvicorn server (or uvicorn's own supervisor of ``workers``) on a TCP socket."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])
