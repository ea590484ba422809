"""Templates to text, HTML to PDF: the Jinja2 environment shipped with the package and
WeasyPrint, kept offline (a template can load nothing from the network).

HTML templates are autoescaped; Markdown ones are not. Charts enter a page as inline SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import weasyprint  # type: ignore[import-untyped]
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from l2o.publish import figures
from l2o.publish.charts import svg
from l2o.publish.method import (
    AI_READY_AT,
    DIMENSION_TITLES,
    INSUFFICIENT_EVIDENCE,
    NOT_MEASURED,
    QUADRANTS,
    REVENUE_MACHINE_AT,
    SECTOR_AVERAGE,
)
from l2o.publish.outcome_charts import method_name

__all__ = ["chart", "inline_code", "layout", "render", "write_pdf"]


def inline_code(text: str) -> Markup:
    """Text for HTML with its `backticked` words set as code (the step library's notation)."""
    parts = str(escape(text)).split("`")
    return Markup(
        "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))
    )


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("l2o.publish", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        score=figures.score,
        level=figures.level,
        metric_value=figures.metric_value,
        money=figures.money,
        money_short=figures.money_short,
        plain=figures.plain,
        change=figures.change,
        day=figures.day,
        code=inline_code,
        method=method_name,
    )
    env.globals.update(
        SECTOR_AVERAGE=SECTOR_AVERAGE,
        REVENUE_MACHINE_AT=REVENUE_MACHINE_AT,
        AI_READY_AT=AI_READY_AT,
        QUADRANTS=QUADRANTS,
        DIMENSION_TITLES=DIMENSION_TITLES,
        NOT_MEASURED=NOT_MEASURED,
        INSUFFICIENT_EVIDENCE=INSUFFICIENT_EVIDENCE,
    )
    return env


_ENV = _environment()


def render(template: str, **context: Any) -> str:
    """A packaged template rendered with ``context``."""
    return _ENV.get_template(template).render(**context)


def chart(spec: dict[str, Any]) -> Markup:
    """A Vega-Lite spec as inline SVG, safe to place in an autoescaped page."""
    return Markup(svg(spec))


def _offline(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """WeasyPrint's fetcher for inline data only: a report never reaches the network."""
    if url.startswith("data:"):
        return dict(weasyprint.default_url_fetcher(url, timeout, ssl_context))
    raise ValueError(f"the report may not load {url!r}: everything must be inline")


def layout(html: str) -> weasyprint.Document:
    """``html`` laid out in pages (``.pages``), ready for ``.write_pdf(path)``."""
    return weasyprint.HTML(string=html, url_fetcher=_offline).render()


def write_pdf(html: str, path: Path) -> int:
    """Write ``html`` as a PDF at ``path``; returns the number of pages."""
    document = layout(html)
    document.write_pdf(path)
    return len(document.pages)
