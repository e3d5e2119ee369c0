"""Contract tests: the hub's /v3.0 answers and the client's parsing, held to the published swagger spec.

The spec is loaded from reference/clever-data-api/swagger-v3.0.1.yml. Entity definitions are made strict
(no properties beyond the spec's), `x-nullable` becomes JSON-schema null, and every answer is validated.
On the client side, every field the parsers read must exist in the spec's definitions.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
import yaml

from tests.hub_support import FakeClock, connect, sign_up
from wizard.hub.dataapi import DataCourse, DataDistrict, DataSchool, DataSection, DataTerm, DataUser
from wizard.hub.models import SharingSettings
from wizard.sandbox.server import RunningHub, start_hub
from wizard.sandbox.settings import HubSettings

# A copy ships with the tests so they run, and can fail, on a clean clone; CLEVER_SPEC points at another.
SPEC_PATH = Path(
    os.environ.get("CLEVER_SPEC")
    or Path(__file__).resolve().parents[1] / "data" / "clever-data-api" / "swagger-v3.0.1.yml"
)
STRICT = (
    "District",
    "DistrictContact",
    "School",
    "Section",
    "Term",
    "Course",
    "User",
    "Name",
    "Location",
    "Principal",
    "Roles",
    "Student",
    "Teacher",
    "Staff",
    "DistrictAdmin",
    "Credentials",
    "SchoolEnrollment",
)
RESPONSES = {
    "districts": ("DistrictsResponse", "DistrictResponse"),
    "schools": ("SchoolsResponse", "SchoolResponse"),
    "sections": ("SectionsResponse", "SectionResponse"),
    "terms": ("TermsResponse", "TermResponse"),
    "courses": ("CoursesResponse", "CourseResponse"),
    "users": ("UsersResponse", "UserResponse"),
}


def _spec_path() -> Path:
    assert SPEC_PATH.is_file(), f"the Clever Data API swagger spec is missing: {SPEC_PATH}"
    return SPEC_PATH


def _nullable(node: Any) -> Any:
    """Turn swagger's x-nullable into JSON-schema null, recursively."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    if node.get("x-nullable"):
        if "$ref" in node:
            return {"anyOf": [{"$ref": node["$ref"]}, {"type": "null"}]}
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
    return node


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(_spec_path().read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def definitions(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = _nullable(copy.deepcopy(spec["definitions"]))
    for name in STRICT:
        result[name]["additionalProperties"] = False
    return result


def validate(definitions: dict[str, Any], name: str, instance: Any) -> None:
    schema = {"definitions": definitions, "$ref": f"#/definitions/{name}"}
    jsonschema.Draft4Validator(schema).validate(instance)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningHub, str]]:
    """One hub for the module: a district sharing everything with Amplify, plus a staff admin."""
    clock = FakeClock()
    folder = tmp_path_factory.mktemp("contract")
    with start_hub(folder / "hub.sqlite3", settings=HubSettings(vendor_delay=1.0, clock=clock)) as running:
        signed = sign_up(running, clock)
        credentials = connect(
            running, clock, signed, "amplify-curriculum", folder / "roster", SharingSettings("district")
        )
        signed.client.add_staff_admin(
            signed.district_id, "Pat Kim", "pat.kim@riverside.k12.ca.us", "IT director"
        )
        answer = requests.get(
            f"{running.base_url}/oauth/tokens",
            params={"owner_type": "district"},
            auth=(credentials.client_id, credentials.client_secret),
            timeout=5,
        )
        yield running, str(answer.json()["data"][0]["access_token"])


@pytest.fixture
def hub(served: tuple[RunningHub, str]) -> RunningHub:
    return served[0]


@pytest.fixture
def token(served: tuple[RunningHub, str]) -> str:
    return served[1]


def _get(hub: RunningHub, token: str, path: str, **params: Any) -> Any:
    answer = requests.get(
        f"{hub.base_url}{path}", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("resource", sorted(RESPONSES))
def test_list_and_single_answers_match_the_spec(
    hub: RunningHub, token: str, definitions: dict[str, Any], resource: str
) -> None:
    many, one = RESPONSES[resource]
    page = _get(hub, token, f"/v3.0/{resource}", limit=10000)
    assert page["data"], f"no {resource} served"
    validate(definitions, many, page)
    for link in page["links"]:
        validate(definitions, "Link", link)
    first = page["data"][0]["data"]
    validate(definitions, one, _get(hub, token, f"/v3.0/{resource}/{first['id']}"))


@pytest.mark.parametrize("role", ["student", "teacher", "staff", "districtadmin"])
def test_every_user_role_matches_the_spec(
    hub: RunningHub, token: str, definitions: dict[str, Any], role: str
) -> None:
    page = _get(hub, token, "/v3.0/users", role=role, limit=10000)
    assert page["data"] and all(role in item["data"]["roles"] for item in page["data"])
    validate(definitions, "UsersResponse", page)


def test_errors_match_the_spec(hub: RunningHub, token: str, definitions: dict[str, Any]) -> None:
    answer = requests.get(
        f"{hub.base_url}/v3.0/users/nobody", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert answer.status_code == 404
    validate(definitions, "NotFound", answer.json())
    assert set(answer.json()) == {"message"}


def test_district_tokens_match_the_published_example(hub: RunningHub, token: str) -> None:
    example_path = _spec_path().parent / "district-tokens.example.json"
    if not example_path.is_file():
        pytest.skip("district-tokens.example.json is not available")
    import json

    example = json.loads(example_path.read_text(encoding="utf-8"))
    credentials = hub.reset_app_secret("amplify-curriculum")
    ours = requests.get(
        f"{hub.base_url}/oauth/tokens",
        params={"owner_type": "district"},
        auth=(credentials.client_id, credentials.client_secret),
        timeout=5,
    ).json()
    assert set(ours) == set(example)
    assert set(ours["data"][0]) == set(example["data"][0])
    assert set(ours["data"][0]["owner"]) == set(example["data"][0]["owner"])
    assert ours["links"] == example["links"]


class RecordingDict(dict[str, Any]):
    """A dict that remembers which keys a parser read, nested dicts included."""

    def __init__(self, data: dict[str, Any], prefix: str, seen: set[str]) -> None:
        super().__init__(
            {
                k: RecordingDict(v, f"{prefix}.{k}", seen) if isinstance(v, dict) else v
                for k, v in data.items()
            }
        )
        self.prefix, self.seen = prefix, seen

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.seen.add(f"{self.prefix}.{key}")
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.seen.add(f"{self.prefix}.{key}")
        return super().__getitem__(key)


def _spec_paths(definitions: dict[str, Any], name: str, prefix: str) -> Iterator[str]:
    definition = definitions[name]
    for key, prop in definition.get("properties", {}).items():
        yield f"{prefix}.{key}"
        ref = prop.get("$ref") or next((a.get("$ref") for a in prop.get("anyOf", []) if "$ref" in a), None)
        if ref:
            yield from _spec_paths(definitions, ref.split("/")[-1], f"{prefix}.{key}")


PARSERS = {
    "districts": (DataDistrict.from_json, "District"),
    "schools": (DataSchool.from_json, "School"),
    "sections": (DataSection.from_json, "Section"),
    "terms": (DataTerm.from_json, "Term"),
    "courses": (DataCourse.from_json, "Course"),
    "users": (DataUser.from_json, "User"),
}


@pytest.mark.parametrize("resource", sorted(PARSERS))
def test_client_reads_only_fields_the_spec_defines(
    hub: RunningHub, token: str, definitions: dict[str, Any], resource: str
) -> None:
    parse, name = PARSERS[resource]
    known = set(_spec_paths(definitions, name, "$"))
    for item in _get(hub, token, f"/v3.0/{resource}", limit=10000)["data"]:
        seen: set[str] = set()
        parsed = parse(RecordingDict(item["data"], "$", seen))
        assert parsed.id == item["data"]["id"]
        assert seen <= known, f"{resource}: the client reads fields the spec does not define: {seen - known}"
