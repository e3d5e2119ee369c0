"""A district's staff admins, and what a school tech lead decides with their own token.

Staff admins have a role (`wizard.wire.vocab.StaffRole`); a school tech lead has chosen schools and gets a
token of their own, returned once and kept hashed. With school-site sharing the district picks the schools
whose tech leads decide; each tech lead opts their school in (the whole school or chosen sections) through
`…/connections/{c}/schools/{s}/sharing`, and may touch only their own schools: another school answers 404.
"""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Request

from wizard.sandbox import connections as lifecycle
from wizard.sandbox.db import dumps, loads
from wizard.sandbox.deps import (
    API_ERRORS,
    ApiError,
    Context,
    District,
    SchoolCaller,
    SchoolDecider,
    bearer_token,
    invalid_fields,
    not_found,
)
from wizard.sandbox.routes.common import live_connection, sharing_of
from wizard.sandbox.routes.signups import EMAIL
from wizard.sandbox.sharing import Sharing
from wizard.sandbox.store import (
    add_event,
    app_row,
    district_row,
    insert_staff_admin,
    iso,
    load_roster,
    new_id,
    new_token,
    remove_staff_admin,
    staff_admin_exists,
    staff_admins,
    staff_for_token,
)
from wizard.sandbox.views import school_site_view, staff_admin_view
from wizard.wire.onboarding import (
    SchoolSharingIn,
    SchoolSiteOut,
    StaffAdminCreated,
    StaffAdminIn,
    StaffAdminList,
    StaffAdminRemoved,
    StaffConnectionOut,
    StaffSessionOut,
)
from wizard.wire.vocab import SchoolShare, SharingType, StaffRole, choices

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["staff"])


def _existing_schools(conn: sqlite3.Connection, district_id: str, school_ids: list[str]) -> set[str]:
    """Which of `school_ids` are schools of the district (one indexed look-up per id, not the roster)."""
    return {
        school_id
        for school_id in school_ids
        if conn.execute(
            "SELECT 1 FROM records WHERE district_id = ? AND kind = 'schools' AND id = ?",
            (district_id, school_id),
        ).fetchone()
    }


@router.post("/districts/{district_id}/admins", status_code=201)
def add_staff_admin(district_id: District, body: StaffAdminIn, context: Context) -> StaffAdminCreated:
    problems: dict[str, str] = {}
    if not body.name.strip():
        problems["name"] = "Enter the staff member's name."
    if not EMAIL.match(body.email.strip()):
        problems["email"] = "Enter a valid email address, like name@district.org."
    if body.role not in set(StaffRole):
        problems["role"] = f"Choose one of: {choices(StaffRole)}."
    school_ids = list(dict.fromkeys(i.strip() for i in body.school_ids if i.strip()))
    is_tech_lead = body.role == StaffRole.SCHOOL_TECH_LEAD
    if is_tech_lead and not school_ids:
        problems["school_ids"] = "Choose the school(s) this tech lead looks after."
    elif school_ids and not is_tech_lead and "role" not in problems:
        problems["school_ids"] = "Only a school tech lead has schools; leave the schools empty for this role."
    admin = {
        "id": new_id(),
        "name": body.name.strip(),
        "email": body.email.strip(),
        "title": body.title.strip(),
        "role": body.role,
    }
    token = new_token() if is_tech_lead else None
    with context.db.transaction() as conn:
        if is_tech_lead and school_ids and "school_ids" not in problems:
            unknown = [i for i in school_ids if i not in _existing_schools(conn, district_id, school_ids)]
            if unknown:
                problems["school_ids"] = (
                    f"{len(unknown)} school id(s) are not schools of this district (upload the roster first)."
                )
        if problems:
            raise invalid_fields(problems)
        if staff_admin_exists(conn, district_id, admin["email"]):
            raise ApiError(
                409, "admin_exists", f"{admin['email']} is already a staff admin of your district."
            )
        insert_staff_admin(conn, district_id, admin, iso(context.now()), school_ids, token)
    return StaffAdminCreated(
        id=admin["id"],
        name=admin["name"],
        email=admin["email"],
        title=admin["title"],
        role=StaffRole(admin["role"]),
        school_ids=school_ids,
        staff_token=token,
    )


@router.get("/districts/{district_id}/admins")
def list_staff_admins(district_id: District, context: Context) -> StaffAdminList:
    with context.db.read() as conn:
        rows = staff_admins(conn, district_id)
    return StaffAdminList(data=[staff_admin_view(row) for row in rows])


@router.delete("/districts/{district_id}/admins/{staff_id}")
def delete_staff_admin(district_id: District, staff_id: str, context: Context) -> StaffAdminRemoved:
    """Remove a staff admin; a school tech lead's token stops working at once."""
    with context.db.transaction() as conn:
        row = next((r for r in staff_admins(conn, district_id) if r["id"] == staff_id), None)
        if row is None or not remove_staff_admin(conn, district_id, staff_id):
            raise not_found("staff admin")
    return StaffAdminRemoved(removed=staff_admin_view(row))


@router.get("/staff/me")
def staff_session(request: Request, context: Context) -> StaffSessionOut:
    """Who a school tech lead's token belongs to, and the apps whose school-site sharing they decide."""
    with context.db.transaction() as conn:
        staff = staff_for_token(conn, bearer_token(request))
        if staff is None:
            raise ApiError(
                401, "unauthorized", "That is not a staff admin's sign-in: ask your district admin."
            )
        district = district_row(conn, staff["district_id"])
        assert district is not None
        own = set(loads(staff["school_ids"]) or [])
        decides = []
        for row in lifecycle.connections_of(conn, staff["district_id"]):
            sharing = sharing_of(row)
            if sharing is None or sharing.type != SharingType.SCHOOL_SITE:
                continue
            schools = [i for i in sharing.school_ids if i in own]
            if schools:
                app = app_row(conn, row["app_id"])
                decides.append(
                    StaffConnectionOut(
                        connection_id=row["id"],
                        app_id=row["app_id"],
                        app_name=app["name"] if app else row["app_id"],
                        school_ids=schools,
                    )
                )
    return StaffSessionOut(
        district_id=district["id"],
        district_name=district["name"],
        admin=staff_admin_view(staff),
        connections=decides,
    )


def _school_site(
    conn: sqlite3.Connection, context: Context, caller: SchoolCaller, connection_id: str, school_id: str
) -> tuple[sqlite3.Row, Sharing]:
    """The connection's school-site sharing, for a school the caller may decide; else 404 or 409."""
    if not caller.may_decide(school_id):
        raise not_found("school")  # a tech lead never learns anything about another school
    row = live_connection(conn, context, caller.district_id, connection_id)
    sharing = sharing_of(row)
    if sharing is None or sharing.type != SharingType.SCHOOL_SITE:
        raise ApiError(
            409,
            "not_school_site",
            "This app is not shared by school site, so schools do not decide: the district admin sets its sharing.",
        )
    if school_id not in sharing.school_ids:
        if (
            caller.staff_id is None
            and school_id not in load_roster(conn, caller.district_id).records["schools"]
        ):
            raise not_found("school")
        raise ApiError(
            409,
            "school_not_chosen",
            "The district has not chosen this school to decide for this app; ask your district admin to add it.",
        )
    return row, sharing


@router.get("/districts/{district_id}/connections/{connection_id}/schools/{school_id}/sharing")
def get_school_sharing(
    district_id: str, connection_id: str, school_id: str, caller: SchoolDecider, context: Context
) -> SchoolSiteOut:
    with context.db.transaction() as conn:
        _, sharing = _school_site(conn, context, caller, connection_id, school_id)
        roster = load_roster(conn, district_id)
        return school_site_view(conn, district_id, roster, sharing, school_id)


@router.put("/districts/{district_id}/connections/{connection_id}/schools/{school_id}/sharing")
def put_school_sharing(
    district_id: str,
    connection_id: str,
    school_id: str,
    body: SchoolSharingIn,
    caller: SchoolDecider,
    context: Context,
) -> SchoolSiteOut:
    if body.share not in set(SchoolShare):
        raise invalid_fields({"share": f"Choose one of: {choices(SchoolShare)}."})
    with context.db.transaction() as conn:
        row, sharing = _school_site(conn, context, caller, connection_id, school_id)
        roster = load_roster(conn, district_id)
        sections = roster.records["sections"]
        section_ids = list(dict.fromkeys(body.section_ids))
        if body.share == SchoolShare.SECTIONS:
            foreign = [i for i in section_ids if sections.get(i, {}).get("school") != school_id]
            if not section_ids:
                raise invalid_fields({"section_ids": "Pick at least one section of the school."})
            if foreign:
                raise invalid_fields(
                    {"section_ids": f"{len(foreign)} section id(s) are not sections of this school."}
                )
        decisions = dict(sharing.decisions)
        if body.share == SchoolShare.NOT_DECIDED:
            decisions.pop(school_id, None)
        else:
            decisions[school_id] = None if body.share == SchoolShare.WHOLE_SCHOOL else section_ids
        sharing.decisions = decisions
        conn.execute("UPDATE connections SET sharing = ? WHERE id = ?", (dumps(sharing.as_dict()), row["id"]))
        school_name = roster.records["schools"].get(school_id, {}).get("name", school_id)
        what = {
            SchoolShare.WHOLE_SCHOOL: "the whole school",
            SchoolShare.SECTIONS: f"{len(section_ids)} section(s)",
            SchoolShare.NOT_DECIDED: "nothing (opted out)",
        }[SchoolShare(body.share)]
        who = "the district admin" if caller.staff_id is None else "its school tech lead"
        add_event(
            conn,
            row["id"],
            iso(context.now()),
            "district",
            "sharing_saved",
            f"{school_name} shares {what} ({who}).",
        )
        return school_site_view(conn, district_id, roster, sharing, school_id)
