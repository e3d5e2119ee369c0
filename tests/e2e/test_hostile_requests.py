"""Odd and hostile requests (issue 11, items 4 and 7): capped fields, a rate-limited sign-up, lone surrogates
and deeply nested JSON. Every answer is a 400/413/422/429 that names the field, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.hub_support import SIGNUP_ADMIN, SIGNUP_DISTRICT, FakeClock, SignedUp, connect
from wizard.hub.models import SharingSettings
from wizard.sandbox.server import RunningHub

SURROGATE = "\ud800"


def _raw(value: Any) -> bytes:
    """JSON with lone surrogates kept as `\\ud800` escapes (valid JSON, not valid text)."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


def _post(
    hub: RunningHub, path: str, body: bytes, headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(
        f"{hub.base_url}{path}",
        data=body,
        headers={"Content-Type": "application/json", **(headers or {})},
        timeout=30,
    )


def _named(answer: requests.Response, field: str) -> bool:
    error = answer.json()["error"]
    return field in (error.get("fields") or {}) or field in str(error)


def test_a_huge_district_name_is_refused_naming_the_field_and_not_echoed(hub: RunningHub) -> None:
    name = "Riverside " * 100_000  # a megabyte
    answer = _post(
        hub, "/api/v1/signups", _raw({"district": {**SIGNUP_DISTRICT, "name": name}, "admin": SIGNUP_ADMIN})
    )
    assert answer.status_code in {413, 422}
    assert len(answer.content) < 10_000  # the name is not echoed back
    longer = "Riverside Unified School District of the Valley " * 5  # 245 characters, under a megabyte
    answer = _post(
        hub, "/api/v1/signups", _raw({"district": {**SIGNUP_DISTRICT, "name": longer}, "admin": SIGNUP_ADMIN})
    )
    assert answer.status_code == 422 and _named(answer, "district.name")


def test_a_body_over_the_limit_is_refused_before_it_is_read(hub: RunningHub) -> None:
    answer = _post(hub, "/api/v1/signups", b"{" + b" " * (3 * 1024 * 1024) + b"}")
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    "where",
    ["district.name", "district.sis_vendor", "district.state", "admin.name", "admin.email", "admin.phone"],
)
def test_a_lone_surrogate_in_any_signup_field_is_a_422_naming_it(hub: RunningHub, where: str) -> None:
    group, field = where.split(".")
    body = {"district": dict(SIGNUP_DISTRICT), "admin": dict(SIGNUP_ADMIN)}
    body[group][field] = f"x{SURROGATE}y"
    answer = _post(hub, "/api/v1/signups", _raw(body))
    assert answer.status_code == 422 and _named(answer, where)


def test_lone_surrogates_in_admins_connections_messages_and_sharing(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Any
) -> None:
    connect(hub, clock, district, "amplify-curriculum", tmp_path / "roster", SharingSettings("district"))
    [connection] = district.client.connections(district.district_id)
    auth = {"Authorization": f"Bearer {district.admin_token}"}
    base = f"/api/v1/districts/{district.district_id}"
    cases = [
        (f"{base}/admins", {"name": SURROGATE, "email": "a@b.org"}, "name"),
        (f"{base}/admins", {"name": "Kim", "email": f"k{SURROGATE}@b.org"}, "email"),
        (f"{base}/connections", {"app_id": SURROGATE}, "app_id"),
        (f"{base}/connections/{connection.id}/messages", {"message": SURROGATE}, "message"),
        (f"{base}/connections/{connection.id}/sharing/preview", {"type": SURROGATE}, "type"),
        (f"{base}/connections/{connection.id}/sharing/preview", {"type": "schools", "school_ids": [SURROGATE]}, "school_ids"),
        (f"{base}/connections/{connection.id}/launch", {"launch_date": SURROGATE}, "launch_date"),
    ]  # fmt: skip
    for path, body, field in cases:
        answer = _post(hub, path, _raw(body), auth)
        assert answer.status_code == 422 and _named(answer, field), (path, field, answer.text)


def test_a_lone_surrogate_in_the_token_exchange_is_a_400(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Any
) -> None:
    credentials = connect(
        hub, clock, district, "amplify-curriculum", tmp_path / "roster", SharingSettings("district")
    )
    body = {"grant_type": "authorization_code", "code": SURROGATE, "redirect_uri": "https://x.example/cb"}
    answer = requests.post(
        f"{hub.base_url}/oauth/tokens",
        data=_raw(body),
        headers={"Content-Type": "application/json"},
        auth=(credentials.client_id, credentials.client_secret),
        timeout=10,
    )
    assert answer.status_code == 400 and "code" in answer.json()["error_description"]


@pytest.mark.parametrize("path", ["/api/v1/signups", "/oauth/tokens"])
def test_json_nested_a_thousand_deep_is_a_400(hub: RunningHub, path: str) -> None:
    deep = b"[" * 1000 + b"]" * 1000
    answer = _post(hub, path, deep, {"Authorization": "Basic YXBwOnNlY3JldA=="})
    assert answer.status_code == 400
    nested = b'{"district": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1000 + b', "admin": {}}'
    assert _post(hub, "/api/v1/signups", nested).status_code in {400, 422}


def test_signup_is_rate_limited_per_client_with_retry_after(hub: RunningHub) -> None:
    limit = hub.settings.signup_limit
    for number in range(limit):
        district = {**SIGNUP_DISTRICT, "nces_id": f"06{number:05d}"}
        assert (
            _post(hub, "/api/v1/signups", _raw({"district": district, "admin": SIGNUP_ADMIN})).status_code
            == 201
        )
    refused = _post(
        hub,
        "/api/v1/signups",
        _raw({"district": {**SIGNUP_DISTRICT, "nces_id": "0699999"}, "admin": SIGNUP_ADMIN}),
    )
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_signups"
    assert int(refused.headers["Retry-After"]) >= 1
    with hub.context.db.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM districts").fetchone()[0] == limit
