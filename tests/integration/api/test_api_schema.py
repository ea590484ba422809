"""The API against its own OpenAPI document (schemathesis, in process over ASGI).

Every operation gets generated requests, valid and invalid, with an admin token: no answer
may be a server error, and every answer must use a documented status code and content type,
and have a body matching the documented schema.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from api_world import EXAMPLES, WEBHOOK_SECRET, World
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import Engine

from l2o.entrypoints.api import create_api
from l2o.entrypoints.api.config import ApiSettings

EXAMPLES_PER_OPERATION = int(os.environ.get("L2O_SCHEMA_EXAMPLES", "6"))
# Running an assessment writes its whole report package (seconds each): a few suffice.
SLOW_OPERATIONS = {"POST /assessments": 2}
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.slow
def test_every_operation_answers_as_its_schema_says(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    settings_ = ApiSettings(inbound_webhook_secret=WEBHOOK_SECRET, data_dir=tmp_path / "data")
    app = create_api(engine, spec=EXAMPLES / "revenue-machine.yaml", settings=settings_)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {world.tokens['admin']}"}
    known_ids = [world.east_deal, world.west_deal, world.quote, *world.users.values()]
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        for mode, checks in (
            (GenerationMode.POSITIVE, CONFORMANCE),
            (GenerationMode.NEGATIVE, [not_a_server_error, content_type_conformance]),
        ):
            try:
                _exercise(operation, mode, checks, headers, known_ids)
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                continue
            except Exception as exc:
                failures.append(f"{mode.value} {operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def _exercise(
    operation: schemathesis.APIOperation,
    mode: GenerationMode,
    checks: list[schemathesis.CheckFunction],
    headers: dict[str, str],
    known_ids: list[str],
) -> None:
    """Send generated requests to ``operation``; valid ones half the time aim at real records."""
    has_id = "record_id" in operation.path

    @given(
        case=operation.as_strategy(generation_mode=mode),
        known=st.sampled_from(known_ids),
        reuse=st.booleans(),
    )
    @settings(
        max_examples=SLOW_OPERATIONS.get(operation.label, EXAMPLES_PER_OPERATION),
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case, known: str, reuse: bool) -> None:
        if has_id and reuse and mode is GenerationMode.POSITIVE:
            case.path_parameters = {**(case.path_parameters or {}), "record_id": known}
        case.call_and_validate(headers=headers, checks=checks, timeout=120)

    run()
