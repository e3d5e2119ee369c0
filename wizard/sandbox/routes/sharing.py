"""What a district shares with one app: read it, preview the counts of a setting, save it."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter

from wizard.sandbox import connections as lifecycle
from wizard.sandbox import sharing as share
from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District, invalid_fields, not_found
from wizard.sandbox.records import RosterData
from wizard.sandbox.routes.common import live_connection, sharing_of
from wizard.sandbox.store import connection_row, load_roster, record_counts
from wizard.sandbox.views import needs_roster, shared_counts, sharing_view
from wizard.wire.onboarding import SharingIn, SharingOut, SharingPreviewOut
from wizard.wire.vocab import SharingType

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["sharing"])


def _checked_sharing(body: SharingIn, roster: RosterData) -> share.Sharing:
    sharing = share.Sharing(
        type=body.type,
        school_ids=list(dict.fromkeys(body.school_ids)),
        section_ids=list(dict.fromkeys(body.section_ids)),
        rules=[share.Rule(**rule.model_dump()) for rule in body.rules],
    )
    problems = share.rule_problems(sharing, roster)
    if problems:
        raise invalid_fields(problems)
    return sharing


def _view(conn: sqlite3.Connection, row: sqlite3.Row, district_id: str) -> SharingOut:
    """The sharing as shown; a whole-district one from the per-kind totals, without loading the district."""
    if needs_roster(sharing_of(row)):
        return sharing_view(row, load_roster(conn, district_id), conn)
    return sharing_view(row, None, conn, record_counts(conn, district_id))


def _whole_district(body: SharingIn) -> bool:
    return body.type == SharingType.DISTRICT and not (body.school_ids or body.section_ids or body.rules)


@router.get("/districts/{district_id}/connections/{connection_id}/sharing")
def get_sharing(district_id: District, connection_id: str, context: Context) -> SharingOut:
    with context.db.transaction() as conn:
        row = live_connection(conn, context, district_id, connection_id)
        return _view(conn, row, district_id)


@router.post("/districts/{district_id}/connections/{connection_id}/sharing/preview")
def preview_sharing(
    district_id: District, connection_id: str, body: SharingIn, context: Context
) -> SharingPreviewOut:
    with context.db.read() as conn:
        row = connection_row(conn, district_id, connection_id)
        if row is None:
            raise not_found("connection")
        if _whole_district(body):
            _checked_sharing(body, RosterData())
            totals = record_counts(conn, district_id)
            return SharingPreviewOut(
                counts=shared_counts({kind: totals[kind] for kind in share.COUNTED_KINDS})
            )
        roster = load_roster(conn, district_id)
    sharing = _checked_sharing(body, roster)
    stored = sharing_of(row)
    if stored is not None and sharing.type == SharingType.SCHOOL_SITE:
        sharing.decisions = {s: p for s, p in stored.decisions.items() if s in sharing.school_ids}
    return SharingPreviewOut(counts=shared_counts(share.counts(roster, share.shared_ids(roster, sharing))))


@router.put("/districts/{district_id}/connections/{connection_id}/sharing")
def put_sharing(district_id: District, connection_id: str, body: SharingIn, context: Context) -> SharingOut:
    with context.db.transaction() as conn:
        row = live_connection(conn, context, district_id, connection_id)
        roster = RosterData() if _whole_district(body) else load_roster(conn, district_id)
        sharing = _checked_sharing(body, roster)
        stored = sharing_of(row)
        if lifecycle.sharing_locked(row) and stored and stored.type != sharing.type:
            raise ApiError(
                409,
                "sharing_type_locked",
                f"The vendor has confirmed sharing by {stored.type.replace('_', ' ')}, so the sharing type can no "
                "longer change. You can still add schools or sections of the same type.",
            )
        if stored is not None and sharing.type == SharingType.SCHOOL_SITE:
            # The tech leads' decisions stay for the schools still chosen; a school taken off loses its own.
            sharing.decisions = {
                school: picks for school, picks in stored.decisions.items() if school in sharing.school_ids
            }
        lifecycle.save_sharing(conn, connection_id, sharing.as_dict(), context.now())
        return _view(conn, live_connection(conn, context, district_id, connection_id), district_id)
