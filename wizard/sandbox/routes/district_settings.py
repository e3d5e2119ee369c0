"""A district's settings: how its roster syncs, where its users sign in, and its staff admins."""

from __future__ import annotations

from fastapi import APIRouter

from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District, invalid_fields
from wizard.sandbox.routes.signups import EMAIL
from wizard.sandbox.store import (
    district_row,
    insert_staff_admin,
    iso,
    new_id,
    set_sso_provider,
    set_sync_method,
    staff_admin_exists,
    staff_admins,
)
from wizard.sandbox.views import district_view
from wizard.wire.onboarding import DistrictOut, SsoIn, StaffAdminIn, StaffAdminList, StaffAdminOut, SyncIn
from wizard.wire.vocab import SsoProvider, SyncMethod, choices

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["districts"])


@router.put("/districts/{district_id}/sync")
def set_sync(district_id: District, body: SyncIn, context: Context) -> DistrictOut:
    if body.method not in set(SyncMethod):
        raise invalid_fields({"method": f"Choose one of: {choices(SyncMethod)}."})
    with context.db.transaction() as conn:
        set_sync_method(conn, district_id, body.method)
        row = district_row(conn, district_id)
        assert row is not None
        return district_view(conn, row)


@router.put("/districts/{district_id}/sso")
def set_sso(district_id: District, body: SsoIn, context: Context) -> DistrictOut:
    if body.provider not in set(SsoProvider):
        raise invalid_fields({"provider": f"Choose one of: {choices(SsoProvider)}."})
    with context.db.transaction() as conn:
        set_sso_provider(conn, district_id, body.provider)
        row = district_row(conn, district_id)
        assert row is not None
        return district_view(conn, row)


@router.post("/districts/{district_id}/admins", status_code=201)
def add_staff_admin(district_id: District, body: StaffAdminIn, context: Context) -> StaffAdminOut:
    problems: dict[str, str] = {}
    if not body.name.strip():
        problems["name"] = "Enter the staff member's name."
    if not EMAIL.match(body.email.strip()):
        problems["email"] = "Enter a valid email address, like name@district.org."
    if problems:
        raise invalid_fields(problems)
    admin = {
        "id": new_id(),
        "name": body.name.strip(),
        "email": body.email.strip(),
        "title": body.title.strip(),
    }
    with context.db.transaction() as conn:
        if staff_admin_exists(conn, district_id, admin["email"]):
            raise ApiError(
                409, "admin_exists", f"{admin['email']} is already a staff admin of your district."
            )
        insert_staff_admin(conn, district_id, admin, iso(context.now()))
    return StaffAdminOut(**admin)


@router.get("/districts/{district_id}/admins")
def list_staff_admins(district_id: District, context: Context) -> StaffAdminList:
    with context.db.read() as conn:
        rows = staff_admins(conn, district_id)
    return StaffAdminList(
        data=[StaffAdminOut(id=r["id"], name=r["name"], email=r["email"], title=r["title"]) for r in rows]
    )
