"""Typed hub errors. Each message says, for a district admin, what happened and what to do next.

Messages never carry tokens or secrets: they are built from the hub's own error text and our words only.
"""

from __future__ import annotations

from wizard.errors import UserFacingError


class HubError(UserFacingError):
    """Any failure talking to the hub. `status` is the HTTP status (0 when no answer came), `code` the hub's."""

    def __init__(self, message: str, hint: str = "", *, status: int = 0, code: str = "") -> None:
        super().__init__(message, hint)
        self.status = status
        self.code = code


class InsecureHubUrl(HubError):
    """The hub address uses plain http to a machine other than this one, or is not a web address at all."""


class AuthError(HubError):
    """The hub does not accept the credentials (401) or they do not allow this (403)."""


class NotFound(HubError):
    """The record does not exist, or belongs to another district (the hub answers both the same way)."""


class Conflict(HubError):
    """The request clashes with the record's current state (409), e.g. `sharing_type_locked`."""


class SignupAlreadyCompleted(Conflict):
    """A retried sign-up whose first attempt already registered `district_id`; the hub no longer hands out
    its admin token, so the caller signs in with the token it saved then."""

    def __init__(self, district_id: str) -> None:
        super().__init__(
            f"Your district is already registered (district id {district_id}).",
            "Sign in with the admin token saved when the sign-up completed.",
            status=409,
            code="signup_already_completed",
        )
        self.district_id = district_id


class DistrictAlreadyRegistered(Conflict):
    """A sign-up for an NCES id the hub already has: the district exists, so its admin signs in instead."""

    def __init__(self, district_id: str, district_name: str, message: str) -> None:
        super().__init__(
            message
            or f"{district_name or 'This district'} is already registered on this hub (district id {district_id}).",
            ""
            if "sign in" in message.lower()
            else "Sign in to it with its admin token instead of signing up again.",
            status=409,
            code="district_already_registered",
        )
        self.district_id = district_id
        self.district_name = district_name


class ValidationFailed(HubError):
    """The hub rejected what was sent (400/422). `fields` maps a field name to what is wrong with it."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        status: int = 422,
        code: str = "",
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, hint, status=status, code=code)
        self.fields = dict(fields or {})


class TooLarge(HubError):
    """The request asked for or sent more than the hub accepts (413)."""


class RateLimited(HubError):
    """The hub kept answering 429 after our retries; `retry_after` is how many seconds it asked us to wait."""

    def __init__(self, message: str, hint: str = "", *, retry_after: float = 0.0) -> None:
        super().__init__(message, hint, status=429, code="rate_limited")
        self.retry_after = retry_after


class HubUnavailable(HubError):
    """No usable answer: connection refused or dropped, timeout, or a 5xx after our retries."""


def malformed(what: str) -> HubError:
    """An answer that is not what the hub's API defines (not JSON, or not the documented shape)."""
    return HubError(
        f"The hub sent an answer the wizard cannot read ({what}).",
        "Check the hub address; it may not be a hub.",
    )
