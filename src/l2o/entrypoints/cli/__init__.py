"""The ``l2o`` command line (Typer + Rich). Thin: parse, call a service or a layer, print."""

from l2o.entrypoints.cli.app import app, main

__all__ = ["app", "main"]
