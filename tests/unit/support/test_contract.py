"""Contract: every Data API path the support checks call, and every field they read, exists in the hub's
published spec (reference/clever-data-api/swagger-v3.0.1.yml).

The run is real (the embedded hub over HTTP); each JSON answer is wrapped so that every key read from it is
recorded with its path, and each recorded path is then walked through the spec's definitions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import yaml

from tests.e2e.test_data_api_contract import _spec_path
from tests.unit.support.conftest import TODAY, Demo
from wizard.hub import dataapi
from wizard.support.run import run_support_checks
from wizard.support.troubleshoot import explain_login

# Paths outside the Data API: OAuth (not in the swagger file) and the hub's own onboarding API.
NOT_DATA_API = ("/oauth/tokens", "/api/v1/")


class Tracked(dict[str, Any]):
    """A JSON object that records every key read from it (and from what it contains) into `seen`."""

    def __init__(self, data: dict[str, Any], path: tuple[str, ...], seen: set[tuple[str, ...]]) -> None:
        super().__init__(data)
        self.path, self.seen = path, seen

    def _wrap(self, key: str, value: Any) -> Any:
        self.seen.add((*self.path, key))
        return wrap(value, (*self.path, key), self.seen)

    def __getitem__(self, key: str) -> Any:
        return self._wrap(key, super().__getitem__(key))

    def get(self, key: str, default: Any = None) -> Any:
        return self._wrap(key, super().get(key, default))


class TrackedList(list[Any]):
    def __init__(self, items: list[Any], path: tuple[str, ...], seen: set[tuple[str, ...]]) -> None:
        super().__init__(items)
        self.path, self.seen = path, seen

    def __iter__(self) -> Iterator[Any]:
        return (wrap(item, (*self.path, "[]"), self.seen) for item in super().__iter__())


def wrap(value: Any, path: tuple[str, ...], seen: set[tuple[str, ...]]) -> Any:
    if isinstance(value, dict) and not isinstance(value, Tracked):
        return Tracked(value, path, seen)
    if isinstance(value, list) and not isinstance(value, TrackedList):
        return TrackedList(value, path, seen)
    return value


def spec_path_template(path: str, spec_paths: set[str]) -> str | None:
    """The spec's path for a request path (without the /v3.x prefix), e.g. /users/abc -> /users/{id}."""
    bare = re.sub(r"^/v3\.[01]", "", path)
    for template in spec_paths:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), bare):
            return template
    return None


def response_definition(spec: dict[str, Any], template: str) -> str:
    schema = spec["paths"][template]["get"]["responses"]["200"]["schema"]
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def walk(spec: dict[str, Any], definition: str, path: tuple[str, ...]) -> str | None:
    """None when `path` exists under `definition`, else the first missing step."""
    node: dict[str, Any] = spec["definitions"][definition]
    for step in path:
        while "$ref" in node:
            node = spec["definitions"][str(node["$ref"]).rsplit("/", 1)[-1]]
        if step == "[]":
            if "items" not in node:
                return f"{definition}.{'.'.join(path)}: not a list at []"
            node = node["items"]
            continue
        properties = node.get("properties") or {}
        if step not in properties:
            return f"{definition}.{'.'.join(path)}: no field {step!r}"
        node = properties[step]
    return None


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(_spec_path().read_text(encoding="utf-8"))
    return loaded


def test_every_path_and_field_used_is_in_the_spec(
    demo: Demo, spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: dict[str, set[tuple[str, ...]]] = {}
    original = dataapi._body

    def tracked_body(response: requests.Response, what: str) -> dict[str, Any]:
        path = urlsplit(response.url).path
        seen = reads.setdefault(path, set())
        return wrap(original(response, what), (), seen)  # type: ignore[no-any-return]

    monkeypatch.setattr(dataapi, "_body", tracked_body)
    client = demo.client()
    run = run_support_checks(
        client,
        demo.vendor(),
        district_id=None,
        roster_path=demo.roster_path,
        today=TODAY,
        sleep=demo.clock.sleep,
    )
    for student in run.snapshot.students[:3]:
        explain_login(
            run.snapshot, student.sis_id or "", today=TODAY, links=run.links, onboarding=run.onboarding
        )
    explain_login(run.snapshot, "T20101", today=dt.date(2026, 1, 1))

    spec_paths = set(spec["paths"])
    data_paths = [p for p in reads if not p.startswith(NOT_DATA_API)]
    assert {spec_path_template(p, spec_paths) for p in data_paths} >= {
        "/districts",
        "/schools",
        "/users",
        "/sections",
        "/terms",
    }
    problems = []
    for path in data_paths:
        template = spec_path_template(path, spec_paths)
        if template is None:
            problems.append(f"{path}: not a path in the spec")
            continue
        definition = response_definition(spec, template)
        problems += [p for fields in sorted(reads[path]) if (p := walk(spec, definition, fields))]
    assert problems == []
    user_fields = {fields[3:] for path in data_paths if path.endswith("/users") for fields in reads[path]}
    assert ("roles", "student", "sis_id") in user_fields and ("email",) in user_fields  # the wrapping works
    assert ("data", "[]", "data", "login_methods") in reads["/v3.1/districts"]


def test_the_walk_catches_a_field_the_spec_lacks(spec: dict[str, Any]) -> None:
    assert walk(spec, "UsersResponse", ("data", "[]", "data", "roles", "student", "sis_id")) is None
    assert "no field 'sis_number'" in str(
        walk(spec, "UsersResponse", ("data", "[]", "data", "roles", "student", "sis_number"))
    )
    assert spec_path_template("/v3.0/users/abc123", set(spec["paths"])) == "/users/{id}"
    assert spec_path_template("/v3.1/users/abc123", set(spec["paths"])) == "/users/{id}"
    assert spec_path_template("/v3.0/rosters", set(spec["paths"])) is None
