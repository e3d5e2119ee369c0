"""The onboarding client's directory lists, parsed from canned answers (no server): paging, fields, errors."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from wizard.hub.errors import HubError, NotFound
from wizard.hub.onboarding import OnboardingClient

BASE = "https://hub.example"


class CannedHub(BaseAdapter):
    """Answers each request with the next canned (status, body) and remembers the URLs asked for."""

    def __init__(self, answers: list[tuple[int, Any]]) -> None:
        super().__init__()
        self.answers = answers
        self.urls: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.urls.append(str(request.url))
        status, body = self.answers.pop(0)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


def client_with(answers: list[tuple[int, Any]]) -> tuple[OnboardingClient, CannedHub]:
    client = OnboardingClient(BASE, "admin-token")
    adapter = CannedHub(answers)
    client._transport.session.mount(BASE, adapter)
    return client, adapter


STUDENT = {
    "id": "u1", "role": "student", "sis_id": "00123", "first_name": "Ada", "last_name": "Byron",
    "email": "ada@school.org", "grade": "7", "school_id": "s1", "school_name": "Cedar Middle",
}  # fmt: skip


def test_users_follow_next_links_and_parse_every_field() -> None:
    second = {**STUDENT, "id": "u2", "sis_id": "", "email": None, "grade": None}
    client, hub = client_with(
        [
            (200, {"data": [STUDENT], "links": [{"rel": "next", "uri": "/api/v1/districts/d1/users?limit=1&role=student&starting_after=u1"}], "total": 2}),
            (200, {"data": [second], "links": [{"rel": "self", "uri": "/x"}], "total": 2}),
        ]
    )  # fmt: skip
    users = list(client.users("d1", role="student", page_size=1))
    assert [u.id for u in users] == ["u1", "u2"]
    ada = users[0]
    assert (ada.sis_id, ada.name, ada.email, ada.grade, ada.school_name) == (
        "00123",  # SIS ids stay text: leading zeros kept
        "Ada Byron",
        "ada@school.org",
        "7",
        "Cedar Middle",
    )
    assert (users[1].sis_id, users[1].email, users[1].grade) == ("", "", "")
    first = parse_qs(urlsplit(hub.urls[0]).query)
    assert urlsplit(hub.urls[0]).path == "/api/v1/districts/d1/users"
    assert first == {"role": ["student"], "limit": ["1"]}  # empty filters are not sent
    assert parse_qs(urlsplit(hub.urls[1]).query)["starting_after"] == ["u1"]


def test_schools_sections_and_shared_users_parse() -> None:
    school = {"id": "s1", "name": "Cedar Middle", "sis_id": "201", "low_grade": "6", "high_grade": "8",
              "counts": {"students": 36, "teachers": 4, "sections": 9}}  # fmt: skip
    section = {"id": "c1", "name": "Math 7", "sis_id": "M7", "school_id": "s1", "school_name": "Cedar Middle",
               "teacher_names": ["Ann Lee"], "student_count": 24}  # fmt: skip
    client, hub = client_with(
        [(200, {"data": [school]}), (200, {"data": [section]}), (200, {"data": [STUDENT]})]
    )
    [cedar] = client.schools("d1")
    assert (cedar.name, cedar.students, cedar.teachers, cedar.sections, cedar.school_number) == (
        "Cedar Middle",
        36,
        4,
        9,
        "",
    )
    [math] = client.sections("d1", school_id="s1")
    assert (math.school_id, math.teacher_names, math.student_count) == ("s1", ("Ann Lee",), 24)
    [shared] = client.shared_users("d1", "c9", role="student")
    assert shared.sis_id == "00123"
    assert parse_qs(urlsplit(hub.urls[1]).query)["school_id"] == ["s1"]
    assert urlsplit(hub.urls[2]).path == "/api/v1/districts/d1/connections/c9/shared-users"


def test_find_users_asks_for_one_page_only() -> None:
    client, hub = client_with([(200, {"data": [STUDENT], "links": [{"rel": "next", "uri": "/more"}]})])
    assert [u.id for u in client.find_users("d1", "ada", limit=1)] == ["u1"]
    assert len(hub.urls) == 1 and parse_qs(urlsplit(hub.urls[0]).query)["query"] == ["ada"]


@pytest.mark.parametrize("body", [{"data": "nope"}, {"data": [1, 2]}, ["not", "an", "object"]])
def test_a_malformed_page_is_a_hub_error(body: Any) -> None:
    client, _ = client_with([(200, body)])
    with pytest.raises(HubError, match="cannot read"):
        list(client.schools("d1"))


def test_another_district_is_not_found_and_page_size_is_checked() -> None:
    client, _ = client_with([(404, {"error": {"code": "not_found", "message": "No such district."}})])
    with pytest.raises(NotFound):
        list(client.schools("someone-else"))
    with pytest.raises(HubError):
        list(client.users("d1", page_size=0))
    with pytest.raises(HubError):
        list(OnboardingClient(BASE).schools("d1"))  # not signed in
