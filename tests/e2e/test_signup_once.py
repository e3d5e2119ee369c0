"""One district per district (issue 10, item 2): a second sign-up for a registered NCES id is refused."""

from __future__ import annotations

import pytest
import requests

from tests.hub_support import SIGNUP_ADMIN, SIGNUP_DISTRICT
from wizard.hub.errors import Conflict, DistrictAlreadyRegistered, SignupAlreadyCompleted
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.server import RunningHub


def _districts(hub: RunningHub) -> int:
    with hub.context.db.read() as conn:
        return int(conn.execute("SELECT COUNT(*) FROM districts").fetchone()[0])


def test_a_second_signup_for_a_registered_nces_id_is_refused_naming_the_district(hub: RunningHub) -> None:
    first = OnboardingClient(hub.base_url).signup(SIGNUP_DISTRICT, SIGNUP_ADMIN)
    again = requests.post(
        f"{hub.base_url}/api/v1/signups",
        json={"district": {**SIGNUP_DISTRICT, "name": "Riverside USD"}, "admin": SIGNUP_ADMIN},
        headers={"Idempotency-Key": "another-attempt"},
        timeout=5,
    )
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "district_already_registered"
    assert error["district_id"] == first.district.id
    assert "Riverside Unified" in error["message"] and "0633333" in error["message"]
    assert "sign in" in error["message"].lower()
    assert first.admin_token not in again.text
    assert _districts(hub) == 1


def test_the_client_raises_a_typed_error_for_it(hub: RunningHub) -> None:
    first = OnboardingClient(hub.base_url).signup(SIGNUP_DISTRICT, SIGNUP_ADMIN)
    with pytest.raises(DistrictAlreadyRegistered) as refused:
        OnboardingClient(hub.base_url).signup({**SIGNUP_DISTRICT, "nces_id": " 0633333 "}, SIGNUP_ADMIN)
    assert isinstance(refused.value, Conflict) and refused.value.status == 409
    assert refused.value.district_id == first.district.id
    assert refused.value.district_name == "Riverside Unified"
    assert "sign in" in str(refused.value).lower()
    assert _districts(hub) == 1


def test_the_replay_of_the_same_key_keeps_its_answer(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    first = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN, idempotency_key="same")
    with pytest.raises(SignupAlreadyCompleted) as replayed:
        client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN, idempotency_key="same")
    assert replayed.value.district_id == first.district.id


def test_districts_without_an_nces_id_or_with_another_one_still_sign_up(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN)
    client.signup({**SIGNUP_DISTRICT, "nces_id": "0633334"}, SIGNUP_ADMIN)
    client.signup({**SIGNUP_DISTRICT, "nces_id": ""}, SIGNUP_ADMIN)
    client.signup({**SIGNUP_DISTRICT, "nces_id": ""}, SIGNUP_ADMIN)
    assert _districts(hub) == 4
