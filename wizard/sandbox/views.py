"""How the hub shows its rows on the wire: districts, apps and sharing as `wizard.wire` answers."""

from __future__ import annotations

import sqlite3
from typing import Any

from wizard.sandbox import connections as lifecycle
from wizard.sandbox import sharing as share
from wizard.sandbox.db import loads
from wizard.sandbox.records import RosterData
from wizard.sandbox.store import district_progress, staff_admins, staff_school_ids
from wizard.wire.onboarding import (
    AdminOut,
    AppOut,
    DistrictOut,
    Onboarding,
    RuleOut,
    SchoolSiteOut,
    ScopeOut,
    SharedCountsOut,
    SharingOut,
    StaffAdminOut,
)
from wizard.wire.vocab import SchoolShare, SharingType, StaffRole, UploadStatus

LOCKED_REASON = (
    "The vendor has confirmed this sharing, so its type cannot change any more; you can still add sections."
)


def district_view(conn: sqlite3.Connection, row: sqlite3.Row) -> DistrictOut:
    district_id = row["id"]
    last_upload_status, has_data, admins = district_progress(conn, district_id)
    connection_rows = lifecycle.connections_of(conn, district_id)
    steps = {
        "signed_up": True,
        "sync_method_chosen": row["sync_method"] is not None,
        "identity_provider_chosen": row["sso_provider"] is not None,
        "staff_admins_added": admins > 0,
        "roster_uploaded": has_data,
        "app_added": bool(connection_rows),
        "app_connected": any(c["status"] == lifecycle.CONNECTED for c in connection_rows),
        "sharing_set": any(c["sharing"] is not None for c in connection_rows),
        "launched": any(c["launch_date"] for c in connection_rows),
    }
    return DistrictOut(
        id=district_id,
        name=row["name"],
        state=row["state"],
        nces_id=row["nces_id"],
        sis_vendor=row["sis_vendor"],
        admin=AdminOut(name=row["admin_name"], email=row["admin_email"], phone=row["admin_phone"]),
        sync_method=row["sync_method"],
        sso_provider=row["sso_provider"],
        sync_state=row["sync_state"],
        last_sync=row["last_sync"],
        last_upload_status=UploadStatus(last_upload_status) if last_upload_status else None,
        created=row["created"],
        onboarding=Onboarding(
            steps=steps, next_step=next((name for name, done in steps.items() if not done), None)
        ),
    )


def app_view(entry: dict[str, Any]) -> AppOut:
    return AppOut(
        id=entry["id"],
        name=entry["name"],
        vendor=entry["vendor"],
        description=entry.get("description", ""),
        uses_secure_sync=bool(entry.get("uses_secure_sync")),
        roster_import=entry.get("roster_import"),
        scopes=[
            ScopeOut(name=s["name"], description=s.get("description", "")) for s in entry.get("scopes", [])
        ],
        recommended_sharing=entry.get("recommended_sharing"),
        recommended_sharing_reason=entry.get("recommended_sharing_reason", ""),
        icon_url=f"/api/v1/apps/{entry['id']}/icon",
    )


def shared_counts(counts: dict[str, int]) -> SharedCountsOut:
    return SharedCountsOut(**counts)


def staff_admin_view(row: sqlite3.Row) -> StaffAdminOut:
    return StaffAdminOut(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        title=row["title"],
        role=StaffRole(row["role"]),
        school_ids=staff_school_ids(row),
    )


def school_site_view(
    conn: sqlite3.Connection, district_id: str, roster: RosterData, sharing: share.Sharing, school_id: str
) -> SchoolSiteOut:
    """One school under school-site sharing: its tech leads, whether it opted in, what it shares, and counts."""
    leads = [
        staff_admin_view(row)
        for row in staff_admins(conn, district_id)
        if row["role"] == StaffRole.SCHOOL_TECH_LEAD and school_id in staff_school_ids(row)
    ]
    opted_in = school_id in sharing.decisions
    picks = sharing.decisions.get(school_id)
    alone = share.Sharing(
        type=SharingType.SCHOOL_SITE,
        school_ids=[school_id],
        decisions={school_id: picks} if opted_in else {},
    )
    school = roster.records["schools"].get(school_id) or {}
    return SchoolSiteOut(
        school_id=school_id,
        school_name=str(school.get("name") or ""),
        tech_leads=leads,
        opted_in=opted_in,
        share=(
            SchoolShare.NOT_DECIDED
            if not opted_in
            else SchoolShare.WHOLE_SCHOOL
            if picks is None
            else SchoolShare.SECTIONS
        ),
        section_ids=list(picks or []),
        counts=shared_counts(share.counts(roster, share.shared_ids(roster, alone))),
    )


def needs_roster(sharing: share.Sharing | None) -> bool:
    """Whether showing this sharing needs the district's records: not for the whole district (or nothing),
    whose counts are the district's per-kind totals."""
    return sharing is not None and sharing.type != SharingType.DISTRICT


def sharing_view(
    row: sqlite3.Row,
    roster: RosterData | None,
    conn: sqlite3.Connection | None = None,
    totals: dict[str, int] | None = None,
) -> SharingOut:
    """A connection's sharing; with `conn`, school-site sharing also shows each chosen school's decision.
    Without `roster` (see needs_roster), the counts are `totals`, the district's records per kind."""
    stored = loads(row["sharing"])
    sharing = share.Sharing.from_dict(stored) if stored else None
    locked = lifecycle.sharing_locked(row)
    if roster is None:
        counts = {kind: (totals or {}).get(kind, 0) if sharing else 0 for kind in share.COUNTED_KINDS}
    else:
        counts = share.counts(roster, share.shared_ids(roster, sharing))
    schools = (
        [school_site_view(conn, row["district_id"], roster, sharing, i) for i in sharing.school_ids]
        if conn is not None
        and roster is not None
        and sharing is not None
        and sharing.type == SharingType.SCHOOL_SITE
        else []
    )
    return SharingOut(
        type=SharingType(sharing.type) if sharing else None,
        school_ids=sharing.school_ids if sharing else [],
        section_ids=sharing.section_ids if sharing else [],
        rules=[RuleOut(**vars(rule)) for rule in sharing.rules] if sharing else [],
        locked=locked,
        locked_reason=LOCKED_REASON if locked else "",
        counts=shared_counts(counts),
        rule_fields={kind: list(fields) for kind, fields in share.RULE_FIELDS.items()},
        schools=schools,
    )
