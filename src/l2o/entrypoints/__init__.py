"""The ways in: the command line (``cli``), later the HTTP API, the dashboard and the worker."""
