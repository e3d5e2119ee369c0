"""The Clever-compatible surface: district-app tokens, the `/v3.0` Data API and Instant Login.

Field names and envelopes follow reference/clever-data-api/swagger-v3.0.1.yml. An app sees only what the
district shared with it, and only while the connection is live.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from wizard.sandbox import connections as lifecycle
from wizard.sandbox import sharing as share
from wizard.sandbox.app import ApiError, HubContext, RateWindow, basic_credentials, bearer_token, hub_context
from wizard.sandbox.db import loads
from wizard.sandbox.paging import page_of
from wizard.sandbox.records import USER_KINDS, Record, RosterData, hub_id
from wizard.sandbox.store import (
    app_entry,
    app_for_credentials,
    district_row,
    load_roster,
    new_token,
    token_hash,
)
from wizard.wire.vocab import DataUserRole

router = APIRouter(
    responses={
        status: {"description": 'error: {"message"} (OAuth: {"error", "error_description"})'}
        for status in (400, 401, 403, 404, 413, 429)
    }
)
Context = Annotated[HubContext, Depends(hub_context)]
USER_TOKEN_LIFETIME = 3600.0
ROLE_ALIASES = {"district_admin": "districtadmin"}
USER_ROLES = tuple(DataUserRole)


@dataclass(frozen=True)
class AppAccess:
    """Who is calling /v3.0: an app for one district, and for Instant Login tokens also the signed-in user."""

    app_id: str
    district_id: str
    token_key: str
    user_id: str | None = None


def _rate_limit(context: HubContext, token_key: str, request: Request, response: Response) -> None:
    now = context.now()
    settings = context.settings
    with context.rate_lock:
        window = context.rate_windows.get(token_key)
        if window is None or now >= window.start + settings.rate_window:
            window = context.rate_windows[token_key] = RateWindow(start=now, used=0)
        window.used += 1
        used = window.used
        reset = int(window.start + settings.rate_window) + 1
    remaining = max(settings.rate_limit - used, 0)
    headers = {
        "X-RateLimit-Limit": str(settings.rate_limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }
    if used > settings.rate_limit:
        retry = max(int(reset - now), 1)
        raise ApiError(
            429,
            "rate_limited",
            "Too many requests: slow down and retry later.",
            headers={**headers, "Retry-After": str(retry)},
        )
    response.headers.update(headers)
    request.state.rate_limit_headers = headers  # error answers carry them too


def data_access(request: Request, response: Response, context: Context) -> AppAccess:
    token = bearer_token(request)
    now = context.now()
    with context.db.read() as conn:
        row = conn.execute(
            "SELECT app_id, district_id FROM district_app_tokens WHERE access_token = ?", (token,)
        ).fetchone()
        user_id = None
        if row is None:
            row = conn.execute(
                "SELECT app_id, district_id, user_id FROM user_tokens WHERE token_hash = ? AND expires > ?",
                (token_hash(token), now),
            ).fetchone()
            if row is None:
                raise ApiError(401, "unauthorized", "The access token is not valid (expired or revoked).")
            user_id = row["user_id"]
        connection = conn.execute(
            "SELECT status FROM connections WHERE app_id = ? AND district_id = ?",
            (row["app_id"], row["district_id"]),
        ).fetchone()
    if connection is None or connection["status"] != lifecycle.CONNECTED:
        raise ApiError(401, "unauthorized", "The district has disconnected this app.")
    access = AppAccess(row["app_id"], row["district_id"], token_hash(token), user_id)
    _rate_limit(context, access.token_key, request, response)
    return access


Access = Annotated[AppAccess, Depends(data_access)]


def _shared(conn: sqlite3.Connection, access: AppAccess) -> tuple[RosterData, dict[str, set[str]]]:
    roster = load_roster(conn, access.district_id)
    row = conn.execute(
        "SELECT sharing FROM connections WHERE app_id = ? AND district_id = ?",
        (access.app_id, access.district_id),
    ).fetchone()
    stored = loads(row["sharing"]) if row else None
    return roster, share.shared_ids(roster, share.Sharing.from_dict(stored) if stored else None)


def _district_object(conn: sqlite3.Connection, access: AppAccess) -> Record:
    district = district_row(conn, access.district_id)
    assert district is not None
    connection = conn.execute(
        "SELECT launch_date FROM connections WHERE app_id = ? AND district_id = ?",
        (access.app_id, access.district_id),
    ).fetchone()
    return {
        "id": district["id"],
        "name": district["name"],
        "mdr_number": None,
        "nces_id": district["nces_id"] or None,
        "sis_type": district["sis_vendor"],
        "state": district["sync_state"],
        "last_sync": district["last_sync"],
        "error": "",
        "pause_start": None,
        "pause_end": None,
        "launch_date": (connection["launch_date"] if connection else None) or "",
        "portal_url": f"/portal/{district['id']}",
        "login_methods": [district["sso_provider"]] if district["sso_provider"] else [],
        "district_contact": {
            "id": hub_id(district["id"], "contact", district["admin_email"]),
            "title": "District administrator",
            "district": district["id"],
            "email": district["admin_email"],
            "name": {
                "first": district["admin_name"].split(" ")[0],
                "middle": None,
                "last": district["admin_name"].split(" ")[-1],
            },
        },
    }


def _district_admins(conn: sqlite3.Connection, district_id: str) -> list[Record]:
    district = district_row(conn, district_id)
    assert district is not None
    people = [
        (district["admin_name"], district["admin_email"], "District administrator", district["created"])
    ]
    people += [
        (row["name"], row["email"], row["title"], row["created"])
        for row in conn.execute("SELECT * FROM staff_admins WHERE district_id = ?", (district_id,))
    ]
    admins = []
    for name, email, title, created in people:
        record_id = hub_id(district_id, "districtadmin", email.casefold())
        first, _, last = name.partition(" ")
        admins.append(
            {
                "id": record_id,
                "district": district_id,
                "email": email,
                "name": {"first": first, "middle": None, "last": last or None},
                "created": created,
                "last_modified": created,
                "roles": {"districtadmin": {"legacy_id": record_id, "title": title}},
            }
        )
    return admins


def _section_view(section: Record, ids: dict[str, set[str]]) -> Record:
    teachers = [t for t in section["teachers"] if t in ids["teachers"]]
    return {
        **section,
        "students": [s for s in section["students"] if s in ids["students"]],
        "teachers": teachers,
        "teacher": section["teacher"]
        if section["teacher"] in teachers
        else (teachers[0] if teachers else None),
    }


def _collection(conn: sqlite3.Connection, access: AppAccess, resource: str, role: str | None) -> list[Record]:
    """Every record of one resource that the app may see, sorted by id."""
    if resource == "districts":
        return [_district_object(conn, access)]
    roster, ids = _shared(conn, access)
    if resource == "users":
        records: list[Record] = []
        for kind in USER_KINDS:  # a teacher who is also staff has both roles on one record
            records += [
                roster.records[kind][i]
                for i in ids.get(kind, set())
                if role is None or role in roster.records[kind][i]["roles"]
            ]
        admins_shared = any(ids.get(kind) for kind in ("schools", "students", "teachers"))
        if (
            role in (None, "districtadmin")
            and admins_shared
            and _has_scope(conn, access, "read:district_admins")
        ):
            records += _district_admins(conn, access.district_id)
    elif resource == "sections":
        records = [_section_view(roster.records["sections"][i], ids) for i in ids["sections"]]
    else:
        records = [roster.records[resource][i] for i in ids.get(resource, set())]
    if access.user_id is not None:  # an Instant Login token sees the signed-in user only
        records = [r for r in records if resource == "districts" or r["id"] == access.user_id]
    return sorted(records, key=lambda record: str(record["id"]))


def _has_scope(conn: sqlite3.Connection, access: AppAccess, scope: str) -> bool:
    row = conn.execute(
        "SELECT scopes FROM connections WHERE app_id = ? AND district_id = ?",
        (access.app_id, access.district_id),
    ).fetchone()
    return bool(row) and scope in (loads(row["scopes"]) or [])


def _page(
    context: HubContext,
    records: list[Record],
    path: str,
    limit: int | None,
    starting_after: str | None,
    ending_before: str | None,
    extra: dict[str, str],
) -> dict[str, Any]:
    page, links = page_of(context.settings, records, path, limit, starting_after, ending_before, extra)
    return {"data": [{"data": record, "uri": f"{path}/{record['id']}"} for record in page], "links": links}


def _list(
    resource: str,
    access: AppAccess,
    context: HubContext,
    limit: int | None,
    starting_after: str | None,
    ending_before: str | None,
    role: str | None = None,
) -> dict[str, Any]:
    with context.db.read() as conn:
        records = _collection(conn, access, resource, role)
    extra = {"role": role} if role else {}
    return _page(context, records, f"/v3.0/{resource}", limit, starting_after, ending_before, extra)


def _one(resource: str, record_id: str, access: AppAccess, context: HubContext) -> dict[str, Any]:
    with context.db.read() as conn:
        records = _collection(conn, access, resource, None)
    for record in records:
        if record["id"] == record_id:
            return {"data": record, "links": [{"rel": "self", "uri": f"/v3.0/{resource}/{record_id}"}]}
    raise ApiError(404, "not_found", f"No {resource.rstrip('s')} with that id is shared with this app.")


Limit = Annotated[int | None, Query()]
Cursor = Annotated[str | None, Query()]


def _list_route(resource: str) -> Callable[..., dict[str, Any]]:
    """One list endpoint per plain resource; they differ only in the records they list."""

    def list_records(
        access: Access,
        context: Context,
        limit: Limit = None,
        starting_after: Cursor = None,
        ending_before: Cursor = None,
    ) -> dict[str, Any]:
        return _list(resource, access, context, limit, starting_after, ending_before)

    list_records.__name__ = f"list_{resource}"
    return list_records


for _resource in ("districts", "schools", "sections", "terms", "courses"):
    router.add_api_route(f"/v3.0/{_resource}", _list_route(_resource), methods=["GET"], tags=["data"])


@router.get("/v3.0/users", tags=["data"])
def users(
    access: Access,
    context: Context,
    limit: Limit = None,
    starting_after: Cursor = None,
    ending_before: Cursor = None,
    role: Cursor = None,
) -> dict[str, Any]:
    normalised = ROLE_ALIASES.get(role, role) if role else None
    if normalised is not None and normalised not in USER_ROLES:
        raise ApiError(400, "bad_role", f"role must be one of: {', '.join(USER_ROLES)}.")
    return _list("users", access, context, limit, starting_after, ending_before, normalised)


@router.get("/v3.0/me", tags=["instant login"])
def me(access: Access, context: Context) -> dict[str, Any]:
    if access.user_id is None:
        raise ApiError(
            401, "unauthorized", "/me needs a user's token from Instant Login, not a district token."
        )
    with context.db.read() as conn:
        user = next(iter(_collection(conn, access, "users", None)), None)
    if user is None:
        raise ApiError(404, "not_found", "The signed-in user is no longer shared with this app.")
    return {
        "type": "user",
        "data": {
            "id": user["id"],
            "district": access.district_id,
            "type": next(iter(user["roles"])),
            "authorized_by": "district",
        },
        "links": [
            {"rel": "self", "uri": "/v3.0/me"},
            {"rel": "canonical", "uri": f"/v3.0/users/{user['id']}"},
        ],
    }


@router.get("/userinfo", tags=["instant login"])
def userinfo(access: Access, context: Context) -> dict[str, Any]:
    if access.user_id is None:
        raise ApiError(401, "unauthorized", "/userinfo needs a user's token from Instant Login.")
    with context.db.read() as conn:
        user = next(iter(_collection(conn, access, "users", None)), None)
    if user is None:
        raise ApiError(404, "not_found", "The signed-in user is no longer shared with this app.")
    name = user.get("name") or {}
    return {
        "sub": user["id"],
        "user_type": next(iter(user["roles"])),
        "district": access.district_id,
        "given_name": name.get("first") or "",
        "family_name": name.get("last") or "",
        "email": user.get("email") or "",
        "email_verified": False,
    }


@router.get("/v3.0/{resource}/{record_id}", tags=["data"])
def one_record(resource: str, record_id: str, access: Access, context: Context) -> dict[str, Any]:
    if resource not in {"districts", "schools", "sections", "terms", "courses", "users"}:
        raise ApiError(404, "not_found", "There is no such resource in the Data API.")
    return _one(resource, record_id, access, context)


# ---- OAuth --------------------------------------------------------------------------------------------------


@router.get("/oauth/tokens", tags=["oauth"])
def district_tokens(request: Request, context: Context, owner_type: str = "district") -> dict[str, Any]:
    client_id, secret = basic_credentials(request)
    if owner_type != "district":
        raise ApiError(400, "invalid_request", "Only owner_type=district is supported.")
    with context.db.read() as conn:
        app = app_for_credentials(conn, client_id, secret)
        if app is None:
            raise ApiError(401, "invalid_client", "The app's client id or secret is wrong.")
        rows = conn.execute(
            "SELECT t.*, c.scopes FROM district_app_tokens t JOIN connections c "
            "ON c.app_id = t.app_id AND c.district_id = t.district_id "
            "WHERE t.app_id = ? AND c.status = ? ORDER BY t.id",
            (app["id"], lifecycle.CONNECTED),
        ).fetchall()
    data = [
        {
            "id": row["id"],
            "created": row["created"],
            "owner": {"type": "district", "id": row["district_id"]},
            "access_token": row["access_token"],
            "scopes": loads(row["scopes"]) or [],
        }
        for row in rows
    ]
    return {"data": data, "links": [{"rel": "self", "uri": "/oauth/tokens?owner_type=district"}]}


def _find_login_user(conn: sqlite3.Connection, district_id: str, hint: str) -> Record | None:
    row = conn.execute(
        "SELECT data FROM records WHERE district_id = ? AND kind IN ('students', 'teachers', 'staff') "
        "AND (sis_id = ? OR lower(json_extract(data, '$.email')) = lower(?)) ORDER BY kind LIMIT 1",
        (district_id, hint, hint),
    ).fetchone()
    record: Record | None = loads(row["data"]) if row else None
    return record


@router.get("/oauth/authorize", tags=["oauth"], response_class=RedirectResponse, status_code=302)
def authorize(
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
        app = conn.execute("SELECT * FROM apps WHERE client_id = ?", (client_id,)).fetchone()
        if app is None:
            raise ApiError(400, "invalid_client", "No app has that client id.")
        registered = app_entry(app).get("redirect_uris", [])
        if redirect_uri not in registered:  # exact match, so a code is never sent to someone else's address
            raise ApiError(
                400,
                "invalid_request",
                f"redirect_uri is not one registered for {app['name']} ({', '.join(registered) or 'none'}).",
            )
        connected = [
            row["district_id"]
            for row in conn.execute(
                "SELECT district_id FROM connections WHERE app_id = ? AND status = ?",
                (app["id"], lifecycle.CONNECTED),
            )
        ]
        district = district_id or (connected[0] if len(connected) == 1 else "")
        if district not in connected:
            raise ApiError(
                400, "invalid_request", "Say which district signs in (district_id): it must use this app."
            )
        if not login_hint:
            raise ApiError(
                400, "login_required", "The sandbox needs login_hint=<SIS id or email> to know who signs in."
            )
        user = _find_login_user(conn, district, login_hint)
        access = AppAccess(app["id"], district, "")
        _, ids = _shared(conn, access)
        if user is None or not any(user["id"] in ids.get(kind, set()) for kind in USER_KINDS):
            raise ApiError(
                403, "access_denied", "This user is not shared with the app, so Instant Login refuses them."
            )
        code = secrets.token_urlsafe(24)
        conn.execute(
            "INSERT INTO auth_codes (code_hash, app_id, district_id, user_id, redirect_uri, expires) VALUES (?, ?, ?, ?, ?, ?)",
            (
                token_hash(code),
                app["id"],
                district,
                user["id"],
                redirect_uri,
                now + context.settings.code_lifetime,
            ),
        )
    separator = "&" if urlsplit(redirect_uri).query else "?"
    query = urlencode({"code": code, **({"state": state} if state else {})})
    return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=302)


@router.post("/oauth/tokens", tags=["oauth"])
async def exchange_code(request: Request, context: Context) -> dict[str, Any]:
    client_id, secret = basic_credentials(request)
    content_type = request.headers.get("content-type", "")
    try:
        parsed = await request.json() if content_type.startswith("application/json") else await request.form()
        fields: dict[str, Any] = dict(parsed)
    except (ValueError, TypeError):
        raise ApiError(400, "invalid_request", "Send the token request as a form or a JSON object.") from None
    if fields.get("grant_type") != "authorization_code":
        raise ApiError(400, "unsupported_grant_type", "Only grant_type=authorization_code is supported.")
    code, redirect_uri = str(fields.get("code") or ""), str(fields.get("redirect_uri") or "")
    now = context.now()
    with context.db.transaction() as conn:
        app = app_for_credentials(conn, client_id, secret)
        if app is None:
            raise ApiError(401, "invalid_client", "The app's client id or secret is wrong.")
        row = conn.execute("SELECT * FROM auth_codes WHERE code_hash = ?", (token_hash(code),)).fetchone()
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
        conn.execute("UPDATE auth_codes SET used = 1 WHERE code_hash = ?", (row["code_hash"],))
        token = new_token()
        conn.execute(
            "INSERT INTO user_tokens (token_hash, app_id, district_id, user_id, expires) VALUES (?, ?, ?, ?, ?)",
            (token_hash(token), app["id"], row["district_id"], row["user_id"], now + USER_TOKEN_LIFETIME),
        )
        scopes = [scope["name"] for scope in app_entry(app).get("scopes", [])]
    return {
        "access_token": token,
        "token_type": "bearer",
        "scope": " ".join(scopes),
        "expires_in": int(USER_TOKEN_LIFETIME),
    }
