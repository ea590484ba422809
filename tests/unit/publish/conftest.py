"""The publish tests' fixtures: ``rich_assessment``, ``sparse_assessment`` and
``empty_assessment`` (built in ``publish_assessments``)."""

from __future__ import annotations

from typing import Any

import pytest
from publish_assessments import build_empty, build_rich, build_sparse


@pytest.fixture
def rich_assessment() -> dict[str, Any]:
    return build_rich()


@pytest.fixture
def sparse_assessment() -> dict[str, Any]:
    return build_sparse()


@pytest.fixture
def empty_assessment() -> dict[str, Any]:
    return build_empty()
