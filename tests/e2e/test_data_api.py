"""The Clever-compatible surface end to end: tokens, paging, isolation, rate limits, faults, Instant Login."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.hub_support import (
    FAST,
    FakeClock,
    SignedUp,
    connect,
    data_for,
    sign_up,
    small_roster,
    upload_roster,
)
from wizard.hub.dataapi import DataApiClient, InstantLoginClient, UserToken
from wizard.hub.errors import AuthError, HubUnavailable, NotFound, RateLimited, TooLarge, ValidationFailed
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.hub.transport import RetryPolicy
from wizard.sandbox.server import RunningHub
from wizard.sandbox.settings import FaultRule

# Registered in wizard/resources/app_catalog.json.
REDIRECT = "https://app.symphonymath.example/auth/hub/callback"


def test_district_tokens_need_the_apps_credentials(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    api = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    [token] = api.district_tokens()
    assert token.district_id == district.district_id and "read:students" in token.scopes
    assert token.access_token not in repr(token) and credentials.client_secret not in repr(api)
    with pytest.raises(AuthError):
        DataApiClient(hub.base_url, credentials.client_id, "wrong", policy=FAST).district_tokens()


def test_everything_shared_is_served_sorted_and_paged(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    data = data_for(hub, clock, credentials, page_size=7)
    tables = small_roster()
    students = list(data.users("student"))
    assert len(students) == len(tables["students"])
    assert [s.id for s in students] == sorted(s.id for s in students)
    assert {s.sis_id for s in students} == {row["Student_id"] for row in tables["students"]}
    assert len(list(data.users("teacher"))) == len(tables["teachers"])
    staff = list(data.users("staff"))
    assert len(staff) == 2 and sorted(len(s.roles) for s in staff) == [1, 2]  # a coach who also teaches
    assert len(list(data.schools())) == len(tables["schools"])
    assert len(list(data.sections())) == len(tables["sections"])
    [district_record] = list(data.districts())
    assert district_record.id == district.district_id and district_record.state == "success"
    assert [t.name for t in data.terms()] == ["2026-2027"]
    assert len(list(data.courses())) > 0
    pages = list(data.pages("schools"))
    assert [len(p) for p in pages] == [4] or all(len(p) <= 7 for p in pages)
    one = students[0]
    assert data.user(one.id).sis_id == one.sis_id
    with pytest.raises(NotFound):
        data.user("000000000000000000000000")


def test_page_links_follow_starting_after(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    data = data_for(hub, clock, credentials, page_size=5)
    pages = list(data.pages("users", role="student"))
    assert all(len(page) == 5 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 5
    ids = [record["id"] for page in pages for record in page]
    assert ids == sorted(ids) and len(set(ids)) == len(small_roster()["students"])


def test_limit_above_10000_is_413(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    api = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    [token] = api.district_tokens()
    answer = requests.get(
        f"{hub.base_url}/v3.0/users",
        params={"limit": 10001},
        headers={"Authorization": f"Bearer {token.access_token}"},
        timeout=5,
    )
    assert answer.status_code == 413 and "10000" in answer.json()["message"]
    assert "X-RateLimit-Remaining" in answer.headers
    ok = requests.get(
        f"{hub.base_url}/v3.0/users",
        params={"limit": 10000},
        headers={"Authorization": f"Bearer {token.access_token}"},
        timeout=5,
    )
    assert ok.status_code == 200
    data = api.for_district(token)
    data.page_size = 10001  # past the client's own guard: the hub's answer becomes a typed error
    with pytest.raises(TooLarge):
        list(data.schools())


def test_an_app_sees_only_what_was_shared_and_other_apps_see_nothing(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    upload_roster(district, tmp_path / "roster")
    from wizard.sandbox.store import load_roster

    with hub.context.db.read() as conn:
        roster = load_roster(conn, district.district_id)
    cedar = next(i for i, s in roster.records["schools"].items() if s["name"] == "Cedar Middle")
    credentials = connect(
        hub,
        clock,
        district,
        "symphony-math",
        tmp_path / "again",
        SharingSettings("schools", school_ids=(cedar,)),
    )
    data = data_for(hub, clock, credentials)
    assert [s.name for s in data.schools()] == ["Cedar Middle"]
    students = list(data.users("student"))
    assert students and all(s.school == cedar for s in students)
    outside = next(
        i for i, r in roster.records["students"].items() if r["roles"]["student"]["school"] != cedar
    )
    with pytest.raises(NotFound):
        data.user(outside)
    for section in data.sections():
        assert set(section.students) <= {s.id for s in students}

    # A second app, never connected, has no districts; a second district's app data stays apart.
    lexia = hub.reset_app_secret("lexia-core5")
    assert (
        DataApiClient(hub.base_url, lexia.client_id, lexia.client_secret, policy=FAST).district_tokens() == []
    )
    other = sign_up(hub, clock, "Elsewhere Unified")
    amplify = connect(
        hub, clock, other, "amplify-curriculum", tmp_path / "other", SharingSettings("district")
    )
    other_data = data_for(hub, clock, amplify)
    assert [d.id for d in other_data.districts()] == [other.district_id]
    assert not {s.id for s in other_data.users("student")} & {s.id for s in students}
    with pytest.raises(NotFound):
        other_data.user(students[0].id)


def test_rate_limit_answers_429_with_headers_and_the_client_waits(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    hub.settings.rate_limit, hub.settings.rate_window = 3, 10.0
    api = DataApiClient(
        hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST, sleep=clock.sleep
    )
    [token] = api.district_tokens()
    headers = {"Authorization": f"Bearer {token.access_token}"}
    answers = [requests.get(f"{hub.base_url}/v3.0/schools", headers=headers, timeout=5) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert (
        answers[0].headers["X-RateLimit-Limit"] == "3" and answers[2].headers["X-RateLimit-Remaining"] == "0"
    )
    assert int(answers[3].headers["Retry-After"]) >= 1 and "X-RateLimit-Reset" in answers[3].headers
    data = api.for_district(token, page_size=2)
    schools = list(data.schools())  # pages past the limit: the client sleeps until the window resets
    assert len(schools) == len(small_roster()["schools"]) and clock.sleeps
    patient = RetryPolicy(attempts=2, backoff=0.001, max_rate_limit_wait=0.5)
    impatient = DataApiClient(
        hub.base_url, credentials.client_id, credentials.client_secret, policy=patient, sleep=clock.sleep
    )
    for _ in range(3):
        requests.get(f"{hub.base_url}/v3.0/schools", headers=headers, timeout=5)
    with pytest.raises(RateLimited) as caught:
        list(impatient.for_district(token).schools())
    assert caught.value.retry_after > 0


def test_injected_faults_are_recovered_by_retries(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    data = data_for(hub, clock, credentials, page_size=3)
    expected = len(small_roster()["schools"])
    for rule in (
        FaultRule("/v3.1/*", error_rate=1.0, error_status=503, times=2),
        FaultRule("/v3.1/schools", drop_rate=1.0, times=2),
        FaultRule("/v3.1/*", rate_limit_rate=1.0, retry_after=2, times=2),
        FaultRule("/v3.1/*", latency=0.05, times=None),
    ):
        hub.set_faults([rule])
        assert len(list(data.schools())) == expected, rule
    hub.set_faults([FaultRule("/v3.1/*", error_rate=1.0, error_status=503)])
    with pytest.raises(HubUnavailable) as caught:
        list(data.schools())
    assert "Try again" in str(caught.value)
    hub.set_faults([])


def test_creating_posts_are_retried_only_with_their_idempotency_key(
    hub: RunningHub, clock: FakeClock
) -> None:
    client = OnboardingClient(hub.base_url, policy=FAST, sleep=clock.sleep)
    hub.set_faults([FaultRule("/api/v1/signups", error_rate=1.0, error_status=503, times=1)])
    from tests.hub_support import SIGNUP_ADMIN, SIGNUP_DISTRICT

    result = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN)  # has a key: retried after the 503
    hub.set_faults([FaultRule("/oauth/tokens", drop_rate=1.0, times=1)])
    login = InstantLoginClient(hub.base_url, "x", "y", policy=FAST, sleep=clock.sleep)
    with pytest.raises(HubUnavailable):  # exchanging a code is never repeated: codes work once
        login.exchange_code("code", REDIRECT)
    assert result.district.id
    hub.set_faults([])


def test_instant_login_code_is_single_use_and_expires(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "symphony-math", tmp_path, SharingSettings("district"))
    login = InstantLoginClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    student = small_roster()["students"][0]
    url = login.authorize_url(
        REDIRECT, state="xyz", district_id=district.district_id, login_hint=student["Student_id"]
    )
    code = login.code_from_authorize(url)
    token = login.exchange_code(code, REDIRECT)
    me = login.me(token)
    assert me.type == "student" and me.district == district.district_id
    info = login.userinfo(token)
    assert (info.given_name, info.family_name) == (student["First_name"], student["Last_name"])
    assert info.sub == me.id and token.access_token not in repr(token)
    with pytest.raises(ValidationFailed) as reused:
        login.exchange_code(code, REDIRECT)
    assert "already used" in str(reused.value)
    late = login.code_from_authorize(url)
    clock.advance(61)
    with pytest.raises(ValidationFailed) as expired:
        login.exchange_code(late, REDIRECT)
    assert "expired" in str(expired.value)
    fresh = login.code_from_authorize(url)
    clock.advance(59)
    assert login.me(login.exchange_code(fresh, REDIRECT)).id == me.id
    form = login.code_from_authorize(url)  # OAuth clients often post a form instead of JSON
    answer = requests.post(
        f"{hub.base_url}/oauth/tokens",
        data={"grant_type": "authorization_code", "code": form, "redirect_uri": REDIRECT},
        auth=(credentials.client_id, credentials.client_secret),
        timeout=5,
    )
    assert answer.status_code == 200 and answer.json()["token_type"] == "bearer"


def test_instant_login_sends_codes_only_to_registered_addresses_and_needs_them_again(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "symphony-math", tmp_path, SharingSettings("district"))
    login = InstantLoginClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    student = small_roster()["students"][0]["Student_id"]
    with pytest.raises(ValidationFailed) as elsewhere:
        login.code_from_authorize(login.authorize_url("https://attacker.example/cb", login_hint=student))
    assert "not one registered for Symphony Math" in str(elsewhere.value)
    code = login.code_from_authorize(login.authorize_url(REDIRECT, login_hint=student))
    answer = requests.post(
        f"{hub.base_url}/oauth/tokens",
        json={"grant_type": "authorization_code", "code": code},
        auth=(credentials.client_id, credentials.client_secret),
        timeout=5,
    )
    assert answer.status_code == 400 and "redirect_uri" in answer.json()["error_description"]
    assert login.exchange_code(code, REDIRECT).access_token  # the refused attempt did not use the code up


def test_instant_login_refuses_users_not_shared_and_wrong_clients(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    from wizard.sandbox.store import load_roster

    upload_roster(district, tmp_path / "roster")
    with hub.context.db.read() as conn:
        roster = load_roster(conn, district.district_id)
    cedar = next(i for i, s in roster.records["schools"].items() if s["name"] == "Cedar Middle")
    credentials = connect(
        hub,
        clock,
        district,
        "symphony-math",
        tmp_path / "again",
        SharingSettings("schools", school_ids=(cedar,)),
    )
    login = InstantLoginClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    outsider = next(r for r in small_roster()["students"] if r["School_id"] != "201")
    with pytest.raises(AuthError):
        login.code_from_authorize(login.authorize_url(REDIRECT, login_hint=outsider["Student_id"]))
    insider = next(r for r in small_roster()["students"] if r["School_id"] == "201")
    code = login.code_from_authorize(login.authorize_url(REDIRECT, login_hint=insider["Student_id"]))
    thief = InstantLoginClient(hub.base_url, credentials.client_id, "not-the-secret", policy=FAST)
    with pytest.raises(AuthError):
        thief.exchange_code(code, REDIRECT)
    [district_token] = DataApiClient(
        hub.base_url, credentials.client_id, credentials.client_secret
    ).district_tokens()
    with pytest.raises(AuthError):  # a district token is not a user's token
        login.me(UserToken(district_token.access_token))


def test_a_new_upload_is_served_at_once(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    data = data_for(hub, clock, credentials)
    tables = small_roster()
    assert len(list(data.users("student"))) == len(tables["students"])
    gone = tables["students"].pop()
    tables["enrollments"] = [e for e in tables["enrollments"] if e["Student_id"] != gone["Student_id"]]
    assert upload_roster(district, tmp_path / "again", tables) == "succeeded"
    students = list(data.users("student"))
    assert len(students) == len(tables["students"]) and gone["Student_id"] not in {s.sis_id for s in students}


def test_secrets_never_reach_the_logs(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    credentials = connect(hub, clock, district, "symphony-math", tmp_path, SharingSettings("district"))
    api = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    [token] = api.district_tokens()
    list(api.for_district(token, page_size=5).users())
    login = InstantLoginClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    code = login.code_from_authorize(
        login.authorize_url(REDIRECT, login_hint=small_roster()["students"][0]["Student_id"])
    )
    user_token = login.exchange_code(code, REDIRECT)
    login.me(user_token)
    hub.set_faults([FaultRule("/v3.1/*", error_rate=1.0, times=1)])
    list(api.for_district(token).schools())  # a retried failure logs too
    assert caplog.records, "the clients log their calls"
    for secret in (
        district.admin_token,
        credentials.client_secret,
        token.access_token,
        user_token.access_token,
    ):
        assert secret not in caplog.text


@pytest.mark.parametrize("version", ["v3.0", "v3.1"])
def test_both_api_versions_serve_the_same_pages_with_links_to_their_own_version(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path, version: str
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    api = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    [token] = api.district_tokens()
    headers = {"Authorization": f"Bearer {token.access_token}"}
    ids: list[str] = []
    uri: str | None = f"/{version}/users?limit=4&role=student"
    while uri is not None:
        answer = requests.get(f"{hub.base_url}{uri}", headers=headers, timeout=5)
        assert answer.status_code == 200
        body = answer.json()
        ids += [item["data"]["id"] for item in body["data"]]
        assert all(item["uri"].startswith(f"/{version}/users/") for item in body["data"])
        assert all(link["uri"].startswith(f"/{version}/users?") for link in body["links"])
        uri = next((link["uri"] for link in body["links"] if link["rel"] == "next"), None)
    assert len(ids) == len(small_roster()["students"]) and ids == sorted(ids)
    one = requests.get(f"{hub.base_url}/{version}/users/{ids[0]}", headers=headers, timeout=5)
    assert one.status_code == 200 and one.json()["links"][0]["uri"] == f"/{version}/users/{ids[0]}"
    missing = requests.get(f"{hub.base_url}/{version}/users/nobody", headers=headers, timeout=5)
    assert missing.status_code == 404 and "message" in missing.json()  # the Data API's error shape


def test_rate_limit_windows_are_fixed_minutes_per_token_with_headers_on_every_answer(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    other = connect(hub, clock, district, "symphony-math", tmp_path, SharingSettings("district"))
    hub.settings.rate_limit = 5  # rate_window stays the real hub's 60 s
    tokens = [
        DataApiClient(hub.base_url, c.client_id, c.client_secret, policy=FAST).district_tokens()[0]
        for c in (credentials, other)
    ]
    minute = (int(clock()) // 60 + 1) * 60
    clock.now = minute + 50.0  # 10 s before the next window starts
    headers = {"Authorization": f"Bearer {tokens[0].access_token}"}

    def get(path: str = "/v3.1/schools", who: dict[str, str] = headers) -> requests.Response:
        return requests.get(f"{hub.base_url}{path}", headers=who, timeout=5)

    answers = [get(), get("/v3.0/schools"), get("/v3.1/users/nobody"), get(), get()]
    assert [a.status_code for a in answers] == [200, 200, 404, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"5"}
    assert {a.headers["X-RateLimit-Reset"] for a in answers} == {str(minute + 60)}  # the window's end
    refused = get()
    assert refused.status_code == 429 and refused.headers["X-RateLimit-Reset"] == str(minute + 60)
    assert refused.headers["Retry-After"] == "10" and refused.headers["X-RateLimit-Remaining"] == "0"
    other_app = get(who={"Authorization": f"Bearer {tokens[1].access_token}"})
    assert other_app.status_code == 200 and other_app.headers["X-RateLimit-Remaining"] == "4"  # per token
    clock.now = minute + 60.0  # a fixed window: everything is back at the minute, not 60 s after first use
    fresh = get()
    assert fresh.status_code == 200 and fresh.headers["X-RateLimit-Remaining"] == "4"
    assert fresh.headers["X-RateLimit-Reset"] == str(minute + 120)


def _watched(api: DataApiClient, clock: FakeClock) -> list[tuple[float, int, str]]:
    """Every answer the client receives (also the 429s its retries hide): (hub time, status, path)."""
    seen: list[tuple[float, int, str]] = []

    def record(response: requests.Response, *args: object, **kwargs: object) -> None:
        seen.append((clock(), response.status_code, urlsplit(response.url).path))

    api._transport.session.hooks["response"].append(record)  # the one session the client sends through
    return seen


@pytest.mark.parametrize("limiter", [True, False])
def test_the_client_stays_within_the_published_limit_per_window(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path, limiter: bool
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    hub.settings.rate_limit, hub.settings.rate_window = 20, 60.0
    clock.now = (int(clock()) // 60 + 1) * 60 + 30.0  # half way through a window
    api = DataApiClient(
        hub.base_url,
        credentials.client_id,
        credentials.client_secret,
        policy=FAST,
        sleep=clock.sleep,
        clock=clock,
        rate_limit=limiter,
    )
    [token] = api.district_tokens()
    seen = _watched(api, clock)
    data = api.for_district(token, page_size=1)  # one record per request: many windows' worth
    students = [s.id for s in data.users("student")]
    schools = [s.id for s in data.schools()]
    tables = small_roster()
    assert len(students) == len(tables["students"]) and students == sorted(students)
    assert len(schools) == len(tables["schools"])
    assert len(seen) > 2 * 20 and all(path.startswith("/v3.1/") for _, _, path in seen)
    per_window: dict[int, int] = {}
    for when, _, _ in seen:
        per_window[int(when // 60)] = per_window.get(int(when // 60), 0) + 1
    refused = [status for _, status, _ in seen if status == 429]
    if limiter:
        assert refused == [] and max(per_window.values()) <= 20 and len(per_window) >= 3
    else:  # the control: without the limiter the same reading runs into the limit
        assert len(refused) >= 2


def test_the_client_uses_the_api_version_the_hub_address_names(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(hub, clock, district, "amplify-curriculum", tmp_path, SharingSettings("district"))
    api = DataApiClient(f"{hub.base_url}/v3.0", credentials.client_id, credentials.client_secret, policy=FAST)
    assert api.base_url == hub.base_url and api.api_version == "v3.0"
    [token] = api.district_tokens()
    seen = _watched(api, clock)
    data = api.for_district(token, page_size=3)
    assert len(list(data.schools())) == len(small_roster()["schools"])
    assert {path for _, _, path in seen} == {"/v3.0/schools"} and len(seen) == 2
