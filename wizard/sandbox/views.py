"""How the hub shows its rows on the wire: districts, apps and sharing as `wizard.wire` answers."""

from __future__ import annotations

import sqlite3
from typing import Any

from wizard.sandbox import connections as lifecycle
from wizard.sandbox import sharing as share
from wizard.sandbox.db import loads
from wizard.sandbox.records import RosterData
from wizard.sandbox.store import district_progress
from wizard.wire.onboarding import (
    AdminOut,
    AppOut,
    DistrictOut,
    Onboarding,
    RuleOut,
    ScopeOut,
    SharedCountsOut,
    SharingOut,
)
from wizard.wire.vocab import SharingType, UploadStatus

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


def sharing_view(row: sqlite3.Row, roster: RosterData) -> SharingOut:
    stored = loads(row["sharing"])
    sharing = share.Sharing.from_dict(stored) if stored else None
    ids = share.shared_ids(roster, sharing)
    locked = lifecycle.sharing_locked(row)
    return SharingOut(
        type=SharingType(sharing.type) if sharing else None,
        school_ids=sharing.school_ids if sharing else [],
        section_ids=sharing.section_ids if sharing else [],
        rules=[RuleOut(**vars(rule)) for rule in sharing.rules] if sharing else [],
        locked=locked,
        locked_reason=LOCKED_REASON if locked else "",
        counts=shared_counts(share.counts(roster, ids)),
        rule_fields={kind: list(fields) for kind, fields in share.RULE_FIELDS.items()},
    )
