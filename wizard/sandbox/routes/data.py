"""The Clever-compatible Data API (`/v3.1`, and `/v3.0` alike) and the signed-in user's `/me` and `/userinfo`.

Field names and envelopes follow reference/clever-data-api/swagger-v3.0.1.yml (v3.1 has no breaking changes
from v3.0, so both versions serve the same routes; links point back to the version that was asked for). An
app sees only what the district shared with it, and only while the connection is live.

Rate limit as on the real hub: `rate_limit` requests per token in fixed windows of `rate_window` seconds
(aligned to the clock, e.g. each whole minute), `X-RateLimit-Limit/-Remaining/-Reset` (the window's end, in
epoch seconds) on every answer to a known token, and 429 with `Retry-After` past the limit.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from wizard.sandbox import app_access, keyset
from wizard.sandbox import connections as lifecycle
from wizard.sandbox.deps import DATA_ERRORS, ApiError, Context, HubContext, RateWindow, bearer_token
from wizard.sandbox.paging import page_links, page_of, page_size
from wizard.sandbox.records import USER_KINDS, Record, hub_id
from wizard.sandbox.store import district_row, staff_admins, token_hash
from wizard.wire.dataapi import MeData, MeOut, RecordList, RecordOne, UserInfoOut
from wizard.wire.onboarding import Link
from wizard.wire.vocab import DataUserRole

router = APIRouter(responses=DATA_ERRORS)
ROLE_ALIASES = {"district_admin": "districtadmin"}
USER_ROLES = tuple(DataUserRole)
RESOURCES = ("districts", "schools", "sections", "terms", "courses", "users")
API_VERSIONS = ("v3.0", "v3.1")


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
        start = math.floor(now / settings.rate_window) * settings.rate_window  # fixed, clock-aligned
        window = context.rate_windows.get(token_key)
        if window is None or window.start != start:
            window = context.rate_windows[token_key] = RateWindow(start=start, used=0)
        window.used += 1
        used = window.used
        reset = math.ceil(window.start + settings.rate_window)
    remaining = max(settings.rate_limit - used, 0)
    headers = {
        "X-RateLimit-Limit": str(settings.rate_limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }
    if used > settings.rate_limit:
        retry = max(math.ceil(reset - now), 1)
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
    with context.db.read() as conn:
        owner = app_access.token_owner(conn, token, context.now())
        if owner is None:
            raise ApiError(401, "unauthorized", "The access token is not valid (expired or revoked).")
        app_id, district_id, user_id = owner
        connection = app_access.grant(conn, app_id, district_id)
    if connection is None or connection["status"] != lifecycle.CONNECTED:
        raise ApiError(401, "unauthorized", "The district has disconnected this app.")
    access = AppAccess(app_id, district_id, token_hash(token), user_id)
    _rate_limit(context, access.token_key, request, response)
    return access


Access = Annotated[AppAccess, Depends(data_access)]


def _district_object(conn: sqlite3.Connection, access: AppAccess) -> Record:
    district = district_row(conn, access.district_id)
    assert district is not None
    connection = app_access.grant(conn, access.app_id, access.district_id)
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
        (row["name"], row["email"], row["title"], row["created"]) for row in staff_admins(conn, district_id)
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


def collection(conn: sqlite3.Connection, access: AppAccess, resource: str, role: str | None) -> list[Record]:
    """Every record of one resource that the app may see, sorted by id."""
    if resource == "districts":
        return [_district_object(conn, access)]
    roster, ids = app_access.shared_with_app(conn, access.app_id, access.district_id)
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
            and "read:district_admins" in app_access.scopes_of(conn, access.app_id, access.district_id)
        ):
            records += _district_admins(conn, access.district_id)
    elif resource == "sections":
        records = [_section_view(roster.records["sections"][i], ids) for i in ids["sections"]]
    else:
        records = [roster.records[resource][i] for i in ids.get(resource, set())]
    if access.user_id is not None:  # an Instant Login token sees the signed-in user only
        records = [r for r in records if resource == "districts" or r["id"] == access.user_id]
    return sorted(records, key=lambda record: str(record["id"]))


def _list(
    version: str,
    resource: str,
    access: AppAccess,
    context: HubContext,
    request: Request,
    limit: int | None,
    starting_after: str | None,
    ending_before: str | None,
    role: str | None = None,
) -> RecordList | Response:
    path = f"/{version}/{resource}"
    extra = {"role": role} if role else {}
    with context.db.read() as conn:
        if resource != "districts" and keyset.shares_whole_district(conn, access.app_id, access.district_id):
            return _keyset_list(
                conn, access, request, path, resource, role, limit, starting_after, ending_before
            )
        records = collection(conn, access, resource, role)
    page, links = page_of(context.settings, records, path, limit, starting_after, ending_before, extra)
    return RecordList.model_validate(
        {"data": [{"data": record, "uri": f"{path}/{record['id']}"} for record in page], "links": links}
    )


def _admins_listed(conn: sqlite3.Connection, access: AppAccess, role: str | None) -> bool:
    """District admins are users too, once the app may read them and the district shares anyone."""
    return (
        role in (None, "districtadmin")
        and "read:district_admins" in app_access.scopes_of(conn, access.app_id, access.district_id)
        and conn.execute(
            "SELECT 1 FROM records WHERE district_id = ? LIMIT 1", (access.district_id,)
        ).fetchone()
        is not None
    )


def _keyset_list(
    conn: sqlite3.Connection,
    access: AppAccess,
    request: Request,
    path: str,
    resource: str,
    role: str | None,
    limit: int | None,
    starting_after: str | None,
    ending_before: str | None,
) -> Response:
    """A page of a connection that shares the whole district: read in id order from an index (keyset)."""
    context: HubContext = request.app.state.hub
    size = page_size(context.settings, limit)
    rows = keyset.record_rows(
        conn,
        access.district_id,
        keyset.kinds_of(resource, role),
        role=role,
        starting_after=starting_after,
        ending_before=ending_before,
        limit=size + 1,
        only_id=access.user_id,
    )
    if resource == "users" and access.user_id is None and _admins_listed(conn, access, role):
        rows = keyset.merge(rows, _district_admins(conn, access.district_id), starting_after, ending_before)
    if ending_before:  # as the general path: the last `size` before the cursor, no `next`
        rows, more = rows[-size:], False
    else:
        rows, more = rows[:size], len(rows) > size
    extra = {"role": role} if role else {}
    links = page_links(path, size, starting_after, rows[-1][0] if more and rows else None, extra)
    return keyset.list_response(path, rows, links, getattr(request.state, "rate_limit_headers", {}))


Limit = Annotated[int | None, Query()]
Cursor = Annotated[str | None, Query()]


def _list_route(version: str, resource: str) -> Callable[..., RecordList | Response]:
    """One list endpoint per plain resource and version; they differ only in the records they list."""

    def list_records(
        access: Access,
        context: Context,
        request: Request,
        limit: Limit = None,
        starting_after: Cursor = None,
        ending_before: Cursor = None,
    ) -> RecordList | Response:
        return _list(version, resource, access, context, request, limit, starting_after, ending_before)

    list_records.__name__ = f"list_{resource}_{version.replace('.', '_')}"
    return list_records


def _users_route(version: str) -> Callable[..., RecordList | Response]:
    def users(
        access: Access,
        context: Context,
        request: Request,
        limit: Limit = None,
        starting_after: Cursor = None,
        ending_before: Cursor = None,
        role: Cursor = None,
    ) -> RecordList | Response:
        normalised = ROLE_ALIASES.get(role, role) if role else None
        if normalised is not None and normalised not in USER_ROLES:
            raise ApiError(400, "bad_role", f"role must be one of: {', '.join(USER_ROLES)}.")
        return _list(
            version, "users", access, context, request, limit, starting_after, ending_before, normalised
        )

    users.__name__ = f"list_users_{version.replace('.', '_')}"
    return users


def _signed_in_user(access: AppAccess, context: HubContext, path: str) -> Record:
    if access.user_id is None:
        raise ApiError(
            401, "unauthorized", f"{path} needs a user's token from Instant Login, not a district token."
        )
    with context.db.read() as conn:
        user = next(iter(collection(conn, access, "users", None)), None)
    if user is None:
        raise ApiError(404, "not_found", "The signed-in user is no longer shared with this app.")
    return user


def _me_route(version: str) -> Callable[..., MeOut]:
    def me(access: Access, context: Context) -> MeOut:
        user = _signed_in_user(access, context, "/me")
        return MeOut(
            type="user",
            data=MeData(
                id=user["id"],
                district=access.district_id,
                type=next(iter(user["roles"])),
                authorized_by="district",
            ),
            links=[
                Link(rel="self", uri=f"/{version}/me"),
                Link(rel="canonical", uri=f"/{version}/users/{user['id']}"),
            ],
        )

    me.__name__ = f"me_{version.replace('.', '_')}"
    return me


@router.get("/userinfo", tags=["instant login"])
def userinfo(access: Access, context: Context) -> UserInfoOut:
    user = _signed_in_user(access, context, "/userinfo")
    name = user.get("name") or {}
    return UserInfoOut(
        sub=user["id"],
        user_type=next(iter(user["roles"])),
        district=access.district_id,
        given_name=name.get("first") or "",
        family_name=name.get("last") or "",
        email=user.get("email") or "",
        email_verified=False,
    )


def _one_route(version: str) -> Callable[..., RecordOne | Response]:
    def one_record(
        resource: str, record_id: str, access: Access, context: Context, request: Request
    ) -> RecordOne | Response:
        if resource not in RESOURCES:
            raise ApiError(404, "not_found", "There is no such resource in the Data API.")
        with context.db.read() as conn:
            if resource != "districts" and keyset.shares_whole_district(
                conn, access.app_id, access.district_id
            ):
                wanted = record_id if access.user_id is None or access.user_id == record_id else None
                found = keyset.record_rows(
                    conn, access.district_id, keyset.kinds_of(resource, None), limit=1, only_id=wanted or ""
                )
                if found:  # district admins are computed, not stored: they take the general path
                    path = f"/{version}/{resource}/{record_id}"
                    return keyset.one_response(
                        path, found[0][1], getattr(request.state, "rate_limit_headers", {})
                    )
            records = collection(conn, access, resource, None)
        for record in records:
            if record["id"] == record_id:
                return RecordOne(
                    data=record, links=[Link(rel="self", uri=f"/{version}/{resource}/{record_id}")]
                )
        raise ApiError(404, "not_found", f"No {resource.rstrip('s')} with that id is shared with this app.")

    one_record.__name__ = f"one_record_{version.replace('.', '_')}"
    return one_record


for _version in API_VERSIONS:
    for _resource in ("districts", "schools", "sections", "terms", "courses"):
        router.add_api_route(
            f"/{_version}/{_resource}",
            _list_route(_version, _resource),
            methods=["GET"],
            tags=["data"],
            response_model=RecordList,
        )
    router.add_api_route(
        f"/{_version}/users",
        _users_route(_version),
        methods=["GET"],
        tags=["data"],
        response_model=RecordList,
    )
    router.add_api_route(
        f"/{_version}/me", _me_route(_version), methods=["GET"], tags=["instant login"], response_model=MeOut
    )
    router.add_api_route(
        f"/{_version}/{{resource}}/{{record_id}}",
        _one_route(_version),
        methods=["GET"],
        tags=["data"],
        response_model=RecordOne,
    )
