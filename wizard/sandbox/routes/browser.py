"""The data browser (`GET /api/v1/districts/{d}/browser?query=`): find a student or teacher by name, SIS id or
email and see which apps they are shared with, and why (or why not).

A page costs its page: matches come from indexes (`store.search_people`) with a limit, and each answer reads
only that person's schools and sections, never the whole district.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request

from wizard.sandbox import browser
from wizard.sandbox import connections as lifecycle
from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District, invalid_fields
from wizard.sandbox.records import RosterData, sis_id_of
from wizard.sandbox.routes.common import sharing_of
from wizard.sandbox.store import app_row, records_by_id, search_people, sections_of_user
from wizard.wire.onboarding import BrowserAppOut, BrowserEntryOut, BrowserPage, Link
from wizard.wire.vocab import DirectoryRole, SharingType

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["data browser"])
DEFAULT_LIMIT = 25


@router.get("/districts/{district_id}/browser")
def browse(
    district_id: District,
    context: Context,
    request: Request,
    query: Annotated[
        str, Query(max_length=200, description="a name (or its start), a SIS id or an email")
    ] = "",
    limit: Annotated[int | None, Query(description="page size (25 when absent)")] = None,
    starting_after: Annotated[
        str, Query(max_length=64, description="the id after which the page starts")
    ] = "",
) -> BrowserPage:
    size = DEFAULT_LIMIT if limit is None else limit
    if size > context.settings.max_page_size:
        raise ApiError(413, "limit_too_large", f"limit may be at most {context.settings.max_page_size}.")
    if size < 1:
        raise ApiError(400, "bad_limit", "limit must be a positive number.")
    if not query.strip():
        raise invalid_fields({"query": "Type a name, a SIS id or an email address."})
    with context.db.read() as conn:
        hits = search_people(conn, district_id, query, size + 1, starting_after)
        more, hits = len(hits) > size, hits[:size]
        connections = [
            (row, sharing_of(row), app_row(conn, row["app_id"]))
            for row in lifecycle.connections_of(conn, district_id)
        ]
        entries = []
        for hit in hits:
            kind, user_id = str(hit["kind"]), str(hit["id"])
            user = records_by_id(conn, district_id, kind, [user_id])[user_id]
            role = browser.ROLE_OF_KIND[kind]
            section_ids = sections_of_user(conn, district_id, user_id)
            part = RosterData()
            part.records[kind][user_id] = user
            part.records["sections"] = records_by_id(conn, district_id, "sections", section_ids)
            school_ids = [str(s) for s in (user["roles"].get(role) or {}).get("schools", [])]
            school_ids += [str(s["school"]) for s in part.records["sections"].values()]
            part.records["schools"] = records_by_id(conn, district_id, "schools", school_ids)
            part.records["terms"] = records_by_id(
                conn,
                district_id,
                "terms",
                [str(s["term_id"]) for s in part.records["sections"].values() if s.get("term_id")],
            )
            part.records["courses"] = records_by_id(
                conn,
                district_id,
                "courses",
                [str(s["course"]) for s in part.records["sections"].values() if s.get("course")],
            )
            apps = []
            for row, sharing, app in connections:
                verdict = browser.explain(part, kind, user, section_ids, sharing)
                apps.append(
                    BrowserAppOut(
                        connection_id=row["id"],
                        app_id=row["app_id"],
                        app_name=app["name"] if app else row["app_id"],
                        connection_status=row["status"],
                        sharing_type=SharingType(sharing.type) if sharing else None,
                        shared=verdict.shared,
                        reason=verdict.reason,
                        via_school_ids=list(verdict.via_schools),
                        via_section_ids=list(verdict.via_sections),
                    )
                )
            name = user.get("name") or {}
            own = (user["roles"].get(role) or {}).get("schools", [])
            entries.append(
                BrowserEntryOut(
                    id=user_id,
                    role=DirectoryRole(role),
                    sis_id=sis_id_of(user),
                    first_name=str(name.get("first") or ""),
                    last_name=str(name.get("last") or ""),
                    email=str(user.get("email") or ""),
                    school_names=[
                        str(part.records["schools"][s]["name"]) for s in own if s in part.records["schools"]
                    ],
                    section_count=len(section_ids),
                    apps=apps,
                )
            )
    base = {"query": query, "limit": str(size)}
    links = [
        Link(
            rel="self",
            uri=f"{request.url.path}?{urlencode({**base, **({'starting_after': starting_after} if starting_after else {})})}",
        )
    ]
    if more and entries:
        links.append(
            Link(
                rel="next", uri=f"{request.url.path}?{urlencode({**base, 'starting_after': entries[-1].id})}"
            )
        )
    return BrowserPage(data=entries, links=links)
