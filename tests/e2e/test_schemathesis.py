"""Schemathesis against the hub's own /openapi.json (issue 11): bounded examples for every operation, as a
signed-in admin, an app or a user as each path expects. The hub never answers 5xx.

Every operation gets `EXAMPLES` generated cases (positive and negative data, schemathesis' own choices),
with path ids taken from a connected district so the calls reach the handlers, not only the 404s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.hub_support import FakeClock, connect, sign_up
from wizard.hub.models import SharingSettings
from wizard.sandbox.server import RunningHub, start_hub
from wizard.sandbox.settings import HubSettings

EXAMPLES = 12
STATUSES: Counter[int] = Counter()


class Caller:
    def __init__(self, hub: RunningHub, ids: dict[str, str], headers: dict[str, dict[str, str]]) -> None:
        self.hub, self.ids, self.headers = hub, ids, headers

    def headers_for(self, path: str) -> dict[str, str]:
        if path.startswith(("/v3.0", "/userinfo")):
            return self.headers["user" if path in {"/v3.0/me", "/userinfo"} else "app"]
        if path.startswith(("/oauth", "/api/v1/vendor")):
            return self.headers["basic"]
        return self.headers["admin"]


@pytest.fixture(scope="module")
def caller(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caller]:
    clock = FakeClock()
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    with start_hub(
        folder / "hub.sqlite3", settings=HubSettings(vendor_delay=1.0, clock=clock, random_seed=5)
    ) as hub:
        signed = sign_up(hub, clock)
        credentials = connect(
            hub, clock, signed, "amplify-curriculum", folder / "roster", SharingSettings("district")
        )
        basic = requests.auth._basic_auth_str(credentials.client_id, credentials.client_secret)
        token = requests.get(
            f"{hub.base_url}/oauth/tokens", headers={"Authorization": basic}, timeout=10
        ).json()["data"][0]["access_token"]
        [connection] = signed.client.connections(signed.district_id)
        headers = {
            "admin": {"Authorization": f"Bearer {signed.admin_token}"},
            "app": {"Authorization": f"Bearer {token}"},
            "user": {"Authorization": f"Bearer {token}"},
            "basic": {"Authorization": basic},
        }
        ids = {"district_id": signed.district_id, "connection_id": connection.id}
        yield Caller(hub, ids, headers)
    print(f"\nschemathesis: {sum(STATUSES.values())} calls, statuses {dict(sorted(STATUSES.items()))}")


@pytest.mark.slow
def test_no_operation_answers_5xx(caller: Caller) -> None:
    """Each operation in turn, EXAMPLES cases each (schemathesis' strategies driven by hypothesis directly:
    its pytest plugin does not run under this pytest)."""
    schema = schemathesis.openapi.from_url(f"{caller.hub.base_url}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            if case.path_parameters and hash(repr(case.path_parameters)) % 2:
                for name, value in caller.ids.items():  # half the cases reach a real district's records
                    if name in case.path_parameters:
                        case.path_parameters[name] = value
            case.headers = {**(case.headers or {}), **caller.headers_for(case.path)}
            response = case.call(base_url=caller.hub.base_url, timeout=30)
            STATUSES[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
                )

        run()
    assert len(operations) >= 40
    assert failures == []
