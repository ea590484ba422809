"""The HTTP API (FastAPI): ``create_api(engine)`` is the one way to make the app."""

from l2o.entrypoints.api.app import create_api

__all__ = ["create_api"]
