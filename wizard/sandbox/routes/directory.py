"""The district's roster as the hub holds it, for the wizard's pickers and portal preview (`/api/v1`).

Schools and sections with their hub ids (for sharing by school or section), a user search (for the portal
preview), and the users shared with one app (for the Instant Login link check against a vendor's roster).
Every list pages like the Data API: sorted by id, `limit` (at most the hub's maximum, else 413) and
`starting_after`, with `rel: next` links; `total` counts every match.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request

from wizard.sandbox.deps import API_ERRORS, Context, District, SchoolDecider, invalid_fields, not_found
from wizard.sandbox.paging import page_of
from wizard.sandbox.records import RosterData, sis_id_of
from wizard.sandbox.routes.common import shared_records
from wizard.sandbox.store import load_roster
from wizard.wire.directory import SchoolPage, SectionPage, UserPage

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["directory"])

USER_KIND_BY_ROLE = {"student": "students", "teacher": "teachers", "staff": "staff"}
Limit = Annotated[int | None, Query(description="page size (the hub's default when absent)")]
Cursor = Annotated[str | None, Query(description="the id after which the page starts")]


PageModel = TypeVar("PageModel", SchoolPage, SectionPage, UserPage)


def _paged(
    model: type[PageModel],
    context: Context,
    request: Request,
    rows: list[dict[str, Any]],
    limit: int | None,
    starting_after: str | None,
    **filters: str | None,
) -> PageModel:
    extra = {name: value for name, value in filters.items() if value}
    page, links = page_of(context.settings, rows, request.url.path, limit, starting_after, extra=extra)
    return model.model_validate({"data": page, "links": links, "total": len(rows)})


def _user_row(roster: RosterData, role_name: str, record: dict[str, Any]) -> dict[str, Any]:
    """One user as listed under `role_name` (a user with two roles has a SIS id and school in each)."""
    role = record["roles"].get(role_name) or {}
    school = roster.records["schools"].get(str(role.get("school") or ""))
    name = record.get("name") or {}
    return {
        "id": record["id"],
        "role": role_name,
        "sis_id": str(role.get("sis_id") or role.get("staff_id") or "") or sis_id_of(record),
        "first_name": name.get("first") or "",
        "last_name": name.get("last") or "",
        "email": record.get("email") or "",
        "grade": role.get("grade") or "",
        "school_id": school["id"] if school else "",
        "school_name": school["name"] if school else "",
    }


def _users(
    roster: RosterData, role: str | None, query: str, only: dict[str, set[str]] | None
) -> list[dict[str, Any]]:
    if role is not None and role not in USER_KIND_BY_ROLE:
        raise invalid_fields({"role": f"Choose one of: {', '.join(USER_KIND_BY_ROLE)}."})
    needle = query.strip().casefold()
    rows: dict[
        str, dict[str, Any]
    ] = {}  # by hub id: a user with two roles is listed once, under the first match
    for role_name, kind in USER_KIND_BY_ROLE.items():
        if role not in (None, role_name):
            continue
        for record_id, record in roster.records[kind].items():
            if record_id in rows or (only is not None and record_id not in only.get(kind, set())):
                continue
            row = _user_row(roster, role_name, record)
            text = f"{row['sis_id']} {row['first_name']} {row['last_name']} {row['email']}".casefold()
            if not needle or needle in text:
                rows[record_id] = row
    return list(rows.values())


@router.get("/districts/{district_id}/schools")
def roster_schools(
    district_id: District,
    context: Context,
    request: Request,
    limit: Limit = None,
    starting_after: Cursor = None,
) -> SchoolPage:
    with context.db.read() as conn:
        roster = load_roster(conn, district_id)
    per_school: dict[str, dict[str, int]] = {
        i: {"students": 0, "teachers": 0, "sections": 0} for i in roster.records["schools"]
    }
    for kind, role in (("students", "student"), ("teachers", "teacher")):
        for record in roster.records[kind].values():
            school = record["roles"][role].get("school")
            if school in per_school:
                per_school[school][kind] += 1
    for section in roster.records["sections"].values():
        per_school[section["school"]]["sections"] += 1
    rows = [
        {
            "id": s["id"],
            "name": s["name"],
            "sis_id": s["sis_id"],
            "school_number": s.get("school_number") or "",
            "low_grade": s.get("low_grade") or "",
            "high_grade": s.get("high_grade") or "",
            "counts": per_school[s["id"]],
        }
        for s in roster.records["schools"].values()
    ]
    return _paged(SchoolPage, context, request, rows, limit, starting_after)


@router.get("/districts/{district_id}/sections")
def roster_sections(
    district_id: str,
    caller: SchoolDecider,
    context: Context,
    request: Request,
    school_id: str = "",
    query: str = "",
    limit: Limit = None,
    starting_after: Cursor = None,
) -> SectionPage:
    """The district's sections; a school tech lead's own token lists only the sections of one of their
    schools (`school_id` required; another school answers 404), to pick what the school shares."""
    if caller.staff_id is not None and not (school_id and caller.may_decide(school_id)):
        raise not_found("school")
    with context.db.read() as conn:
        roster = load_roster(conn, district_id)
    needle = query.strip().casefold()
    rows = []
    for section in roster.records["sections"].values():
        if school_id and section["school"] != school_id:
            continue
        teachers = [roster.records["teachers"].get(t) for t in section["teachers"]]
        teacher_names = [
            " ".join(filter(None, ((t.get("name") or {}).get("first"), (t.get("name") or {}).get("last"))))
            for t in teachers
            if t
        ]
        school = roster.records["schools"].get(section["school"], {})
        row = {
            "id": section["id"],
            "name": section["name"],
            "sis_id": section["sis_id"],
            "school_id": section["school"],
            "school_name": school.get("name", ""),
            "subject": section.get("subject") or "",
            "grade": section.get("grade") or "",
            "teacher_names": teacher_names,
            "student_count": len(section["students"]),
        }
        if not needle or needle in f"{row['name']} {row['sis_id']} {' '.join(teacher_names)}".casefold():
            rows.append(row)
    return _paged(
        SectionPage, context, request, rows, limit, starting_after, school_id=school_id, query=query
    )


@router.get("/districts/{district_id}/users")
def roster_users(
    district_id: District,
    context: Context,
    request: Request,
    query: str = "",
    role: str | None = None,
    limit: Limit = None,
    starting_after: Cursor = None,
) -> UserPage:
    """Students, teachers and staff (hub id, SIS id, name, email, grade, school) matching `query`."""
    with context.db.read() as conn:
        roster = load_roster(conn, district_id)
    rows = _users(roster, role, query, None)
    return _paged(UserPage, context, request, rows, limit, starting_after, role=role, query=query)


@router.get("/districts/{district_id}/connections/{connection_id}/shared-users")
def shared_users(
    district_id: District,
    connection_id: str,
    context: Context,
    request: Request,
    role: str | None = None,
    query: str = "",
    limit: Limit = None,
    starting_after: Cursor = None,
) -> UserPage:
    """The users shared with the app (e.g. to check each student's SIS id against the vendor's roster)."""
    with context.db.transaction() as conn:
        _, roster, ids = shared_records(conn, context, district_id, connection_id)
    rows = _users(roster, role, query, ids)
    return _paged(UserPage, context, request, rows, limit, starting_after, role=role, query=query)
