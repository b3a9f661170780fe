"""Property-based fuzzing of the answer endpoints from the OpenAPI document (schemathesis), in-process (ASGI)
with the sample plan loaded: whatever the inputs — valid per the schema or deliberately not — never a 5xx,
and answers conform to the documented schema.

Bounded (a few dozen examples per operation and mode) so the module stays well under 3 minutes. The
operations are driven through ``APIOperation.as_strategy`` with plain Hypothesis ``@given`` (schemathesis'
own pytest plugin does not run on this pytest version).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

MAX_EXAMPLES = 60

OPERATIONS = [
    ("GET", "/health"),
    ("GET", "/v1/zoning"),
    ("POST", "/v1/parcels/analyze"),
    ("POST", "/v1/parcels/compare"),
    ("GET", "/v1/activities"),
    ("GET", "/v1/activities/{code}/zones"),
]


@pytest.fixture(scope="module")
def api_schema(database, sample_plan):
    from api.app import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(database))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_errors_and_documented_answers(api_schema, method, path, mode):
    if path == "/health" and mode == GenerationMode.NEGATIVE:
        pytest.skip("no parameters to get wrong")
    operation = api_schema[path][method]
    checks = [not_a_server_error] + ([response_schema_conformance] if mode == GenerationMode.POSITIVE else [])

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        if case.query and case.query.get("f") == "html":
            case.query["f"] = "json"  # the HTML preview belongs to rdtr.render; its own tests cover it
        case.call_and_validate(checks=checks)

    run()
