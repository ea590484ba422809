"""L2O - Lead-to-Order revenue architecture."""

from l2o.__about__ import __version__

__all__ = ["__version__"]
