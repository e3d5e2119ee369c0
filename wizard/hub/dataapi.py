"""The Clever-compatible Data API and Instant Login, as an app (vendor) sees them.

Nothing here knows the embedded hub: give `DataApiClient` the real hub's base URL and the same code works.
Field names follow reference/clever-data-api/swagger-v3.0.1.yml; records keep their full JSON in `raw`.

The API version is v3.1 (the current one; no breaking changes from v3.0) unless the hub address names one
(`https://api.clever.com/v3.0`). Pages are followed by their `rel: next` links, and a client-side rate
limiter (`wizard.hub.ratelimit`) keeps each token within the hub's published per-window limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pydantic

from wizard.hub.data_records import DataCourse, DataDistrict, DataSchool, DataSection, DataTerm, DataUser
from wizard.hub.errors import HubError, malformed
from wizard.hub.ratelimit import RateLimiter, TokenLimit
from wizard.hub.transport import Answer, HubTransport, RetryPolicy, checked_base_url, next_link, read_answer
from wizard.tasks import CancelToken
from wizard.wire import dataapi as wire
from wizard.wire.vocab import DataUserRole

__all__ = [  # the records live in wizard.hub.data_records; callers import them from here too
    "DataApiClient",
    "DataCourse",
    "DataDistrict",
    "DataSchool",
    "DataSection",
    "DataTerm",
    "DataUser",
    "DistrictData",
    "DistrictToken",
    "InstantLoginClient",
    "Me",
    "UserInfo",
    "UserToken",
]

MAX_PAGE_SIZE = 10000
API_VERSIONS = ("v3.1", "v3.0")
DEFAULT_API_VERSION = "v3.1"
# The real hub serves the Data API on api.clever.com and OAuth (district tokens) on clever.com.
OAUTH_HOSTS = {"api.clever.com": "https://clever.com"}


def split_version(base_url: str) -> tuple[str, str]:
    """(hub address without a version, API version): `https://api.clever.com/v3.0` -> (…, "v3.0")."""
    base = checked_base_url(base_url)
    head, _, last = base.rpartition("/")
    if last in API_VERSIONS and "://" in head:
        return head, last
    return base, DEFAULT_API_VERSION


USER_ROLES = tuple(DataUserRole)


@dataclass(frozen=True)
class DistrictToken:
    """A district that authorized the app, with the app's token for reading that district's data."""

    id: str
    district_id: str
    created: str
    scopes: tuple[str, ...]
    access_token: str = field(repr=False)


def _body(response: Any, what: str) -> dict[str, Any]:
    """A Data API answer as JSON, after checking it is the documented envelope (`wizard.wire.dataapi`).

    The records inside stay as the hub sent them: a record keeps its full JSON in `raw`.
    """
    try:
        body = response.json()
    except ValueError:
        raise malformed(what) from None
    if not isinstance(body, dict):
        raise malformed(what)
    return body


class _AppClient:
    """Shared by the app's clients: the API transport, the OAuth transport (maybe another host) and the
    app's client credentials, which never appear in a repr."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        oauth_base_url: str | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rate_limit: bool = True,
    ) -> None:
        base, self.api_version = split_version(base_url)
        self._transport = HubTransport(base, policy=policy, sleep=sleep, clock=clock)
        host = urlsplit(base).hostname or ""
        oauth_base_url = oauth_base_url or OAUTH_HOSTS.get(host)
        self._oauth = (
            HubTransport(oauth_base_url, policy=policy, sleep=sleep, clock=clock)
            if oauth_base_url
            else self._transport
        )
        self.client_id = client_id
        self._secret = client_secret
        wait = (policy or RetryPolicy()).max_rate_limit_wait
        self.limiter = RateLimiter(clock=clock, sleep=sleep, max_wait=wait + 2.0) if rate_limit else None

    def close(self) -> None:
        self._transport.close()
        self._oauth.close()


class DataApiClient(_AppClient):
    """An app's view of the hub: its districts' tokens, then each district's shared data.

    `client = DataApiClient(base_url, client_id, client_secret)`; `client.district_tokens()`; then
    `client.for_district(token)` gives a `DistrictData` whose iterators page through everything.
    `oauth_base_url` is for hubs that serve /oauth from another host (the real one: https://clever.com,
    with the API on https://api.clever.com, which is the default for that address); otherwise `base_url`.
    `rate_limit=False` turns the client-side limiter off (then only the 429 retries slow us down).
    """

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:
        return f"DataApiClient({self.base_url!r}, client_id={self.client_id!r})"

    def district_tokens(self) -> list[DistrictToken]:
        response = self._oauth.request(
            "GET",
            "/oauth/tokens",
            "list the districts using your app",
            params={"owner_type": "district"},
            auth=(self.client_id, self._secret),
        )
        return [
            DistrictToken(
                id=item.id,
                district_id=item.owner.id,
                created=item.created,
                scopes=tuple(item.scopes),
                access_token=item.access_token,
            )
            for item in read_answer(response, wire.DistrictTokenList, "district tokens").data
        ]

    def for_district(
        self, token: DistrictToken | str, *, page_size: int = 1000, cancel: CancelToken | None = None
    ) -> DistrictData:
        """The district's data; `cancel` also stops a wait for the next rate-limit window."""
        access = token.access_token if isinstance(token, DistrictToken) else token
        limit = self.limiter.for_token(access, cancel) if self.limiter else None
        return DistrictData(
            self._transport, access, page_size=page_size, version=self.api_version, limit=limit
        )


class DistrictData:
    """One district's data shared with the app, read with the district-app token."""

    def __init__(
        self,
        transport: HubTransport,
        access_token: str,
        *,
        page_size: int = 1000,
        version: str = DEFAULT_API_VERSION,
        limit: TokenLimit | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise HubError(f"A page holds 1 to {MAX_PAGE_SIZE} records, not {page_size}.")
        self._transport = transport
        self._token = access_token
        self.page_size = page_size
        self.version = version
        self._limit = limit

    def __repr__(self) -> str:
        return f"DistrictData({self._transport.base_url!r})"

    def _get(self, model: type[wire.RecordList | wire.RecordOne], path: str, what: str) -> dict[str, Any]:
        response = self._transport.request(
            "GET", path, what, headers={"Authorization": f"Bearer {self._token}"}, limit=self._limit
        )
        body = _body(response, what)
        try:
            model.model_validate(body)
        except pydantic.ValidationError:
            raise malformed(what) from None
        return body

    def pages(self, resource: str, **params: str) -> Iterator[list[dict[str, Any]]]:
        """Each page's records (the inner `data` objects), following `rel: next` links to the end."""
        what = f"read the district's {resource}"
        uri: str | None = f"/{self.version}/{resource}?{urlencode({**params, 'limit': self.page_size})}"
        while uri is not None:
            body = self._get(wire.RecordList, uri, what)
            yield [item["data"] for item in body["data"]]
            uri = next_link(body["links"])

    def _all(self, resource: str, **params: str) -> Iterator[dict[str, Any]]:
        for page in self.pages(resource, **params):
            yield from page

    def _one(self, resource: str, record_id: str) -> dict[str, Any]:
        data: dict[str, Any] = self._get(
            wire.RecordOne,
            f"/{self.version}/{resource}/{record_id}",
            f"read one of the district's {resource}",
        )["data"]
        return data

    def districts(self) -> Iterator[DataDistrict]:
        return (DataDistrict.from_json(d) for d in self._all("districts"))

    def district(self, district_id: str) -> DataDistrict:
        return DataDistrict.from_json(self._one("districts", district_id))

    def schools(self) -> Iterator[DataSchool]:
        return (DataSchool.from_json(d) for d in self._all("schools"))

    def school(self, school_id: str) -> DataSchool:
        return DataSchool.from_json(self._one("schools", school_id))

    def sections(self) -> Iterator[DataSection]:
        return (DataSection.from_json(d) for d in self._all("sections"))

    def section(self, section_id: str) -> DataSection:
        return DataSection.from_json(self._one("sections", section_id))

    def users(self, role: str | None = None) -> Iterator[DataUser]:
        """All shared users, or those with `role` (student, teacher, staff, districtadmin, contact)."""
        if role == "district_admin":
            role = "districtadmin"
        if role is not None and role not in USER_ROLES:
            raise HubError(f"Unknown user role {role!r}.", f"Use one of: {', '.join(USER_ROLES)}.")
        params = {"role": role} if role else {}
        return (DataUser.from_json(d) for d in self._all("users", **params))

    def user(self, user_id: str) -> DataUser:
        return DataUser.from_json(self._one("users", user_id))

    def terms(self) -> Iterator[DataTerm]:
        return (DataTerm.from_json(d) for d in self._all("terms"))

    def term(self, term_id: str) -> DataTerm:
        return DataTerm.from_json(self._one("terms", term_id))

    def courses(self) -> Iterator[DataCourse]:
        return (DataCourse.from_json(d) for d in self._all("courses"))

    def course(self, course_id: str) -> DataCourse:
        return DataCourse.from_json(self._one("courses", course_id))


@dataclass(frozen=True)
class UserToken:
    access_token: str = field(repr=False)
    token_type: str = "bearer"


@dataclass(frozen=True)
class Me:
    id: str
    district: str
    type: str  # student | teacher | staff | districtadmin


@dataclass(frozen=True)
class UserInfo:
    sub: str
    user_type: str
    district: str
    given_name: str
    family_name: str
    email: str


class InstantLoginClient(_AppClient):
    """The app's half of Instant Login: build the authorize URL, exchange the code, ask who signed in.

    `oauth_base_url` as for DataApiClient: /oauth/authorize and /oauth/tokens may live on another host.
    """

    def __repr__(self) -> str:
        return f"InstantLoginClient({self._transport.base_url!r}, client_id={self.client_id!r})"

    def authorize_url(
        self, redirect_uri: str, *, state: str = "", district_id: str = "", login_hint: str = ""
    ) -> str:
        """Where to send the user's browser. `login_hint` (SIS id or email) names the user on a sandbox hub."""
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri}
        params.update(
            {
                k: v
                for k, v in (("state", state), ("district_id", district_id), ("login_hint", login_hint))
                if v
            }
        )
        return f"{self._oauth.base_url}/oauth/authorize?{urlencode(params)}"

    def code_from_authorize(self, authorize_url: str) -> str:
        """Follow an authorize URL as a browser would and return the code from the redirect (no browser needed
        on a sandbox hub, where `login_hint` says who signs in)."""
        response = self._oauth.request(
            "GET", authorize_url, "start the sign-in", allow_redirects=False, expected=frozenset({302, 303})
        )
        query = parse_qs(urlsplit(response.headers.get("Location", "")).query)
        codes = query.get("code")
        if not codes:
            raise malformed("authorize redirect")
        return codes[0]

    def exchange_code(self, code: str, redirect_uri: str) -> UserToken:
        """Trade a one-minute, single-use code for the user's token (code reuse raises ValidationFailed)."""
        response = self._oauth.request(
            "POST",
            "/oauth/tokens",
            "finish the sign-in",
            auth=(self.client_id, self._secret),
            json={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        )
        body = read_answer(response, wire.TokenOut, "token")
        return UserToken(body.access_token, body.token_type or "bearer")

    def _user_get(self, model: type[Answer], path: str, token: UserToken, what: str) -> Answer:
        response = self._transport.request(
            "GET", path, what, headers={"Authorization": f"Bearer {token.access_token}"}
        )
        return read_answer(response, model, what)

    def me(self, token: UserToken) -> Me:
        data = self._user_get(wire.MeOut, f"/{self.api_version}/me", token, "find out who signed in").data
        return Me(data.id, data.district, data.type)

    def userinfo(self, token: UserToken) -> UserInfo:
        d = self._user_get(wire.UserInfoOut, "/userinfo", token, "read the signed-in user's profile")
        return UserInfo(d.sub, d.user_type, d.district, d.given_name, d.family_name, d.email)
