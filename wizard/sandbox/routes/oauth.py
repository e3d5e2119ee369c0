"""OAuth for apps: the district-app tokens an app holds, and Instant Login's authorize and code exchange."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from wizard.sandbox import app_access
from wizard.sandbox.deps import OAUTH_ERRORS, ApiError, Context, basic_credentials
from wizard.sandbox.records import USER_KINDS
from wizard.sandbox.store import app_entry, app_for_credentials, iso, new_token
from wizard.wire.dataapi import DistrictTokenList, DistrictTokenOut, TokenOut, TokenOwner
from wizard.wire.onboarding import Link

router = APIRouter(responses=OAUTH_ERRORS, tags=["oauth"])
USER_TOKEN_LIFETIME = 3600.0


@router.get("/oauth/tokens")
def district_tokens(request: Request, context: Context, owner_type: str = "district") -> DistrictTokenList:
    """A token for each district that uses the app. The hub keeps tokens only as hashes, so each listing
    issues fresh ones (the last few stay valid)."""
    client_id, secret = basic_credentials(request)
    if owner_type != "district":
        raise ApiError(400, "invalid_request", "Only owner_type=district is supported.")
    with context.db.transaction() as conn:
        app = app_for_credentials(conn, client_id, secret)
        if app is None:
            raise ApiError(401, "invalid_client", "The app's client id or secret is wrong.")
        issued = app_access.issue_district_tokens(conn, app["id"], iso(context.now()))
    return DistrictTokenList(
        data=[
            DistrictTokenOut(
                id=token_id,
                created=iso(context.now()),
                owner=TokenOwner(type="district", id=row["district_id"]),
                access_token=token,
                scopes=json.loads(row["scopes"] or "[]"),
            )
            for row, token_id, token in issued
        ],
        links=[Link(rel="self", uri="/oauth/tokens?owner_type=district")],
    )


@router.get("/oauth/authorize", response_class=RedirectResponse, status_code=302)
def authorize(
    request: Request,
    context: Context,
    client_id: str,
    redirect_uri: str,
    response_type: str = "code",
    state: str = "",
    district_id: str = "",
    login_hint: str = "",
) -> RedirectResponse:
    """Instant Login. The sandbox has no login screen: `login_hint` (SIS id or email) says who signs in."""
    if response_type != "code":
        raise ApiError(400, "unsupported_response_type", "Only response_type=code is supported.")
    if urlsplit(redirect_uri).scheme not in {"http", "https"}:
        raise ApiError(400, "invalid_request", "redirect_uri must be an http(s) address.")
    now = context.now()
    with context.db.transaction() as conn:
        app = app_access.app_by_client_id(conn, client_id)
        if app is None:
            raise ApiError(400, "invalid_client", "No app has that client id.")
        hub = str(request.base_url).rstrip("/")
        registered = [  # an address starting with "/" is on this hub: the simulated vendor app
            f"{hub}{uri}" if uri.startswith("/") else uri for uri in app_entry(app).get("redirect_uris", [])
        ]
        if redirect_uri not in registered:  # exact match, so a code is never sent to someone else's address
            raise ApiError(
                400,
                "invalid_request",
                f"redirect_uri is not one registered for {app['name']} ({', '.join(registered) or 'none'}).",
            )
        connected = app_access.connected_districts(conn, app["id"])
        district = district_id or (connected[0] if len(connected) == 1 else "")
        if district not in connected:
            raise ApiError(
                400, "invalid_request", "Say which district signs in (district_id): it must use this app."
            )
        if not login_hint:
            raise ApiError(
                400, "login_required", "The sandbox needs login_hint=<SIS id or email> to know who signs in."
            )
        user = app_access.find_login_user(conn, district, login_hint)
        _, ids = app_access.shared_with_app(conn, app["id"], district)
        if user is None or not any(user["id"] in ids.get(kind, set()) for kind in USER_KINDS):
            raise ApiError(
                403, "access_denied", "This user is not shared with the app, so Instant Login refuses them."
            )
        code = secrets.token_urlsafe(24)
        app_access.add_auth_code(
            conn,
            code,
            {
                "app_id": app["id"],
                "district_id": district,
                "user_id": user["id"],
                "redirect_uri": redirect_uri,
                "expires": now + context.settings.code_lifetime,
            },
        )
    separator = "&" if urlsplit(redirect_uri).query else "?"
    query = urlencode({"code": code, **({"state": state} if state else {})})
    return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=302)


async def _token_request(request: Request) -> dict[str, Any]:
    """The token request's fields, from a form or a JSON object (nested too deep or not text: refused)."""
    content_type = request.headers.get("content-type", "")
    try:
        parsed = await request.json() if content_type.startswith("application/json") else await request.form()
        fields = dict(parsed)
    except (ValueError, TypeError, RecursionError):
        raise ApiError(400, "invalid_request", "Send the token request as a form or a JSON object.") from None
    for name, value in fields.items():
        try:
            str(name).encode("utf-8")
            str(value).encode("utf-8")
        except UnicodeEncodeError:
            shown = str(name).encode("utf-8", "backslashreplace").decode("utf-8")[:40]
            raise ApiError(400, "invalid_request", f"{shown} is not valid text (a lone surrogate).") from None
    return fields


@router.post("/oauth/tokens")
async def exchange_code(request: Request, context: Context) -> TokenOut:
    client_id, secret = basic_credentials(request)
    fields = await _token_request(request)
    if fields.get("grant_type") != "authorization_code":
        raise ApiError(400, "unsupported_grant_type", "Only grant_type=authorization_code is supported.")
    code, redirect_uri = str(fields.get("code") or ""), str(fields.get("redirect_uri") or "")
    now = context.now()
    with context.db.transaction() as conn:
        app = app_for_credentials(conn, client_id, secret)
        if app is None:
            raise ApiError(401, "invalid_client", "The app's client id or secret is wrong.")
        row = app_access.auth_code(conn, code)
        if row is None or row["app_id"] != app["id"]:
            raise ApiError(400, "invalid_grant", "This sign-in code is not valid.")
        if row["used"]:
            raise ApiError(
                400, "invalid_grant", "This sign-in code was already used; start the sign-in again."
            )
        if now >= row["expires"]:
            raise ApiError(400, "invalid_grant", "This sign-in code has expired (codes last one minute).")
        if not redirect_uri:  # RFC 6749 §4.1.3: required when the authorization request carried one
            raise ApiError(400, "invalid_request", "Send the redirect_uri used to sign in with the code.")
        if redirect_uri != row["redirect_uri"]:
            raise ApiError(400, "invalid_grant", "redirect_uri does not match the one used to sign in.")
        app_access.use_auth_code(conn, row["code_hash"])
        token = new_token()
        app_access.add_user_token(conn, token, row, now + USER_TOKEN_LIFETIME)
        scopes = [scope["name"] for scope in app_entry(app).get("scopes", [])]
    return TokenOut(
        access_token=token, token_type="bearer", scope=" ".join(scopes), expires_in=int(USER_TOKEN_LIFETIME)
    )
