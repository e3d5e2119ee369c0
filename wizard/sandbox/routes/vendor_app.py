"""A small simulated vendor app at each catalog app's hub-side redirect URI, to rehearse Instant Login.

It does what a real vendor's app does: its login link sends the browser to `/oauth/authorize`; its callback
exchanges the code at `POST /oauth/tokens` with the app's credentials, asks `GET /v3.0/me` who signed in,
reads that user (`/v3.0/users/{id}`) and looks the student up in its own roster by ExternalID, the only
link a vendor has. It talks to the hub over HTTP, so a wrong redirect URI, a missing sharing or an unlinked
account fails here the way it would on launch day. Its roster is the one the wizard loaded for the import
or the login-link check, sent by the district admin (`PUT …/accounts`), kept in memory only.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

import requests
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from wizard.sandbox.connections import PENDING_AUTHORIZATION, connection_for_app
from wizard.sandbox.deps import (
    API_ERRORS,
    ApiError,
    Context,
    basic_credentials,
    district_access,
    not_found,
)
from wizard.sandbox.store import app_for_credentials, app_row
from wizard.wire.onboarding import RehearsalOut, VendorAccountsIn, VendorAccountsOut

router = APIRouter(prefix="/vendor-apps", responses=API_ERRORS, tags=["simulated vendor app"])
TIMEOUT = 10.0


def _callback(request: Request, app_id: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/vendor-apps/{app_id}/callback"


def roster_loader(app_id: str, district_id: str, request: Request, context: Context) -> str:
    """Who may give the simulated app a district's roster: the district's admin (bearer token), or the
    app's vendor with its client credentials once the district authorized the app (the support view)."""
    if request.headers.get("authorization", "").lower().startswith("basic "):
        client_id, secret = basic_credentials(request)
        with context.db.read() as conn:
            app = app_for_credentials(conn, client_id, secret)
            if app is None:
                raise ApiError(401, "unauthorized", "The app's client id or secret is wrong.")
            authorized = connection_for_app(conn, district_id, app_id)
        if app["id"] != app_id or authorized is None or authorized["status"] == PENDING_AUTHORIZATION:
            raise not_found("district")
        return district_id
    return district_access(district_id, request, context)


RosterLoader = Annotated[str, Depends(roster_loader)]


@router.put("/{app_id}/districts/{district_id}/accounts")
def load_accounts(
    app_id: str, district_id: RosterLoader, body: VendorAccountsIn, context: Context
) -> VendorAccountsOut:
    """The vendor's roster for one district (replaces the previous one)."""
    with context.db.read() as conn:
        if app_row(conn, app_id) is None:
            raise ApiError(404, "not_found", "No app with that id is in the catalog.")
    by_external_id = {
        account.external_id.strip(): (account.username, f"{account.first_name} {account.last_name}".strip())
        for account in body.accounts
        if account.external_id.strip()
    }
    context.vendor_accounts[(app_id, district_id)] = by_external_id
    return VendorAccountsOut(accounts=len(body.accounts), with_external_id=len(by_external_id))


@router.get("/{app_id}/login", response_class=RedirectResponse, status_code=302)
def login(
    app_id: str, request: Request, context: Context, district_id: str, login_hint: str
) -> RedirectResponse:
    """The vendor's "Log in with the hub" button: off to the hub's authorize page with the app's client id."""
    with context.db.read() as conn:
        app = app_row(conn, app_id)
    if app is None:
        raise ApiError(404, "not_found", "No app with that id is in the catalog.")
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": _callback(request, app_id),
        "district_id": district_id,
        "login_hint": login_hint,
        "state": secrets.token_urlsafe(12),
    }
    return RedirectResponse(f"/oauth/authorize?{urlencode(query)}", status_code=302)


@router.get("/{app_id}/callback")
def callback(
    app_id: str, request: Request, context: Context, code: str = "", error: str = ""
) -> RehearsalOut:
    """The registered redirect URI: the code → tokens → /v3.0/me → the vendor's own account by ExternalID."""
    if error or not code:
        return RehearsalOut(
            app_id=app_id, signed_in=False, message=f"The hub sent no sign-in code ({error or 'none'})."
        )
    credentials = context.issued_credentials.get(app_id)
    if credentials is None:
        return RehearsalOut(
            app_id=app_id,
            signed_in=False,
            message="The simulated vendor app does not hold this app's secret: restart the hub with --new-app-secrets.",
        )
    hub = str(request.base_url).rstrip("/")
    with requests.Session() as http:
        exchanged = http.post(
            f"{hub}/oauth/tokens",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": _callback(request, app_id),
            },
            auth=(credentials.client_id, credentials.client_secret),
            timeout=TIMEOUT,
        )
        if exchanged.status_code != 200:
            detail = exchanged.json().get("error_description", exchanged.text[:200])
            return RehearsalOut(app_id=app_id, signed_in=False, message=f"The code exchange failed: {detail}")
        bearer = {"Authorization": f"Bearer {exchanged.json()['access_token']}"}
        me = http.get(f"{hub}/v3.0/me", headers=bearer, timeout=TIMEOUT)
        if me.status_code != 200:
            return RehearsalOut(app_id=app_id, signed_in=False, message=f"/v3.0/me failed: {me.text[:200]}")
        who = me.json()["data"]
        user = http.get(f"{hub}/v3.0/users/{who['id']}", headers=bearer, timeout=TIMEOUT).json()["data"]
    role = (user.get("roles") or {}).get(who.get("type") or "student") or {}
    sis_id = str(role.get("sis_id") or "")
    name = user.get("name") or {}
    student_name = f"{name.get('first') or ''} {name.get('last') or ''}".strip()
    accounts = context.vendor_accounts.get((app_id, str(who.get("district") or "")))
    found = (accounts or {}).get(sis_id)
    if accounts is None:
        message = "The simulated vendor app has no roster for this district: load the vendor's roster first."
    elif found is None:
        message = f"No account has ExternalID {sis_id!r}: no account links this student."
    else:
        message = f"Signed in to account {found[0]} (progress kept)."
    return RehearsalOut(
        app_id=app_id,
        signed_in=found is not None,
        account=found[0] if found else "",
        account_name=found[1] if found else "",
        user_id=str(who["id"]),
        sis_id=sis_id,
        student_name=student_name,
        message=message,
    )
