"""L2O - Lead-to-Order revenue architecture.

The curated public API: the architecture spec (load, check, lint, dump), the error tree and
the runtime settings. The store, engine and analytics are reached through their packages
(``l2o.store``, ...) so that ``import l2o`` stays light.

    >>> import l2o
    >>> spec = l2o.load_spec("examples/revenue-machine.yaml")  # doctest: +SKIP
    >>> [w.path for w in l2o.lint_spec(spec)]  # doctest: +SKIP
    []
"""

from l2o.__about__ import __version__
from l2o.errors import (
    L2OError,
    MigrationError,
    RecordNotFound,
    SettingsError,
    SpecError,
    SpecProblem,
    StaleRecord,
    StoreError,
)
from l2o.settings import Settings, load_settings
from l2o.spec import (
    ArchitectureSpec,
    SpecReport,
    check_spec,
    dump_spec,
    lint_spec,
    load_spec,
    spec_json_schema,
    spec_to_yaml,
)

__all__ = [
    "ArchitectureSpec",
    "L2OError",
    "MigrationError",
    "RecordNotFound",
    "Settings",
    "SettingsError",
    "SpecError",
    "SpecProblem",
    "SpecReport",
    "StaleRecord",
    "StoreError",
    "__version__",
    "check_spec",
    "dump_spec",
    "lint_spec",
    "load_settings",
    "load_spec",
    "spec_json_schema",
    "spec_to_yaml",
]
