"""The Clever-compatible surface's envelopes (`/oauth`, `/v3.0`, `/userinfo`), shared by the hub and clients.

Field names and shapes follow reference/clever-data-api/swagger-v3.0.1.yml. The records inside the envelopes
(districts, schools, sections, users, terms, courses) stay JSON objects here: their many optional fields are
the swagger's, checked by the contract tests, and the clients keep each record whole.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from wizard.wire.onboarding import Link


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)


class DataError(Envelope):
    """A `/v3.0` or `/userinfo` failure."""

    message: str


class OAuthError(Envelope):
    """An `/oauth` failure (RFC 6749 §5.2)."""

    error: str
    error_description: str


class RecordEnvelope(Envelope):
    data: dict[str, Any]
    uri: str


class RecordList(Envelope):
    data: list[RecordEnvelope]
    links: list[Link]


class RecordOne(Envelope):
    data: dict[str, Any]
    links: list[Link]


class TokenOwner(Envelope):
    type: str
    id: str


class DistrictTokenOut(Envelope):
    id: str
    created: str
    owner: TokenOwner
    access_token: str
    scopes: list[str]


class DistrictTokenList(Envelope):
    data: list[DistrictTokenOut]
    links: list[Link] = Field(default_factory=list)


class MeData(Envelope):
    id: str
    district: str
    type: str
    authorized_by: str = ""


class MeOut(Envelope):
    type: str
    data: MeData
    links: list[Link]


class UserInfoOut(Envelope):
    sub: str
    user_type: str = ""
    district: str = ""
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    email_verified: bool = False


class TokenOut(Envelope):
    access_token: str
    token_type: str = "bearer"
    scope: str = ""
    expires_in: int | None = None
