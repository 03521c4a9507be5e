"""The API against its own OpenAPI document: schemathesis generates requests for every
operation, with valid and with invalid parameters, and checks every response against the
document (no server error, documented status codes, content types and bodies). The
document itself is checked in (tests/openapi.json), so a change to it is a visible diff.

Each operation is a test of its own (parametrized by the checked-in document's
operationIds); cases come from schemathesis' Hypothesis strategies for the operation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from api import create_app
from api.__main__ import openapi_document

CHECKED_IN = Path(__file__).with_name("openapi.json")
EXAMPLES = 60  # per operation and mode
CONSTRAINTS = ("pattern", "maxLength", "minLength", "minimum", "maximum", "enum", "format")


def _invalid_input_exists(op: dict[str, Any]) -> bool:
    """Whether an operation has any input that can be wrong (else negative mode is void)."""
    params = op.get("parameters", [])
    return (
        "requestBody" in op
        or any(p.get("required") and p["in"] == "query" for p in params)
        or any(k in json.dumps(p.get("schema", {})) for p in params for k in CONSTRAINTS)
    )


_DOC = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
CASES = sorted(
    (op["operationId"], mode)
    for item in _DOC["paths"].values()
    for op in item.values()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _invalid_input_exists(op)
)


@pytest.fixture(scope="module")
def api_schema(sample_release: Path) -> Any:
    app = create_app(sample_release, rate_limit=None)
    return schemathesis.openapi.from_asgi("/api/schema/openapi.json", app)


@pytest.mark.parametrize(("operation_id", "mode"), CASES)
def test_operation_conforms(api_schema: Any, operation_id: str, mode: GenerationMode) -> None:
    operation = api_schema.find_operation_by_id(operation_id)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate()

    run()


def test_the_openapi_document_is_checked_in() -> None:
    served = json.loads(openapi_document())
    kept = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
    assert served == kept, "the OpenAPI document changed: run `make openapi` and commit it"
