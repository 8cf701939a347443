"""The API against its own OpenAPI description (Schemathesis): generated requests for every
operation, checked for server errors, undocumented status codes and responses that do not match
their schema, over a SQLite and a PostgreSQL store. Bounded for CI: a few dozen examples per
operation.

Schemathesis's own pytest plugin does not run under pytest 9 yet, so the operations are walked
here and each one's Hypothesis strategy is drawn from directly."""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402
from test_api import TOKEN, docs, fake_pipeline  # noqa: E402

from sitreps.api import create_app  # noqa: E402
from sitreps.store import open_store  # noqa: E402


def _operations(target) -> dict:
    """The operations of the API over the store at `target`, with the write route on."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(target, token=TOKEN, pipeline=fake_pipeline())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return {op.label: op for op in (r.ok() for r in schema.get_all_operations())}


# the operations' names for the test ids, from a throwaway SQLite store: the description is the
# same over either backend
LABELS = sorted(_operations(Path(tempfile.mkdtemp(prefix="sitreps-schema-")) / "sitreps.db"))


@pytest.fixture(scope="module")
def store(module_store_target):
    """test_api's documents in a store, once per backend (tests/conftest.py)."""
    with open_store(module_store_target) as store:
        for doc in docs():
            store.save(doc)
    return module_store_target


@pytest.mark.parametrize("label", LABELS)
def test_every_operation_keeps_its_own_description(store, label):
    # an app of its own: Schemathesis ends the app's lifespan (which lets go of the store's
    # connections) when each test ends
    operation = _operations(store)[label]

    @given(case=operation.as_strategy())
    @settings(max_examples=int(os.environ.get("SITREPS_SCHEMA_EXAMPLES", "30")), deadline=None, database=None,
              derandomize="SITREPS_SCHEMA_EXAMPLES" not in os.environ, suppress_health_check=list(HealthCheck))
    def check(case):
        # Every check but one: data the schema allows may still be refused (422) for what a
        # schema cannot say: a latitude past 90, a cursor this server never gave out, HTML that
        # holds no text. Server errors, undocumented status codes and responses that do not
        # match their schema all fail the test.
        case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=[positive_data_acceptance])

    check()
