"""The API fuzzed against its own OpenAPI document with schemathesis (bounded, deterministic).

Every operation gets generated requests (valid and invalid), authenticated as an admin, against the
app itself; no response may be a 5xx, have an undocumented status, or break its documented schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..voting_helpers import build_meeting, open_contests
from .conftest import make_key

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12  # per operation and generation mode; the seed is fixed (derandomize)


def test_every_operation_conforms_to_the_openapi_document(app):
    ready = build_meeting(app, n_households=12, seats=5, candidates=6)  # rows behind ids 1.. for the fuzzer to hit
    open_contests(app, ready, ready.choice_id)  # and an open contest, so casts can succeed too
    key = make_key(app, "fuzzer", "admin", all_communities=True)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 45
    headers = {"Authorization": f"Bearer {key}"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:
                continue  # no invalid input exists for it (e.g. a free-form path string): nothing to send
            except Exception as error:
                pytest.fail(f"{operation.label} ({mode.value}): {error}")
