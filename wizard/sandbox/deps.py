"""What every router of the hub shares: its context, the error it raises, and who is calling.

The routers import this module, never the app factory (`wizard.sandbox.app`), which imports them.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request

from wizard.sandbox.catalog import AppCredentials
from wizard.sandbox.db import Database
from wizard.sandbox.mail import Mailbox, Mailer
from wizard.sandbox.settings import HubSettings
from wizard.sandbox.store import district_for_admin_token, staff_for_token, staff_school_ids
from wizard.wire.dataapi import DataError, OAuthError
from wizard.wire.onboarding import ErrorAnswer


class FileSync(Protocol):
    """The hub's SFTP server as the routes see it (`wizard.sandbox.sftp_server.SftpService`, which imports
    this module, so it is named here by what it offers)."""

    host: str
    port: int
    quiet_seconds: float
    folders: Any  # its DropFolders

    @property
    def fingerprint(self) -> str: ...

    def stop(self) -> None: ...


class ApiError(Exception):
    """An answer other than success, with a machine code and a message for the person at the other end."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}
        self.extra = extra or {}  # more members of the error object, e.g. the district id of a conflict


def not_found(what: str) -> ApiError:
    if what == "district":
        return ApiError(
            404, "not_found", "That district is not on this hub, or you are signed in to another one."
        )
    return ApiError(404, "not_found", f"No {what} with that id exists in your district.")


def invalid_fields(fields: dict[str, str]) -> ApiError:
    summary = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
    return ApiError(422, "invalid_fields", f"Please correct: {summary}", fields=fields)


@dataclass
class RateWindow:
    start: float
    used: int


@dataclass
class HubContext:
    """Everything a route needs: the database, the settings, and the per-caller rate-limit windows."""

    db: Database
    settings: HubSettings
    issued_credentials: dict[str, AppCredentials] = field(default_factory=dict)
    rate_windows: dict[str, RateWindow] = field(default_factory=dict)
    rate_lock: threading.Lock = field(default_factory=threading.Lock)
    upload_lock: threading.Lock = field(default_factory=threading.Lock)  # guards district_upload_locks
    # one upload processed at a time per district (the others wait, "queued")
    district_upload_locks: dict[str, threading.Lock] = field(default_factory=dict)
    sftp: FileSync | None = None  # the hub's SFTP server, when it serves one
    # the simulated vendor apps' own rosters: (app id, district id) -> ExternalID -> (username, name)
    vendor_accounts: dict[tuple[str, str], dict[str, tuple[str, str]]] = field(default_factory=dict)
    mailer: Mailer | None = None  # sends the hub's email in the background (None: the hub sends none)
    mailbox: Mailbox | None = None  # the demo mail server's mailbox, when the hub sends to its own

    def now(self) -> float:
        return self.settings.clock()


def take_from_window(context: HubContext, key: str, limit: int, window: float) -> float:
    """Count one use of `key` in its rate window; the seconds to wait when the window is spent, else 0."""
    now = context.now()
    with context.rate_lock:
        current = context.rate_windows.get(key)
        if current is None or now >= current.start + window:
            current = context.rate_windows[key] = RateWindow(start=now, used=0)
        if current.used >= limit:
            return max(current.start + window - now, 1.0)
        current.used += 1
        return 0.0


def hub_context(request: Request) -> HubContext:
    context: HubContext = request.app.state.hub
    return context


Context = Annotated[HubContext, Depends(hub_context)]


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Sign in first: this call needs an access token.")
    return token.strip()


def basic_credentials(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    try:
        client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        client_id, secret = "", ""
    if scheme.lower() != "basic" or not client_id or not secret:
        raise ApiError(401, "unauthorized", "This call needs the app's client id and secret (HTTP Basic).")
    return client_id, secret


def _signed_in(request: Request, context: Context) -> tuple[str | None, sqlite3.Row | None]:
    """Whose token came with the call: the district of an admin token, else the staff admin row of a school
    tech lead's token (both None for an unknown token)."""
    token = bearer_token(request)
    with context.db.read() as conn:
        owner = district_for_admin_token(conn, token)
        staff = staff_for_token(conn, token) if owner is None else None
    return owner, staff


def district_access(district_id: str, request: Request, context: Context) -> str:
    """The district whose admin token came with the call; another district's id answers 404."""
    owner, staff = _signed_in(request, context)
    if staff is not None:
        if staff["district_id"] != district_id:
            raise not_found("district")
        raise ApiError(
            403,
            "school_tech_lead_only",
            "A school tech lead's sign-in only decides the sharing of their own schools; ask your district "
            "admin for anything else.",
        )
    if owner is None:
        raise ApiError(401, "unauthorized", "Your sign-in is not valid any more: sign in again.")
    if owner != district_id:
        raise not_found("district")
    return owner


District = Annotated[str, Depends(district_access)]


@dataclass(frozen=True)
class SchoolCaller:
    """Who decides a school's sharing: the district's admin (any school) or one of its school tech leads."""

    district_id: str
    staff_id: str | None  # None: the district admin
    school_ids: frozenset[str]  # a tech lead's schools (empty for the district admin)

    def may_decide(self, school_id: str) -> bool:
        return self.staff_id is None or school_id in self.school_ids


def school_access(district_id: str, request: Request, context: Context) -> SchoolCaller:
    """A district admin token, or a school tech lead's own token for that district; else 401/404."""
    owner, staff = _signed_in(request, context)
    if owner is not None:
        if owner != district_id:
            raise not_found("district")
        return SchoolCaller(district_id, None, frozenset())
    if staff is None:
        raise ApiError(401, "unauthorized", "Your sign-in is not valid any more: sign in again.")
    if staff["district_id"] != district_id:
        raise not_found("district")
    return SchoolCaller(district_id, str(staff["id"]), frozenset(staff_school_ids(staff)))


SchoolDecider = Annotated[SchoolCaller, Depends(school_access)]


def error_responses(*statuses: int, model: type[Any] = ErrorAnswer) -> dict[int | str, dict[str, Any]]:
    """The documented failures of a router, each with its body's schema."""
    return {status: {"model": model, "description": "error"} for status in statuses}


API_ERRORS = error_responses(400, 401, 404, 409, 413, 422, 429)
DATA_ERRORS = error_responses(400, 401, 403, 404, 413, 422, 429, model=DataError)
OAUTH_ERRORS = error_responses(400, 401, 403, 404, 413, 422, 429, model=OAuthError)
