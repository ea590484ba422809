"""The web dashboard: server-rendered pages over the services, one view per persona.

::

    app = FastAPI()
    app.include_router(create_router(engine, spec="architecture.yaml"))
    mount_static(app)

Pages are Jinja2 templates in this package; charts are Vega-Lite specs drawn in the browser
by the vendored Vega scripts (``static/vendor``, nothing fetched from a CDN); htmx makes the
forms that act (advance a deal, approve a discount) answer in place. A person signs in with
their API token (an HttpOnly, SameSite=Strict cookie); what their role may not see is left
out of the navigation and its URL answers 403. See docs/dashboard.md.
"""

from l2o.entrypoints.web.router import STATIC_DIR, STATIC_URL, create_router, mount_static

__all__ = ["STATIC_DIR", "STATIC_URL", "create_router", "mount_static"]
