"""Data API client pieces that need no server: URLs, parsing, guards."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from wizard.hub.dataapi import DataApiClient, DataUser, InstantLoginClient
from wizard.hub.errors import HubError


def test_oauth_may_live_on_another_host_than_the_api() -> None:
    login = InstantLoginClient(
        "https://api.hub.example", "client", "secret", oauth_base_url="https://hub.example"
    )
    url = login.authorize_url("https://app.example/cb", state="s1", district_id="d1")
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("hub.example", "/oauth/authorize")
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": ["client"],
        "redirect_uri": ["https://app.example/cb"],
        "state": ["s1"],
        "district_id": ["d1"],
    }
    assert "secret" not in url and "secret" not in repr(login)


def test_users_parse_their_main_role() -> None:
    teacher_and_staff = DataUser.from_json(
        {
            "id": "u1",
            "district": "d1",
            "email": None,
            "name": {"first": "Ada", "last": "Byron"},
            "roles": {
                "teacher": {"sis_id": "T1", "school": "s1", "schools": ["s1", "s2"]},
                "staff": {"staff_id": "X9"},
            },
        }
    )
    assert teacher_and_staff.roles == ("teacher", "staff") and teacher_and_staff.sis_id == "T1"
    assert teacher_and_staff.schools == ("s1", "s2") and teacher_and_staff.grade is None
    assert teacher_and_staff.name == "Ada Byron" and teacher_and_staff.email is None
    staff = DataUser.from_json({"id": "u2", "roles": {"staff": {"staff_id": "X9", "schools": []}}})
    assert staff.sis_id == "X9" and staff.school is None
    odd = DataUser.from_json({"id": "u3", "roles": "not a dict", "name": None})
    assert odd.roles == () and odd.sis_id is None


def test_guards_on_page_size_and_roles() -> None:
    api = DataApiClient("https://api.hub.example", "client", "secret")
    with pytest.raises(HubError):
        api.for_district("token", page_size=0)
    with pytest.raises(HubError):
        api.for_district("token", page_size=10001)
    with pytest.raises(HubError) as caught:
        api.for_district("token").users("principal")
    assert "student" in str(caught.value)


def test_the_real_hubs_address_reads_v3_1_and_gets_tokens_from_clever_com() -> None:
    from wizard.hub.dataapi import DataApiClient, split_version

    assert split_version("https://api.clever.com") == ("https://api.clever.com", "v3.1")
    assert split_version("https://api.clever.com/v3.0/") == ("https://api.clever.com", "v3.0")
    assert split_version("https://hub.example.com/v3.1") == ("https://hub.example.com", "v3.1")
    client = DataApiClient("https://api.clever.com", "id", "secret")
    assert client.api_version == "v3.1" and client.base_url == "https://api.clever.com"
    assert client._oauth.base_url == "https://clever.com"  # /oauth/tokens lives on clever.com
    assert client.for_district("t").version == "v3.1"
    client.close()
