"""The transport's URL policy, error mapping and 429 waits (no server needed)."""

from __future__ import annotations

import json

import pytest
import requests

from wizard.hub.errors import (
    AuthError,
    Conflict,
    HubUnavailable,
    InsecureHubUrl,
    NotFound,
    RateLimited,
    TooLarge,
    ValidationFailed,
)
from wizard.hub.onboarding import OnboardingClient
from wizard.hub.transport import HubTransport, RetryPolicy, checked_base_url, error_for, rate_limit_wait


def response(status: int, body: object = None, headers: dict[str, str] | None = None) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = json.dumps(body).encode() if body is not None else b""
    answer.headers.update(headers or {})
    return answer


@pytest.mark.parametrize(
    "url", ["https://api.hub.example/", "http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:9/"]
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert not checked_base_url(url).endswith("/")


@pytest.mark.parametrize(
    "url", ["http://hub.example.com", "http://10.0.0.5:8765", "ftp://hub", "hub.example.com", ""]
)
def test_plain_http_elsewhere_and_non_urls_are_refused(url: str) -> None:
    with pytest.raises(InsecureHubUrl) as caught:
        checked_base_url(url)
    assert caught.value.hint


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:s3cret@hub.example.com",
        "https://admin@hub.example.com/",
        "http://admin:s3cret@127.0.0.1:8765",
        "ftp://admin:s3cret@hub",
        "admin:s3cret@hub.example.com",
    ],
)
def test_a_hub_address_with_a_user_or_password_is_refused_without_echoing_it(url: str) -> None:
    with pytest.raises(InsecureHubUrl) as caught:
        checked_base_url(url)
    assert "s3cret" not in str(caught.value) and "user:password" in str(caught.value)
    with pytest.raises(InsecureHubUrl):
        HubTransport(url)


@pytest.mark.parametrize(
    "url", ["https://hub.example.com/?x=1", "https://hub.example.com/#top", "https://h.io?"]
)
def test_a_hub_address_with_a_query_or_fragment_is_refused(url: str) -> None:
    with pytest.raises(InsecureHubUrl) as caught:
        checked_base_url(url)
    assert "query" in str(caught.value)


def test_next_page_links_keep_their_query() -> None:
    transport = HubTransport("https://hub.example.com")
    assert transport.url("https://hub.example.com/v3.0/users?starting_after=9") == (
        "https://hub.example.com/v3.0/users?starting_after=9"
    )


def test_errors_map_to_types_with_the_hubs_message() -> None:
    body = {"error": {"code": "sharing_type_locked", "message": "The type is locked."}}
    conflict = error_for(response(409, body), "save the sharing")
    assert isinstance(conflict, Conflict) and conflict.code == "sharing_type_locked"
    assert "save the sharing" in str(conflict) and "The type is locked." in str(conflict)
    invalid = error_for(
        response(422, {"error": {"code": "x", "message": "m", "fields": {"admin.email": "bad"}}}), "sign up"
    )
    assert isinstance(invalid, ValidationFailed) and invalid.fields == {"admin.email": "bad"}
    assert isinstance(error_for(response(401, {"message": "no"}), "x"), AuthError)
    assert isinstance(error_for(response(403), "x"), AuthError)
    assert isinstance(error_for(response(404, {"message": "gone"}), "x"), NotFound)
    assert isinstance(error_for(response(413), "x"), TooLarge)
    assert isinstance(
        error_for(response(400, {"error": "invalid_grant", "error_description": "used"}), "x"),
        ValidationFailed,
    )
    assert isinstance(error_for(response(503), "x"), HubUnavailable)
    limited = error_for(response(429, headers={"Retry-After": "7"}), "x")
    assert isinstance(limited, RateLimited) and limited.retry_after == 7


def test_rate_limit_wait_reads_retry_after_or_reset() -> None:
    assert rate_limit_wait(response(429, headers={"Retry-After": "3"}), 1000.0) == 3
    assert rate_limit_wait(response(429, headers={"X-RateLimit-Reset": "1790000010"}), 1790000000.0) == 10
    assert (
        rate_limit_wait(response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), 1445412470.0)
        == 10
    )
    assert rate_limit_wait(response(429), 0.0) == 1.0


def test_an_unreachable_hub_is_hub_unavailable_after_retries() -> None:
    slept: list[float] = []
    transport = HubTransport(
        "http://127.0.0.1:9", policy=RetryPolicy(attempts=3, backoff=0.01), sleep=slept.append
    )
    with pytest.raises(HubUnavailable) as caught:
        transport.request("GET", "/healthz", "check the hub")
    assert len(slept) == 2 and "127.0.0.1:9" in str(caught.value)


def test_tokens_stay_out_of_reprs_and_errors() -> None:
    client = OnboardingClient("http://127.0.0.1:9", "super-secret-token", policy=RetryPolicy(attempts=1))
    assert "super-secret-token" not in repr(client)
    with pytest.raises(HubUnavailable) as caught:
        client.district("d1")
    assert "super-secret-token" not in str(caught.value)
