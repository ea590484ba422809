"""The version of the package, read by the build and by ``l2o --version``."""

__version__ = "0.1.0"
