"""A property-based run over the hub's own OpenAPI schema (schemathesis-style, with hypothesis).

Every documented operation is called with generated path ids, query values and bodies — sometimes real ids of
a connected district, sometimes junk — as a signed-in admin, as an app, or anonymously. The hub must never
answer 5xx and never answer a status its schema does not document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hub_support import FakeClock, connect, sign_up
from wizard.hub.dataapi import InstantLoginClient
from wizard.hub.models import SharingSettings
from wizard.sandbox.server import RunningHub, start_hub
from wizard.sandbox.settings import HubSettings

JUNK_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 20000), JUNK_TEXT)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JUNK_TEXT, inner, max_size=3),
    max_leaves=8,
)


class World:
    """A running hub with one district fully connected, and the ids and credentials to reach into it."""

    def __init__(
        self, hub: RunningHub, ids: dict[str, list[str]], headers: list[dict[str, str]], auth: tuple[str, str]
    ) -> None:
        self.hub, self.ids, self.headers, self.auth = hub, ids, headers, auth
        self.schema: dict[str, Any] = requests.get(f"{hub.base_url}/openapi.json", timeout=60).json()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    clock = FakeClock()
    folder = tmp_path_factory.mktemp("fuzz")
    with start_hub(
        folder / "hub.sqlite3", settings=HubSettings(vendor_delay=1.0, clock=clock, random_seed=3)
    ) as hub:
        signed = sign_up(hub, clock)
        credentials = connect(
            hub, clock, signed, "amplify-curriculum", folder / "roster", SharingSettings("district")
        )
        [connection] = signed.client.connections(signed.district_id)
        upload = signed.client.uploads(signed.district_id)[0]
        token = requests.get(
            f"{hub.base_url}/oauth/tokens",
            params={"owner_type": "district"},
            auth=(credentials.client_id, credentials.client_secret),
            timeout=5,
        ).json()["data"][0]["access_token"]
        admin = f"Bearer {signed.admin_token}"
        login = InstantLoginClient(hub.base_url, credentials.client_id, credentials.client_secret)
        redirect = "https://learning.amplify.example/auth/hub/callback"  # registered for the app
        code = login.code_from_authorize(login.authorize_url(redirect, login_hint="010001"))
        user_token = login.exchange_code(code, redirect).access_token
        ids = {
            "district_id": [signed.district_id],
            "connection_id": [connection.id],
            "upload_id": [upload.id],
            "app_id": ["amplify-curriculum", "symphony-math"],
            "sis_id": ["010001", "T10100"],
            "code": ["sections_without_students", "teachers_without_email"],
            "resource": ["users", "schools", "sections", "terms", "courses", "districts"],
            "record_id": [signed.district_id],
        }
        headers = [
            {"Authorization": admin},
            {"Authorization": f"Bearer {token}"},
            {"Authorization": f"Bearer {user_token}"},
            {},
            {"Authorization": "Bearer junk"},
        ]
        yield World(hub, ids, headers, (credentials.client_id, credentials.client_secret))


def _operations(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, methods in world.schema["paths"].items()
        for method, operation in methods.items()
    ]


def _resolve(world: World, schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return dict(world.schema["components"]["schemas"][ref.split("/")[-1]])
    return schema


@st.composite
def calls(draw: st.DrawFn, world: World) -> tuple[str, str, str, dict[str, Any]]:
    method, template, operation = draw(st.sampled_from(_operations(world)))
    path = template
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            name = parameter["name"]
            value = draw(
                st.sampled_from(world.ids.get(name, ["x"]))
                | JUNK_TEXT.filter(lambda t: "/" not in t and t not in {"", ".", ".."})
            )
            path = path.replace("{" + name + "}", requests.utils.quote(value, safe=""))
    query = {
        parameter["name"]: draw(st.one_of(st.integers(-3, 20000).map(str), JUNK_TEXT))
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and draw(st.booleans())
    }
    kwargs: dict[str, Any] = {"params": query, "headers": dict(draw(st.sampled_from(world.headers)))}
    if draw(st.booleans()) and path.startswith("/api/v1/vendor"):
        kwargs["auth"] = world.auth
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = _resolve(world, content["application/json"]["schema"])
        body = {name: draw(JSON_VALUES) for name in schema.get("properties", {}) if draw(st.booleans())}
        kwargs["json"] = draw(st.sampled_from([body, None])) if draw(st.booleans()) else draw(JSON_VALUES)
    elif "multipart/form-data" in content:
        kwargs["files"] = [
            (
                "files",
                (
                    draw(st.sampled_from(["students.csv", "evil.exe", "schools.csv"])),
                    draw(st.binary(max_size=60)),
                ),
            )
        ]
    return method, path, template, kwargs


def test_no_5xx_and_no_undocumented_status(world: World) -> None:
    session = requests.Session()
    session.trust_env = False

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(calls(world))
    def check(call: tuple[str, str, str, dict[str, Any]]) -> None:
        method, path, template, kwargs = call
        answer = session.request(
            method, f"{world.hub.base_url}{path}", timeout=10, allow_redirects=False, **kwargs
        )
        documented = set(world.schema["paths"][template][method.lower()]["responses"])
        assert answer.status_code < 500, f"{method} {path}: {answer.status_code} {answer.text[:200]}"
        assert str(answer.status_code) in documented, (
            f"{method} {path}: undocumented {answer.status_code} {answer.text[:200]}"
        )

    check()
