"""Signing a district up, and signing in again with its admin token."""

from __future__ import annotations

import math
import re
import sqlite3

from fastapi import APIRouter, Request

from wizard.sandbox.deps import (
    API_ERRORS,
    ApiError,
    Context,
    District,
    HubContext,
    bearer_token,
    invalid_fields,
    not_found,
    take_from_window,
)
from wizard.sandbox.store import (
    add_admin_token,
    district_by_nces_id,
    district_for_admin_token,
    district_row,
    insert_district,
    iso,
    new_id,
    new_token,
)
from wizard.sandbox.views import district_view
from wizard.us_states import is_us_state
from wizard.wire.onboarding import DistrictOut, SessionOut, SignupIn, SignupOut

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["districts"])
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def signup_problems(body: SignupIn) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not body.district.name.strip():
        problems["district.name"] = "Enter the district's name."
    if not is_us_state(body.district.state):
        problems["district.state"] = "Enter the two-letter state code, e.g. CA."
    if body.district.nces_id.strip() and not re.fullmatch(r"\d{7}", body.district.nces_id.strip()):
        problems["district.nces_id"] = "An NCES district id has exactly 7 digits."
    if not body.district.sis_vendor.strip():
        problems["district.sis_vendor"] = "Say which SIS the district uses (e.g. PowerSchool)."
    if not body.admin.name.strip():
        problems["admin.name"] = "Enter the administrator's name."
    if not EMAIL.match(body.admin.email.strip()):
        problems["admin.email"] = "Enter a valid email address, like name@district.org."
    if len(re.sub(r"\D", "", body.admin.phone)) < 10:
        problems["admin.phone"] = "Enter a phone number with area code (at least 10 digits)."
    return problems


def _already_registered(row: sqlite3.Row) -> ApiError:
    return ApiError(
        409,
        "district_already_registered",
        f"{row['name']} (NCES id {row['nces_id']}) is already registered on this hub. Sign in to it with its "
        "admin token instead of signing up again.",
        extra={"district_id": row["id"], "district_name": row["name"]},
    )


def _rate_limited(context: HubContext, request: Request) -> None:
    """A client registers at most `signup_limit` districts per `signup_window` (429 with Retry-After)."""
    client = request.client.host if request.client else "unknown"
    settings = context.settings
    wait = take_from_window(context, f"signup:{client}", settings.signup_limit, settings.signup_window)
    if wait:
        raise ApiError(
            429,
            "too_many_signups",
            f"This computer has registered {settings.signup_limit} districts in a short time; wait "
            f"{math.ceil(wait / 60)} minutes before registering another.",
            headers={"Retry-After": str(math.ceil(wait))},
        )


@router.post("/signups", status_code=201)
def signup(body: SignupIn, request: Request, context: Context) -> SignupOut:
    problems = signup_problems(body)
    if problems:
        raise invalid_fields(problems)
    district_id, token, now = new_id(), new_token(), iso(context.now())
    fields = {
        "name": body.district.name.strip(),
        "state": body.district.state.strip().upper(),
        "nces_id": body.district.nces_id.strip(),
        "sis_vendor": body.district.sis_vendor.strip(),
        "admin_name": body.admin.name.strip(),
        "admin_email": body.admin.email.strip(),
        "admin_phone": body.admin.phone.strip(),
    }
    with context.db.transaction() as conn:  # one writer at a time: the check and the insert are atomic
        registered = district_by_nces_id(conn, fields["nces_id"]) if fields["nces_id"] else None
        if registered is not None:
            raise _already_registered(registered)
        _rate_limited(context, request)  # counts districts created, not refused attempts
        insert_district(conn, district_id, fields, now)
        add_admin_token(conn, district_id, token)
        row = district_row(conn, district_id)
        assert row is not None
        return SignupOut(district=district_view(conn, row), admin_token=token)


@router.get("/session")
def session(request: Request, context: Context) -> SessionOut:
    """Which district an admin token belongs to: how a returning admin signs in with a saved token."""
    token = bearer_token(request)
    with context.db.read() as conn:
        district_id = district_for_admin_token(conn, token)
        row = district_row(conn, district_id) if district_id else None
        if row is None:
            raise ApiError(401, "unauthorized", "This sign-in token is not valid on this hub.")
        return SessionOut(district=district_view(conn, row))


@router.get("/districts/{district_id}")
def get_district(district_id: District, context: Context) -> DistrictOut:
    with context.db.read() as conn:
        row = district_row(conn, district_id)
        if row is None:
            raise not_found("district")
        return district_view(conn, row)
