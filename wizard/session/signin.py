"""Where the district's admin token is: the one answer every page asks, so no two pages tell two stories."""

from __future__ import annotations

from enum import StrEnum

from wizard.credentials import CredentialStore
from wizard.errors import UserFacingError


class TokenPlace(StrEnum):
    KEYRING = "keyring"  # saved in the system keyring: survives closing the wizard
    THIS_SESSION = "this_session"  # no usable keyring: in memory until the wizard closes
    MISSING = "missing"  # not on this computer: the admin signs in again with the token


def token_place(credentials: CredentialStore, scope: str, district_id: str) -> TokenPlace:
    if not district_id or not credentials.admin_token(scope, district_id):
        return TokenPlace.MISSING
    return TokenPlace.KEYRING if credentials.persistent else TokenPlace.THIS_SESSION


def token_sentence(place: TokenPlace) -> str:
    """Where the token is, in the words every page uses."""
    if place is TokenPlace.KEYRING:
        return "Your admin token is saved in this computer's keyring."
    if place is TokenPlace.THIS_SESSION:
        return (
            "This computer has no usable keyring, so your admin token is kept only until the wizard closes; "
            "next time, sign in with the district id and the token."
        )
    return "Your admin token is not on this computer: sign in with the district id and the token to go on."


class NotSignedIn(UserFacingError):
    """The district's token is not on this computer (no keyring, a new computer, a forgotten sign-in)."""

    def __init__(self, district_id: str) -> None:
        super().__init__(
            "Your sign-in for this district is not saved on this computer.",
            f"Go back to “Sign up or sign in” and sign in with district id {district_id} and your admin token.",
        )
        self.district_id = district_id


class AlreadyRegistered(UserFacingError):
    """The hub already has a district with this NCES id: the admin signs in to it instead."""

    def __init__(self, message: str, district_id: str = "") -> None:
        super().__init__(
            message or "A district with this NCES id is already registered with the hub.",
            "Sign in instead: choose “Sign in to a district already registered” and enter its district id and "
            "admin token.",
        )
        self.district_id = district_id


class TokenRefused(UserFacingError):
    """The hub does not accept this admin token (or district id): typed wrong, or not this district's."""

    def __init__(self, district_id: str) -> None:
        super().__init__(
            f"The hub did not accept this admin token for district id {district_id}.",
            "Paste the whole token again from where you kept it (your password manager) and check the district "
            "id. Lost the token? Ask hub support for a new one.",
        )
        self.district_id = district_id
